"""Issuer names in questions: short forms of catalogue issuers, and the places a question names.

A catalogue issuer ``南京市高淳区人民政府`` is named by ``高淳区`` or ``高淳``; ``常州市机关事务管理局`` by
``常州机关事务局``. Generic words (人民政府, 办公室, 信息公开) never decide a match.
"""

from __future__ import annotations

import re

ADMIN_SEGMENT = re.compile(r"([\u4e00-\u9fff]{2,}?)(省|自治区|特别行政区|市|自治州|州|盟|地区|区|县|旗|街道|镇|乡)")
# A place named in a question: 2+ characters then an administrative suffix.
PLACE_MENTION = re.compile(
    r"(?:^|(?<=[\d年,，。?？“”\"《》、\s的在按对和与及据]))(?![年的在按对和与及据])"
    r"([\u4e00-\u9fff]{2,5}?)(省|市|区|县|盟|旗|街道)"
)
NEXT_SEGMENT = re.compile(r"([\u4e00-\u9fff]{2,5}?)(区|县|市|旗|街道|镇|乡)")
ADMIN_LEVEL = {"省": 1, "自治区": 1, "市": 2, "州": 2, "盟": 2, "区": 3, "县": 3, "旗": 3, "街道": 4, "镇": 4, "乡": 4}
GENERIC_PLACES = {
    "全市",
    "本市",
    "我市",
    "该市",
    "全区",
    "本区",
    "我区",
    "该区",
    "全县",
    "本县",
    "我县",
    "全省",
    "本省",
    "市政府",
    "区政府",
    "县政府",
    "省政府",
    "地级城市",
    "城市",
    "社区",
    "小区",
    "辖区",
    "城区",
    "园区",
    "开发区",
    "新区",
    "市级",
    "区级",
    "县级",
    "省级",
    "全国",
}
ORG_SUFFIXES = (
    "人民政府办公室",
    "人民政府办公厅",
    "政府办公室",
    "政府办公厅",
    "人民政府",
    "政府",
)
GENERIC_ORG_WORDS = ("人民政府", "政府", "办公室", "办公厅", "办事处")


def issuer_aliases(issuer: str) -> tuple[list[str], str]:
    """Place stems (``南京``, ``高淳``) and the body part (``机关事务管理局``) of an issuer name."""
    places: list[str] = []
    rest = issuer
    pos = 0
    for m in ADMIN_SEGMENT.finditer(issuer):
        if m.start() != pos:
            break
        places.append(m.group(1))
        pos = m.end()
    rest = issuer[pos:]
    return places, rest


def _subsequence_ratio(needle: str, hay: str) -> float:
    """Share of ``needle``'s characters found in order in ``hay`` (``机关事务局`` in ``机关事务管理局``)."""
    if not needle:
        return 0.0
    i = 0
    for ch in hay:
        if i < len(needle) and ch == needle[i]:
            i += 1
    return i / len(needle)


def issuer_score(issuer: str, folded_question: str) -> float:
    """How strongly the question names this issuer (0 = not at all)."""
    if not issuer:
        return 0.0
    if issuer in folded_question:
        return 100.0 + len(issuer)
    places, body = issuer_aliases(issuer)
    segments = {m.group(2): m.group(1) for m in ADMIN_SEGMENT.finditer(issuer[: sum(len(p) + 1 for p in places) + 2])}
    for mention in place_mentions(folded_question):
        m = ADMIN_SEGMENT.fullmatch(mention)
        if (
            m
            and m.group(2) in segments
            and segments[m.group(2)] not in m.group(1)
            and m.group(1) not in segments.values()
        ):
            return 0.0  # the question names another district/county of the same level
    score = 0.0
    for stem in places:
        if stem in folded_question:
            score += 10 + len(stem)
    body_core = body
    for generic in GENERIC_ORG_WORDS:
        body_core = body_core.replace(generic, "")
    if body_core:
        # the body named in its own words, e.g. 机关事务局 / 生态环境局 / 交通运输部
        best = 0.0
        for m in re.finditer(r"[\u4e00-\u9fff]{2,}", folded_question):
            best = max(best, _longest_common_run(body_core, m.group(0)))
        if best >= 2:
            score += 4 * best
            if best >= len(body_core) * 0.7 or _body_mention(body_core, folded_question):
                score += 10
    elif score:
        # government issuer: prefer 人民政府 over 人民政府办公室 unless the office is named
        office = any(w in body for w in ("办公室", "办公厅"))
        named_office = bool(re.search(r"办公室|办公厅|政府办", folded_question))
        score += 3 if office == named_office else 0
    return score


def _body_mention(body: str, question: str) -> bool:
    """The body's name written short: ``机关事务局`` for ``机关事务管理局``."""
    for m in re.finditer(r"[\u4e00-\u9fff]{3,}?(?:局|厅|部|委|委员会|办|中心|处)", question):
        if _subsequence_ratio(m.group(0)[-min(len(m.group(0)), 8) :], body) >= 0.8 and m.group(0)[-1] == body[-1]:
            return True
    return False


def _longest_common_run(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def place_mentions(folded: str) -> list[str]:
    """Places a question names (``高淳区``, ``北京市``), without generic ones (``全市``)."""
    out = []
    for m in PLACE_MENTION.finditer(folded):
        pos = m.start()
        match: re.Match[str] | None = m
        while match is not None:
            word, stem = match.group(1) + match.group(2), match.group(1)
            if word in GENERIC_PLACES or stem in GENERIC_PLACES or stem.endswith(("全", "本", "我", "该")):
                break
            if any(g in word for g in ("政府", "门户", "网站", "人民")):
                break
            out.append(word)
            pos += len(match.group(0))
            # a following, lower-level segment of the same name: 武汉市 -> 汉阳区
            level = ADMIN_LEVEL.get(match.group(2), 9)
            match = NEXT_SEGMENT.match(folded, pos)
            if match is not None and ADMIN_LEVEL.get(match.group(2), 0) <= level:
                match = None
    return list(dict.fromkeys(out))
