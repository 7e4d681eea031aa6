"""Words that make a question a comparison, and the kinds of body a ranking asks about — vocabulary as data.

Patterns match the folded question (simplified, half-width, :func:`index.text.searchform.fold_query`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.identity.vocab import DEPARTMENT, GOVERNMENT, INSTITUTION, OFFICE

#: "最多/最少…": a superlative; it ranks only together with a "which" (哪个区县 / 最多的部门 / 哪一年).
SUPERLATIVE = re.compile(r"最多|最少|最高|最低|最大|最小")
#: "排名/排行…": asks for a ranking by itself.
RANKING = re.compile(r"排名|排行|排序|排第|名列")
#: Of these, the ones that ask for the smallest first.
LEAST = re.compile(r"最少|最低|最小|倒数")
#: "多了多少/相差/增加…": the question asks for a difference.
DIFFERENCE = re.compile(r"比(?!例|率|重)|较|增加|减少|增长|下降|上升|相差|差距|差额|差了|差多少|增减|变化|多了|少了")
#: The year a difference is measured against: "比2020年", "相比2019年，…", "与2019年相比" (the other year comes first).
BASE_YEAR = re.compile(
    r"(?:相比|相较|较|对比|比)于?\s*((?:19|20)\d{2})\s*年|(?:与|和|同|跟)\s*((?:19|20)\d{2})\s*年度?(?:相比|比较|对比|相较)"
)
#: "比上年/比去年": the year before the year asked.
PREVIOUS_YEAR = re.compile(r"(?:比|较|相比|对比)(?:上一?年度?|去年|前一年)")
#: "近三年/最近3年/过去五年": the latest N years (N in digits or Chinese numerals).
LAST_N_YEARS = re.compile(r"(?:近|最近|过去|前)([0-9]{1,2}|[一二两三四五六七八九十])个?年度?")
#: Every indexed year of one body: "历年/各年/逐年/每年/这几年/趋势" ("分别" alone is no series: it also
#: hands one value to each of several cells, "予以公开和部分公开分别是多少").
SERIES = re.compile(r"历年|各年|逐年|每年|这几年|近几年|最近几年|趋势|变化情况|走势")
#: "哪年/哪一年…最多": rank the years of one body.
WHICH_YEAR = re.compile(r"哪(?:一|个)?年")
#: "哪个多/谁多/哪个高": two or more named bodies, which has the larger (or smaller) figure.
WHICH_MORE = re.compile(r"(?:哪个|哪一个|哪家|谁)[^，。？?]{0,20}?(?:更)?(多|少|高|低|大|小)")
#: Words that join the bodies a question names ("淮安市和洪泽区", "平潭、常州").
JOINERS = re.compile(r"以及|[和与及、跟同或]|(?<!相)比")
#: A year span: "2021年到2023年", "2021-2023年", "2021至2023年".
YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?度?\s*(?:到|至|-|~|—)\s*((?:19|20)\d{2})\s*年")

#: Wordings of a row the question analysis has no template term for, used by comparisons only
#: ("多收了多少申请", "申请收得最多"): pattern over the masked question -> the words the analysis reads as that row.
ROW_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"收(?:了|的|到|得)?(?=[^，。?？|]{0,8}申请)|(?<=申请)([^，。?？|]{0,6})收"), r"\1收到"),
)

CHINESE_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class BodyKind:
    """The bodies a ranking compares: place levels (1 province … 4 township; empty = any) and organ classes."""

    word: str
    levels: tuple[int, ...] = ()
    classes: tuple[str, ...] = ()

    def describe(self) -> str:
        return self.word


_GOV = (GOVERNMENT, OFFICE)
#: "哪个区县/哪个部门/哪些单位…" -> which bodies. Longest words first where one contains another.
BODY_KINDS: tuple[BodyKind, ...] = (
    BodyKind("县（市、区）", (3,), _GOV),
    BodyKind("县市区", (3,), _GOV),
    BodyKind("区县", (3,), _GOV),
    BodyKind("县区", (3,), _GOV),
    BodyKind("区", (3,), _GOV),
    BodyKind("县", (3,), _GOV),
    BodyKind("街道", (4,), _GOV),
    BodyKind("乡镇", (4,), _GOV),
    BodyKind("街镇", (4,), _GOV),
    BodyKind("镇", (4,), _GOV),
    BodyKind("乡", (4,), _GOV),
    BodyKind("地市", (2,), _GOV),
    BodyKind("城市", (2,), _GOV),
    BodyKind("市", (2, 3), _GOV),
    BodyKind("省份", (1,), _GOV),
    BodyKind("省", (1,), _GOV),
    BodyKind("部门", (), (DEPARTMENT,)),
    BodyKind("委办局", (), (DEPARTMENT,)),
    BodyKind("局", (), (DEPARTMENT,)),
    BodyKind("学校", (), (INSTITUTION,)),
    BodyKind("高校", (), (INSTITUTION,)),
    BodyKind("政府", (), (GOVERNMENT,)),
    BodyKind("单位", (), ()),
    BodyKind("机关", (), ()),
    BodyKind("机构", (), ()),
)
#: "哪个/哪些/哪家/哪几个" followed by a body kind.
WHICH = re.compile(
    r"哪(?:一|几)?(?:个|些|家|所|级)?("
    + "|".join(re.escape(k.word.replace("（", "(").replace("）", ")")) for k in BODY_KINDS)
    + ")"
)
BODY_KIND_BY_WORD = {k.word.replace("（", "(").replace("）", ")"): k for k in BODY_KINDS}
ANY_BODY = BodyKind("单位")


def number_of_years(word: str) -> int:
    """``"三"`` or ``"3"`` -> 3."""
    return int(word) if word.isdigit() else CHINESE_NUMERALS[word]
