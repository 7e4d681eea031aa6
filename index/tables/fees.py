"""信息处理费: what applicants were charged, stated in words (usually section 六), never in a table.

Not to be confused with 表二's 行政事业性收费 (the body's fee income in 万元): statements about
that are skipped. Two readings, both here:

* :func:`read_fee_facts` reads a whole report into prose facts (table "正文", unit 元) at ingest;
  "未收取任何费用" and the like become value 0;
* :func:`fee_in_clause` reads one clause of a retrieved passage for the text answerer: the
  amount it names, or its words saying nothing was charged.

>>> fee_in_clause("全年收取政府信息公开信息处理费3940元")
'3940元'
>>> fee_in_clause("本年度政府信息公开事项未收取任何费用")
'未收取任何费用'
>>> fee_in_clause("行政事业性收费金额35.2万元") is None
True
"""

from __future__ import annotations

import logging
import re

from index.tables.labels import PROSE, T2_FEES, UNIT_YUAN
from index.tables.model import Fact
from index.text.clauses import FULL_STOP, clause_bounds, sentence_bounds
from index.text.searchform import SearchForm

log = logging.getLogger(__name__)

FEE_ROW = "信息处理费"
FEE_COLUMN = "收取金额"

# -- whole-report prose facts
_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)(万元|元)"
FEE_AMOUNT = re.compile(rf"(?:信息处理费|收取[^。;\n]{{0,12}}?费用?)[^。;\n\d]{{0,10}}?(?:为|共计|合计|总计)?{_AMOUNT}")
FEE_NONE = re.compile(
    r"(?:未|没有|没|不|无|免|均未|从未)(?:收取|收|产生|发生|涉及)[^。;\n,]{0,20}?(?:信息处理费|处理费|费用|收费)"
    r"|(?:不存在|无|没有)[^。;\n,]{0,10}?收取[^。;\n,]{0,10}?(?:信息处理费|处理费|费用)"
    r"|信息处理费[^。;\n\d]{0,6}?(?:为|共计)?(?:无|零)"
)
FEE_CONTEXT = re.compile(r"信息公开|信息处理|依申请|申请人|公开申请")
OTHER_FEE = re.compile(r"行政事业性收费|收费金额")

# -- one clause of a passage
CLAUSE_FEE_WORDS = re.compile(r"费|收取|收费")
CLAUSE_AMOUNT = re.compile(r"(\d+(?:\.\d+)?\s*(?:万|亿)?元)")
CLAUSE_NOT_CHARGED = re.compile(
    r"((?:未|没有|不|无)(?:收取|收|产生|涉及)?[^,;。]{0,12}(?:费用|收费|信息处理费)|免费[^,;。]{0,8})"
)


def fee_in_clause(clause: str) -> str | None:
    """The fee a clause (search form) states applicants paid: an amount (``3940元``) or the words
    saying nothing was charged; None when the clause is about no such fee (or about 行政事业性收费)."""
    if T2_FEES in clause or not CLAUSE_FEE_WORDS.search(clause):
        return None
    amount = CLAUSE_AMOUNT.search(clause)
    if amount:
        return amount.group(1)
    not_charged = CLAUSE_NOT_CHARGED.search(clause)
    return not_charged.group(0) if not_charged else None


def read_fee_facts(text: str, form: SearchForm) -> list[Fact]:
    """Prose facts about 信息处理费 (table "正文", row "信息处理费", unit 元), in text order."""
    folded = form.text
    found: dict[tuple[int, int], Fact] = {}
    for pattern, is_amount in ((FEE_AMOUNT, True), (FEE_NONE, False)):
        for m in pattern.finditer(folded):
            s_start, s_end = sentence_bounds(folded, m.start(), m.start(), split=FULL_STOP)
            sentence = folded[s_start:s_end]
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
            s, e = clause_bounds(folded, m.start(), m.end())
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
