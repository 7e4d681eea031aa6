"""信息处理费 as a prose fact: what applicants were charged, stated in words (usually section 六), never in a table.

Not to be confused with 表二's 行政事业性收费 (the body's fee income in 万元): sentences about
that are skipped. "未收取任何费用" and the like become value 0.
"""

from __future__ import annotations

import logging
import re

from index.clean import SearchForm
from index.table_labels import PROSE, UNIT_YUAN
from index.table_model import Fact

log = logging.getLogger(__name__)

FEE_ROW = "信息处理费"
FEE_COLUMN = "收取金额"

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)(万元|元)"
FEE_AMOUNT = re.compile(rf"(?:信息处理费|收取[^。;\n]{{0,12}}?费用?)[^。;\n\d]{{0,10}}?(?:为|共计|合计|总计)?{_AMOUNT}")
FEE_NONE = re.compile(
    r"(?:未|没有|没|不|无|免|均未|从未)(?:收取|收|产生|发生|涉及)[^。;\n,]{0,20}?(?:信息处理费|处理费|费用|收费)"
    r"|(?:不存在|无|没有)[^。;\n,]{0,10}?收取[^。;\n,]{0,10}?(?:信息处理费|处理费|费用)"
    r"|信息处理费[^。;\n\d]{0,6}?(?:为|共计)?(?:无|零)"
)
FEE_CONTEXT = re.compile(r"信息公开|信息处理|依申请|申请人|公开申请")
OTHER_FEE = re.compile(r"行政事业性收费|收费金额")
CLAUSE_END = "。;!?\n,"


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` of the search form to its clause (between , ; 。 or line breaks)."""
    s = start
    while s > 0 and text[s - 1] not in CLAUSE_END:
        s -= 1
    e = end
    while e < len(text) and text[e] not in CLAUSE_END:
        e += 1
    return s, e


def _sentence(text: str, start: int) -> str:
    s = text.rfind("。", 0, start) + 1
    e = text.find("。", start)
    return text[s : e if e >= 0 else len(text)]


def read_fee_facts(text: str, form: SearchForm) -> list[Fact]:
    """Prose facts about 信息处理费 (table "正文", row "信息处理费", unit 元), in text order."""
    folded = form.text
    found: dict[tuple[int, int], Fact] = {}
    for pattern, is_amount in ((FEE_AMOUNT, True), (FEE_NONE, False)):
        for m in pattern.finditer(folded):
            sentence = _sentence(folded, m.start())
            if OTHER_FEE.search(sentence) and "信息处理费" not in m.group(0):
                continue
            if "信息处理费" not in m.group(0) and not FEE_CONTEXT.search(sentence):
                continue
            if is_amount:
                try:
                    value = float(m.group(1).replace(",", ""))
                except ValueError:
                    continue
                if m.group(2) == "万元":
                    value *= 10000
            else:
                value = 0.0
            s, e = _clause(folded, m.start(), m.end())
            start, end = form.original_span(s, e)
            match_start, match_end = form.original_span(m.start(), m.end())
            # the search form rejoins wrapped lines; a quote should not reach over a heading line
            start = max(start, text.rfind("\n", start, match_start) + 1)
            cut = text.find("\n", match_end, end)
            end = cut if cut >= 0 else end
            if any(a <= start < b or start <= a < end for a, b in found):
                continue
            found[(start, end)] = Fact(PROSE, FEE_ROW, FEE_COLUMN, value, UNIT_YUAN, start, end)
    return [found[k] for k in sorted(found)]
