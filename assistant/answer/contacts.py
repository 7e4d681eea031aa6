"""Contact values and dates: phone, fax, postcode, email, address, website, statistics period, publish date."""

from __future__ import annotations

import re

from assistant.answer.values import Found, first_match, overlap
from assistant.types import Passage
from index.text.clauses import clause_bounds
from index.text.dates import DATE_TEXT, to_iso

PHONE_LABEL = r"(?:联系电话|咨询电话|办公电话|服务电话|电话号码|电话|热线|联系方式|tel)"
FAX_LABEL = r"(?:传真号码|传真电话|传真)"
PHONE_NUMBER = r"((?:\(?0\d{2,3}\)?-?)?[1-9]\d{6,7}(?:-\d{1,5})?|1[3-9]\d{9})"
LABELLED_PHONE = re.compile(PHONE_LABEL + r"\s*[:：]?\s*" + PHONE_NUMBER, re.I)
LABELLED_FAX = re.compile(FAX_LABEL + r"\s*[:：]?\s*" + PHONE_NUMBER)
AREA_CODE_PHONE = re.compile(r"(?<![\d.])(0\d{2,3}-[1-9]\d{6,7})(?![\d])")
POSTCODE = re.compile(r"(?:邮政编码|邮编)\s*[:：]?\s*(\d{6})(?!\d)")
EMAIL = re.compile(r"([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
ADDRESS = re.compile(r"(?:通信地址|通讯地址|办公地址|联系地址|详细地址|地址)\s*[:：]\s*([^;；,，。)\n]{3,60})")
URL = re.compile(
    r"((?:https?://)?(?:www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.gov\.cn)(?:/[A-Za-z0-9._/?=&%#-]*)?)",
    re.I,
)
PERIOD = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日(?:起)?\s*(?:至|到|-|~)\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:止)?)")
LABELLED_DATE = re.compile(
    r"(?:发布日期|发布时间|成文日期|印发日期|公开日期|发文日期|日期|时间)\s*[:：]\s*("
    + DATE_TEXT
    + r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"
)
ANY_DATE = re.compile(DATE_TEXT)


def find_phone(passages: list[Passage]) -> Found | None:
    """A labelled phone number (not a fax), else an area-code number not labelled as fax."""
    for p in passages:
        for m in LABELLED_PHONE.finditer(p.search_text):
            return Found(p, m.start(), m.end(), _clean_phone(m.group(1)))
    for p in passages:
        for m in AREA_CODE_PHONE.finditer(p.search_text):
            before = p.search_text[max(0, m.start() - 6) : m.start()]
            if re.search(FAX_LABEL, before):
                continue
            return Found(p, m.start(), m.end(), m.group(1))
    return None


def find_fax(passages: list[Passage]) -> Found | None:
    found = first_match(passages, LABELLED_FAX)
    if found:
        found.value = _clean_phone(found.value)
    return found


def _clean_phone(value: str) -> str:
    return value.replace("(", "").replace(")", "-").replace("--", "-")


def find_postcode(passages: list[Passage]) -> Found | None:
    return first_match(passages, POSTCODE)


def find_email(passages: list[Passage]) -> Found | None:
    return first_match(passages, EMAIL)


def find_address(passages: list[Passage]) -> Found | None:
    found = first_match(passages, ADDRESS)
    if found:
        found.value = found.value.strip()
    return found


def find_website(passages: list[Passage], topic: list[str]) -> Found | None:
    """A URL with the clause that names the site (``上海市人民政府网站(www.shanghai.gov.cn)``)."""
    best: Found | None = None
    for rank, p in enumerate(passages):
        for m in URL.finditer(p.search_text):
            if "@" in p.search_text[max(0, m.start() - 1) : m.start() + 1]:
                continue
            c_start, c_end = clause_bounds(p.search_text, m.start(), m.end())
            clause = p.search_text[c_start:c_end]
            score = (
                2.0 * bool(re.search(r"网站|网址|门户|电子版|下载|查询|公开", clause))
                + overlap(topic, clause)
                - 0.1 * rank
            )
            if best is None or score > best.score:
                best = Found(p, c_start, c_end, clause.strip(), score)
    return best


def find_period(passages: list[Passage]) -> Found | None:
    best: Found | None = None
    for rank, p in enumerate(passages):
        for m in PERIOD.finditer(p.search_text):
            before = p.search_text[max(0, m.start() - 12) : m.start()]
            score = 3.0 * bool(re.search(r"统计|期限|时限|期间", before)) - 0.1 * rank
            if best is None or score > best.score:
                best = Found(p, m.start(), m.end(), m.group(1), score)
    return best


def _date_label_rank(text: str, start: int) -> int:
    """0 for 发布日期/发布时间-like labels, 1 for a bare 时间/日期, 2 for 更新/生成/修改 dates."""
    label = text[max(0, start - 6) : start + 6]
    if re.search(r"(?:更新|生成|修改|访问|打印)(?:日期|时间)", label):
        return 2
    if re.search(r"(?:发布|成文|印发|公开|发文)(?:日期|时间)", label):
        return 0
    return 1


def find_date(passages: list[Passage], iso_date: str | None) -> Found | None:
    """The publish date as written: a labelled page date, or the catalogue's publish date in the text."""
    labelled: list[tuple[int, int, Found]] = []
    for rank, p in enumerate(passages):
        for m in LABELLED_DATE.finditer(p.search_text):
            if not _in_period(p.search_text, m.start(1)):
                order = _date_label_rank(p.search_text, m.start())
                labelled.append((order, rank, Found(p, m.start(), m.end(), m.group(1))))
    labelled = [item for item in labelled if item[0] < 2] or labelled
    if labelled:
        return min(labelled, key=lambda item: (item[0], item[1]))[2]
    if iso_date:
        for p in passages:
            for m in ANY_DATE.finditer(p.search_text):
                if to_iso(m.group(0)) == iso_date and not _in_period(p.search_text, m.start()):
                    return Found(p, m.start(), m.end(), m.group(0))
    return None


def _in_period(text: str, pos: int) -> bool:
    return PERIOD.search(text[max(0, pos - 40) : pos + 40]) is not None
