"""What kind of value a question asks for: the :class:`~assistant.types.AnswerKind` s, most specific first.

The cue words are data (:data:`assistant.query.vocabulary.KIND_CUES`); the rules here are the
few ways kinds combine: several contact kinds are all asked ("地址和邮编"), a count with its
unit outranks contact words ("热线办件有多少件"), a fax question is not also a phone question, a
website question is not an address question, 行政事业性收费 is not 信息处理费.

>>> detect_kinds("地址和邮编是什么？")
[<AnswerKind.ADDRESS: 'address'>, <AnswerKind.POSTCODE: 'postcode'>]
>>> detect_kinds("热线办件有多少件？")
[<AnswerKind.COUNT: 'count'>]
>>> detect_kinds("行政事业性收费金额是多少？")
[<AnswerKind.ADMIN_FEE: 'admin_fee'>]
"""

from __future__ import annotations

import re

from assistant.query.vocabulary import MONEY_UNITS, TITLE_QUESTION, VOCAB
from assistant.types import AnswerKind

K = AnswerKind
CONTACT_KINDS = frozenset({K.PHONE, K.FAX, K.EMAIL, K.POSTCODE, K.WEBSITE, K.ADDRESS, K.CONTACT_ORG})
DATE_KINDS = frozenset({K.DATE, K.PERIOD, K.PERIOD_END})
#: Kinds answered by one value each, in the order tried when several cue words are present.
EXCLUSIVE_ORDER = (K.ADMIN_FEE, K.PERIOD, K.PERIOD_END, K.DATE, K.FEE, K.PROBLEM, K.OTHER_SECTION, K.COUNT)


DOCNUM_WORDS = re.compile(r"文号|字号|发文号")
TITLE_QUESTION_RE = re.compile(TITLE_QUESTION)


def detect_kinds(folded: str) -> list[AnswerKind]:
    """Every kind the question asks for, most specific first (``地址和邮编`` -> address, postcode)."""
    if DOCNUM_WORDS.search(folded) or TITLE_QUESTION_RE.search(folded):
        return [K.GENERAL]  # "文号是多少", "依据了哪几个规定": a document number or titles, not a count
    kinds = [kind for kind, pattern in VOCAB.kind_cues if pattern.search(folded)]
    counted = VOCAB.count_with_unit.search(folded)
    if K.COUNT in kinds and counted:
        if counted.group(1) in MONEY_UNITS:  # "收取了多少元" asks for a fee
            return [K.ADMIN_FEE] if K.ADMIN_FEE in kinds else [K.FEE] if K.FEE in kinds else [K.COUNT]
        return [K.COUNT]
    if K.ADMIN_FEE in kinds and K.FEE in kinds:
        kinds.remove(K.FEE)
    if K.ADDRESS in kinds and K.WEBSITE in kinds:
        kinds.remove(K.ADDRESS)  # "在哪个网站下载" asks for a website
    if K.PHONE in kinds and K.FAX in kinds:
        kinds.remove(K.PHONE)
    if K.PERIOD in kinds or K.PERIOD_END in kinds:
        kinds = [k for k in kinds if k != K.DATE]
    contact = [k for k in kinds if k in CONTACT_KINDS]
    if contact:
        if K.ADDRESS in contact and K.POSTCODE in contact:
            contact = [K.ADDRESS, K.POSTCODE] + [k for k in contact if k not in (K.ADDRESS, K.POSTCODE)]
        return contact
    for exclusive in EXCLUSIVE_ORDER:
        if exclusive in kinds:
            return [exclusive]
    return [K.GENERAL]
