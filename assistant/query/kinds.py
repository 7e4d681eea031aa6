"""What kind of value a question asks for: the :class:`~assistant.types.AnswerKind` s, most specific first.

>>> detect_kinds("常州市机关事务管理局的地址和邮编是什么？")
[<AnswerKind.ADDRESS: 'address'>, <AnswerKind.POSTCODE: 'postcode'>]
>>> detect_kinds("热线办件有多少件？")
[<AnswerKind.COUNT: 'count'>]
"""

from __future__ import annotations

import re

from assistant.types import AnswerKind

K = AnswerKind

KIND_PATTERNS: list[tuple[AnswerKind, re.Pattern[str]]] = [
    (K.FAX, re.compile(r"传真")),
    (K.EMAIL, re.compile(r"邮箱|电子邮件|e-?mail", re.I)),
    (K.POSTCODE, re.compile(r"邮编|邮政编码")),
    (K.PHONE, re.compile(r"电话|热线|拨打|联系方式|号码")),
    (K.WEBSITE, re.compile(r"网址|哪个网站|什么网站|哪个网|电子版|下载|全文|在哪.{0,4}(?:查|看|阅|找到|公开)")),
    (K.ADDRESS, re.compile(r"地址|在哪里|在哪儿|位于|去哪")),
    (K.PERIOD, re.compile(r"统计期限|统计时限|统计期间|统计周期|时间段|哪段时间")),
    (K.DATE, re.compile(r"哪天|哪一天|什么时候|何时|日期|发布时间|印发|发布于|哪年哪月")),
    (K.FEE, re.compile(r"收费|费用|信息处理费|收取|花钱|要钱|免费")),
    (K.PROBLEM, re.compile(r"问题|不足|短板|差距|改进|整改")),
    (
        K.COUNT,
        re.compile(
            r"多少|几[件条次个项场篇名人份期部家]|几|数量|总量|有没有|是否.*(?:收到|结转)|收到.*了吗|访问量|答复率|比例|占比|第几"
        ),
    ),
]
# "多少件 / 几条 ...": a count with its unit, which outranks contact words ("热线办件有多少件").
COUNT_WITH_UNIT = re.compile(r"(?:多少|几)\s*(?:件|条|次|个|项|场|篇|名|人次|份|期|家|批|万)")
CONTACT_KINDS = frozenset({K.PHONE, K.FAX, K.EMAIL, K.POSTCODE, K.WEBSITE, K.ADDRESS})


def detect_kinds(folded: str) -> list[AnswerKind]:
    """Every kind the question asks for, most specific first (``地址和邮编`` -> address, postcode)."""
    kinds = [name for name, pattern in KIND_PATTERNS if pattern.search(folded)]
    if COUNT_WITH_UNIT.search(folded) and K.COUNT in kinds:
        return [K.COUNT]
    if K.FEE in kinds and (K.COUNT in kinds) and not re.search(r"收费|费", folded):
        kinds.remove(K.FEE)
    if K.ADDRESS in kinds and (K.WEBSITE in kinds):
        kinds.remove(K.ADDRESS)  # "在哪个网站下载" asks for a website
    if K.PHONE in kinds and K.FAX in kinds:
        kinds.remove(K.PHONE)
    if K.DATE in kinds and K.PERIOD in kinds:
        kinds.remove(K.DATE)
    contact = [k for k in kinds if k in CONTACT_KINDS]
    if contact:
        if K.ADDRESS in contact and K.POSTCODE in contact:
            contact = [K.ADDRESS, K.POSTCODE] + [k for k in contact if k not in (K.ADDRESS, K.POSTCODE)]
        return contact
    for exclusive in (K.PERIOD, K.DATE, K.FEE, K.PROBLEM, K.COUNT):
        if exclusive in kinds:
            return [exclusive]
    return [K.GENERAL]
