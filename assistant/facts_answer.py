"""Count and fee questions answered from table facts (表二/三/四) and 信息处理费 prose facts, with verbatim row citations.

The lead's question analysis resolves issuer and year against the catalogue; the functions
here take the already-resolved reports:

* :func:`match_cell` maps a question to table cells (or ``None``: the text answerer handles it);
* :func:`answer_from_facts` answers it for one report;
* :func:`answer_across_reports` answers it across several (one value per report, with the
  change between first and last year when asked; "哪些单位收取了信息处理费" lists who charged);
* :func:`answer_from_catalogue` is the adapter the service calls.

Decisions: a question is only mapped when it names a table concept explicitly; wording that
usually refers to prose counts (主动公开/发布 … 规范性文件, 行政处罚信息 … 条) is left to the text
answerer. A multi-part question is answered only when every part is in the facts. A citation
quotes the fact's row span verbatim and is dropped (with the answer) if the text does not
carry the value there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.types import Answer, Citation
from index.text.searchform import build_search_form, fold_query
from index.tables.fees import FEE_COLUMN, FEE_ROW, read_fee_facts
from index.tables.labels import (
    PROSE,
    T2_DECISIONS,
    T2_ENFORCEMENT,
    T2_FEE_AMOUNT,
    T2_FEES,
    T2_IN_FORCE,
    T2_ISSUED,
    T2_LICENSING,
    T2_NEW_MADE,
    T2_NORMATIVE,
    T2_PENALTY,
    T2_REPEALED,
    T2_RULES,
    T3_BUSINESS,
    T3_CARRIED_IN,
    T3_CARRIED_OUT,
    T3_COLUMN_TOTAL,
    T3_DISCLOSED,
    T3_GROUPS,
    T3_LEGAL_PERSONS,
    T3_LEGAL_SERVICE,
    T3_NATURAL,
    T3_NEW,
    T3_NOT_PROCESSED,
    T3_NOT_PROCESSED_LEAVES,
    T3_ORG_COLUMNS,
    T3_OTHER,
    T3_OTHER_LEAVES,
    T3_PARTLY,
    T3_PUBLIC_WELFARE,
    T3_RESEARCH,
    T3_TOTAL,
    T3_UNABLE,
    T3_UNABLE_LEAVES,
    T3_WITHHELD,
    T3_WITHHELD_LEAVES,
    T4_CORRECTED,
    T4_OTHER,
    T4_PENDING,
    T4_REVIEW,
    T4_SUIT_AFTER_REVIEW,
    T4_SUIT_DIRECT,
    T4_TOTAL,
    T4_UPHELD,
    TABLE_FOUR,
    TABLE_SECTIONS,
    TABLE_THREE,
    TABLE_TWO,
    UNIT_COUNT,
    UNIT_TEN_THOUSAND_YUAN,
    UNIT_YUAN,
)
from index.tables.model import Fact, format_value

log = logging.getLogger(__name__)

KIND_COUNT = "count"
KIND_FEE = "fee"

QUANTITY_WORDS = re.compile(
    r"多少|几|数量|数目|件数|申请数|金额|有没有|有无|是否|吗|变化|增减|增长|减少|下降|对比|比较|分别|各|哪些|哪个"
)
CHANGE_WORDS = re.compile(r"变化|增减|增长|减少|下降|对比|比较|趋势|变动")
YES_NO_WORDS = re.compile(r"有没有|有无|是否|吗")


@dataclass(frozen=True)
class ReportRef:
    """A report already resolved by the question analysis (what a citation needs to name it)."""

    report_id: str
    source: str
    issuer: str | None
    year: int | None
    sections: tuple[Any, ...] = ()  # index.models.Section or catalogue dicts {key,title,start,end}


@dataclass(frozen=True)
class CellItem:
    """One asked value: the sum of ``rows`` x ``columns`` for the first alternative fully present."""

    label: str  # what is counted, in words for the answer
    table: str
    row_sets: tuple[tuple[str, ...], ...]  # alternatives, tried in order
    column_sets: tuple[tuple[str, ...], ...]
    unit: str = UNIT_COUNT
    breakdown: bool = False  # name each row's value when several are summed

    @property
    def row(self) -> str:
        return self.row_sets[0][0]

    @property
    def column(self) -> str:
        return self.column_sets[0][0]


@dataclass(frozen=True)
class CellQuery:
    """What a count/fee question asks: one or more cells (``items``), in the order asked."""

    items: tuple[CellItem, ...]
    kind: str = KIND_COUNT  # "count" | "fee"

    @property
    def table(self) -> str:
        return self.items[0].table

    @property
    def row(self) -> str:
        return self.items[0].row

    @property
    def column(self) -> str:
        return self.items[0].column


# ---------------------------------------------------------------- question -> cells

_T3_LEAF_WORDS: tuple[tuple[str, str, str], ...] = (
    (r"国家秘密", T3_WITHHELD_LEAVES[0], "不予公开（属于国家秘密）"),
    (r"法律行政法规禁止", T3_WITHHELD_LEAVES[1], "不予公开（其他法律行政法规禁止公开）"),
    (r"三安全一稳定", T3_WITHHELD_LEAVES[2], "不予公开（危及“三安全一稳定”）"),
    (r"第三方合法权益", T3_WITHHELD_LEAVES[3], "不予公开（保护第三方合法权益）"),
    (r"内部事务", T3_WITHHELD_LEAVES[4], "不予公开（属于三类内部事务信息）"),
    (r"过程性", T3_WITHHELD_LEAVES[5], "不予公开（属于四类过程性信息）"),
    (r"行政执法案卷", T3_WITHHELD_LEAVES[6], "不予公开（属于行政执法案卷）"),
    (r"行政查询事项", T3_WITHHELD_LEAVES[7], "不予公开（属于行政查询事项）"),
    (r"不掌握", T3_UNABLE_LEAVES[0], "无法提供（本机关不掌握相关政府信息）"),
    (r"没有现成信息|另行制作", T3_UNABLE_LEAVES[1], "无法提供（没有现成信息需要另行制作）"),
    (r"补正后", T3_UNABLE_LEAVES[2], "无法提供（补正后申请内容仍不明确）"),
    (r"信访|举报投诉", T3_NOT_PROCESSED_LEAVES[0], "不予处理（信访举报投诉类申请）"),
    (r"重复申请", T3_NOT_PROCESSED_LEAVES[1], "不予处理（重复申请）"),
    (r"公开出版物", T3_NOT_PROCESSED_LEAVES[2], "不予处理（要求提供公开出版物）"),
    (r"大量反复", T3_NOT_PROCESSED_LEAVES[3], "不予处理（无正当理由大量反复申请）"),
    (r"确认或重新出具", T3_NOT_PROCESSED_LEAVES[4], "不予处理（要求行政机关确认或重新出具已获取信息）"),
    (r"逾期不补正", T3_OTHER_LEAVES[0], "其他处理（申请人无正当理由逾期不补正）"),
    (r"缴纳费用|收费通知", T3_OTHER_LEAVES[1], "其他处理（申请人逾期未按收费通知要求缴纳费用）"),
)

_T3_ROW_WORDS: tuple[tuple[str, tuple[tuple[str, ...], ...], str], ...] = (
    (r"上一?年度?结转|结转上一?年", ((T3_CARRIED_IN,),), "上年结转政府信息公开申请"),
    (r"结转(?:到|至)?下一?年|下一?年度?(?:继续办理|结转)|结转下年度", ((T3_CARRIED_OUT,),), "结转下年度继续办理的申请"),
    (r"(?<!不)予以公开", ((T3_DISCLOSED,),), "予以公开"),
    (r"部分公开", ((T3_PARTLY,),), "部分公开"),
    (r"不予公开", ((T3_WITHHELD,), T3_WITHHELD_LEAVES), "不予公开"),
    (r"无法提供", ((T3_UNABLE,), T3_UNABLE_LEAVES), "无法提供"),
    (r"不予处理", ((T3_NOT_PROCESSED,), T3_NOT_PROCESSED_LEAVES), "不予处理"),
    (r"其他处理", ((T3_OTHER,), T3_OTHER_LEAVES), "其他处理"),
    (r"办理结果总计|答复了?多少|办结", ((T3_TOTAL,),), "办理结果总计"),
)
_T3_NEW_WORDS = re.compile(r"新收|新增.{0,6}申请|(?:收到|受理|接收|接到).{0,14}申请|申请(?:数量|总数|件数|数|量)")

_T3_COLUMN_WORDS: tuple[tuple[str, tuple[tuple[str, ...], ...], str], ...] = (
    (r"自然人|个人|公民", ((T3_NATURAL,),), "自然人"),
    (r"商业企业|企业", ((T3_BUSINESS,),), "商业企业"),
    (r"科研机构", ((T3_RESEARCH,),), "科研机构"),
    (r"社会公益组织|公益组织", ((T3_PUBLIC_WELFARE,),), "社会公益组织"),
    (r"法律服务机构|律师", ((T3_LEGAL_SERVICE,),), "法律服务机构"),
    (r"法人", ((T3_LEGAL_PERSONS,), T3_ORG_COLUMNS), "法人或其他组织"),
)

_T4_RESULTS: tuple[tuple[str, str], ...] = (
    (r"维持", T4_UPHELD),
    (r"纠正", T4_CORRECTED),
    (r"其他结果", T4_OTHER),
    (r"尚未审结|未审结|未结", T4_PENDING),
)
_T4_DIRECT = re.compile(r"未经复议|直接起诉")
_T4_AFTER = re.compile(r"复议后起诉|经复议后?起诉")
_T4_SUIT = re.compile(r"行政诉讼|诉讼|起诉")
_T4_REVIEW = re.compile(r"行政复议|复议")

_T2_DECISION_ROWS: tuple[tuple[str, str], ...] = (
    (r"行政许可", T2_LICENSING),
    (r"行政处罚", T2_PENALTY),
    (r"行政强制", T2_ENFORCEMENT),
)
_T2_PROSE_HINT = re.compile(r"信息|条|公开了|发布|公示")  # "公开了多少条行政处罚信息" is prose
_T2_DOC_VERBS: tuple[tuple[str, tuple[tuple[str, ...], ...], str], ...] = (
    (r"废止", ((T2_REPEALED,),), "废止"),
    (r"现行有效|有效", ((T2_IN_FORCE,),), "现行有效"),
    (r"制发|印发|制定|出台|新制作", ((T2_ISSUED,), (T2_NEW_MADE,)), "制发"),
)
_FEE_WORDS = re.compile(r"信息处理费|收费|收取.{0,6}费|费用|收了?多少钱|花钱|要钱|免费")


def _positions(pattern: str | re.Pattern[str], text: str) -> list[int]:
    return [m.start() for m in re.finditer(pattern, text)]


def _table_four_items(q: str) -> list[CellItem]:
    """表四 items: kinds (行政复议 / 行政诉讼 / its two kinds) with the results attached to the kind before them."""
    kinds: list[tuple[int, int, str]] = []  # (start, end, kind)
    taken: list[tuple[int, int]] = []
    for pattern, kind in ((_T4_DIRECT, T4_SUIT_DIRECT), (_T4_AFTER, T4_SUIT_AFTER_REVIEW), (_T4_SUIT, "诉讼"), (_T4_REVIEW, T4_REVIEW)):
        for m in pattern.finditer(q):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            kinds.append((m.start(), m.end(), kind))
    if not kinds:
        return []
    kinds.sort()
    results = sorted((p, col) for word, col in _T4_RESULTS for p in _positions(word, q))
    items: list[CellItem] = []
    for k, (start, end, kind) in enumerate(kinds):
        if kinds[k - 1][2] == kind and k > 0:
            continue
        stop = kinds[k + 1][0] if k + 1 < len(kinds) else len(q)
        mine = [(p, col) for p, col in results if end <= p < stop]
        if k == 0:
            mine = [(p, col) for p, col in results if p < start] + mine
        first_result = mine[0][0] if mine else stop
        asks_total = not mine or bool(QUANTITY_WORDS.search(q[end:first_result]))
        columns = ([T4_TOTAL] if asks_total else []) + list(dict.fromkeys(col for _, col in mine))
        rows: tuple[str, ...] = (T4_SUIT_DIRECT, T4_SUIT_AFTER_REVIEW) if kind == "诉讼" else (kind,)
        name = {
            T4_REVIEW: "政府信息公开行政复议",
            T4_SUIT_DIRECT: "政府信息公开行政诉讼（未经复议直接起诉）",
            T4_SUIT_AFTER_REVIEW: "政府信息公开行政诉讼（复议后起诉）",
        }.get(kind, "政府信息公开行政诉讼")
        for col in columns:
            label = name + ("总计" if col == T4_TOTAL else col)
            items.append(CellItem(label, TABLE_FOUR, (rows,), ((col,),), breakdown=len(rows) > 1))
    return items


def _table_three_items(q: str) -> list[CellItem]:
    """表三 items: the rows named (leaf rows before their group), crossed with the columns named."""
    found: list[tuple[int, tuple[tuple[str, ...], ...], str]] = []
    covered: list[tuple[int, int]] = []
    for word, row, label in _T3_LEAF_WORDS:
        for m in re.finditer(word, q):
            found.append((m.start(), ((row,),), label))
            covered.append((m.start(), m.end()))
    groups_with_leaf = {g for g, leaves in T3_GROUPS.items() if any(rs[0][0] in leaves for _, rs, _ in found)}
    for word, rows, label in _T3_ROW_WORDS:
        if rows[0][0] in groups_with_leaf:
            continue
        for m in re.finditer(word, q):
            found.append((m.start(), rows, label))
    columns = [(cols, label) for word, cols, label in _T3_COLUMN_WORDS if re.search(word, q)]
    if not found:
        m = _T3_NEW_WORDS.search(q) or (re.search(r"申请", q) if columns else None)
        if m is not None and not _FEE_WORDS.search(q):
            found.append((m.start(), ((T3_NEW,),), "新收政府信息公开申请"))
    if not found:
        return []
    if not columns:
        columns = [(((T3_COLUMN_TOTAL,),), "")]
    items: list[CellItem] = []
    for _, rows, label in sorted(found, key=lambda x: x[0]):
        for cols, col_label in columns:
            text = f"{label}（{col_label}申请）" if col_label else label
            items.append(CellItem(text, TABLE_THREE, rows, cols))
    return list(dict.fromkeys(items))


def _table_two_items(q: str) -> list[CellItem]:
    """表二 items: 处理决定 counts, 行政事业性收费 (万元), 规章 / 规范性文件 本年制发 / 废止 / 现行有效."""
    items: list[CellItem] = []
    if re.search(r"行政事业性收费|事业性收费", q):
        items.append(CellItem("行政事业性收费金额", TABLE_TWO, ((T2_FEES,),), ((T2_FEE_AMOUNT,),), UNIT_TEN_THOUSAND_YUAN))
    # "2021年…政府信息公开年报中行政许可…" names the report, not 公开信息
    hint_q = re.sub(r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)", "", q)
    for word, row in _T2_DECISION_ROWS:
        if re.search(word, q) and not _T2_PROSE_HINT.search(hint_q):
            items.append(CellItem(f"{word}处理决定", TABLE_TWO, ((row,),), ((T2_DECISIONS,),)))
    for word, row in ((r"规范性文件", T2_NORMATIVE), (r"规章", T2_RULES)):
        if not re.search(word, q):
            continue
        for verb, cols, label in _T2_DOC_VERBS:
            if re.search(verb, q):
                name = "行政规范性文件" if row == T2_NORMATIVE else "规章"
                items.append(CellItem(f"{label}{name}", TABLE_TWO, ((row,),), cols))
                break
    return items


def match_cell(question: str) -> CellQuery | None:
    """The table cells (or the 信息处理费 prose fact) a count/fee question asks for; None for anything else."""
    q = re.sub(r"\s+", "", fold_query(question))
    if not q or not QUANTITY_WORDS.search(q):
        return None
    # "逾期未按收费通知要求缴纳费用的申请有几件" is a 表三 row, not a fee question
    table_words = re.search(r"申请(?:数|量)|申请有|多少件|几件|复议|诉讼|事业性收费", q)
    if _FEE_WORDS.search(q) and not table_words:
        item = CellItem("信息处理费", PROSE, ((FEE_ROW,),), ((FEE_COLUMN,),), UNIT_YUAN)
        return CellQuery((item,), KIND_FEE)
    items = _table_two_items(q) or _table_four_items(q) or _table_three_items(q)
    if not items:
        return None
    return CellQuery(tuple(items), KIND_COUNT)


# ---------------------------------------------------------------- facts -> values


@dataclass
class _Value:
    item: CellItem
    value: float
    facts: list[Fact] = field(default_factory=list)
    parts: list[tuple[str, float]] = field(default_factory=list)  # (row, value) when several rows are summed


def _index(facts: Iterable[Fact]) -> dict[tuple[str, str, str], Fact]:
    out: dict[tuple[str, str, str], Fact] = {}
    for f in facts:
        out.setdefault((f.table, f.row, f.column), f)
    return out


def _quote_ok(fact: Fact, text: str) -> bool:
    """The fact's span is inside the text and (for table cells) shows the number."""
    if not (0 <= fact.start < fact.end <= len(text)):
        return False
    if fact.table == PROSE and fact.value == 0:
        return True
    quote = re.sub(r"[,\s]", "", text[fact.start : fact.end])
    return format_value(fact.value) in quote or format_value(fact.value) in quote.replace("，", "")


def _resolve(item: CellItem, facts: list[Fact], text: str) -> _Value | None:
    if item.table == PROSE:
        fees = [f for f in facts if f.table == PROSE and f.row == FEE_ROW and _quote_ok(f, text)]
        if not fees:
            return None
        chosen = next((f for f in fees if f.value > 0), fees[0])
        return _Value(item, chosen.value, [chosen])
    cells = _index(facts)
    for rows in item.row_sets:
        for cols in item.column_sets:
            keys = [(item.table, r, c) for r in rows for c in cols]
            if all(k in cells for k in keys):
                used = [cells[k] for k in keys]
                if not all(_quote_ok(f, text) for f in used):
                    continue
                parts = [(r, sum(cells[(item.table, r, c)].value for c in cols)) for r in rows]
                return _Value(item, sum(f.value for f in used), used, parts if len(rows) > 1 else [])
    return None


def _section_of(report: ReportRef, fact: Fact) -> str:
    for s in report.sections:
        key, title, start, end = (
            (s.get("key"), s.get("title"), s.get("start"), s.get("end")) if isinstance(s, dict)
            else (getattr(s, "key", None), getattr(s, "title", None), getattr(s, "start", None), getattr(s, "end", None))
        )
        if isinstance(start, int) and isinstance(end, int) and start <= fact.start < end:
            return str(title or key or "")
    return TABLE_SECTIONS.get(fact.table, fact.table)


class _Citer:
    """Numbers citations by distinct (report, span), in the order they are first used."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def mark(self, report: ReportRef, fact: Fact, text: str) -> str:
        for c in self.citations:
            if c.report_id == report.report_id and (c.start, c.end) == (fact.start, fact.end):
                return f"[{c.n}]"
        n = len(self.citations) + 1
        self.citations.append(
            Citation(n, report.report_id, report.source, report.issuer, report.year, _section_of(report, fact),
                     fact.start, fact.end, text[fact.start : fact.end])
        )
        return f"[{n}]"


def _subject(report: ReportRef) -> str:
    name = report.issuer or f"报告《{report.source}》中"
    return f"{name}{report.year}年" if report.year else name


def _amount(value: float, unit: str) -> str:
    return f"{format_value(value)}{unit}"


def _row_words(row: str) -> str:
    return {T4_SUIT_DIRECT: "未经复议直接起诉", T4_SUIT_AFTER_REVIEW: "复议后起诉"}.get(row, row)


MAX_MERGED_QUOTE = 1500  # rows summed into one value are quoted as one span up to this length


def _evidence(v: _Value) -> list[Fact]:
    """The spans to cite for a value: its row, or the run of rows it sums as one quote when short enough."""
    spans = list(dict.fromkeys((f.start, f.end) for f in v.facts))
    if len(spans) <= 1:
        return v.facts[:1]
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    if end - start <= MAX_MERGED_QUOTE:
        first = v.facts[0]
        return [Fact(first.table, first.row, first.column, v.value, first.unit, start, end)]
    return v.facts


def _phrase(v: _Value, report: ReportRef, text: str, citer: _Citer, same_row_as_before: bool = False) -> str:
    marks = "".join(dict.fromkeys(citer.mark(report, f, text) for f in _evidence(v)))
    item = v.item
    if item.table == PROSE:
        if v.value > 0:
            return f"收取政府信息公开信息处理费{_amount(v.value, item.unit)}{marks}"
        wording = build_search_form(text[v.facts[0].start : v.facts[0].end]).text.replace("\n", "")
        return f"未收取信息处理费（报告原文：{wording}）{marks}"
    label = item.label
    if same_row_as_before and item.table == TABLE_FOUR:
        label = "其中" + item.column  # "行政复议总计351件，其中结果纠正64件"
    phrase = f"{label}{_amount(v.value, item.unit)}"
    if item.breakdown and v.parts:
        phrase += "（" + "，".join(f"{_row_words(r)}{_amount(x, item.unit)}" for r, x in v.parts) + "）"
    return phrase + marks


def answer_from_facts(question: str, report: ReportRef, facts: list[Fact], report_text: str) -> Answer | None:
    """A short answer from one report's facts, citing the row(s) verbatim; None when the facts do not hold it."""
    query = match_cell(question)
    if query is None:
        return None
    values = [_resolve(item, facts, report_text) for item in query.items]
    if not values or any(v is None for v in values):
        return None
    citer = _Citer()
    phrases = []
    previous: CellItem | None = None
    for v in values:
        assert v is not None
        same = previous is not None and previous.table == v.item.table and previous.row_sets == v.item.row_sets
        phrases.append(_phrase(v, report, report_text, citer, same))
        previous = v.item
    prefix = ""
    q = fold_query(question)
    if query.kind == KIND_COUNT and YES_NO_WORDS.search(q) and len(values) == 1:
        prefix = "没有。" if values[0] and values[0].value == 0 else "有。"
    text = f"{prefix}{_subject(report)}" + "；".join(phrases) + "。"
    return Answer(question=question, answer=text, abstained=False, citations=citer.citations, kind=query.kind,
                  issuer=report.issuer, year=report.year, method="extractive")


def _fee_facts(facts: list[Fact], text: str) -> list[Fact]:
    own = [f for f in facts if f.table == PROSE and f.row == FEE_ROW]
    if own or not text:
        return own
    return read_fee_facts(text, build_search_form(text))


def _across_fees(question: str, reports: Sequence[tuple[ReportRef, list[Fact], str]]) -> Answer | None:
    item = CellItem("信息处理费", PROSE, ((FEE_ROW,),), ((FEE_COLUMN,),), UNIT_YUAN)
    citer = _Citer()
    charged: list[str] = []
    free: list[str] = []
    silent: list[str] = []
    values: list[tuple[ReportRef, str, _Value]] = []
    for report, facts, text in sorted(reports, key=lambda r: (r[0].year or 0, r[0].issuer or r[0].source)):
        v = _resolve(item, _fee_facts(facts, text), text)
        if v is None:
            silent.append(_subject(report))
        else:
            values.append((report, text, v))
    # citations are numbered in the order the answer names them: who charged first
    for report, text, v in values:
        if v.value > 0:
            charged.append(f"{_subject(report)}收取{_amount(v.value, UNIT_YUAN)}{citer.mark(report, v.facts[0], text)}")
    for report, text, v in values:
        if v.value == 0:
            free.append(f"{_subject(report)}{citer.mark(report, v.facts[0], text)}")
    if not charged and not free:
        return None
    parts = []
    if charged:
        parts.append("收取了政府信息公开信息处理费的有：" + "；".join(charged) + "。")
    else:
        parts.append("所查报告中没有单位收取政府信息公开信息处理费。")
    if free:
        parts.append("报告写明未收取的有：" + "、".join(free) + "。")
    if silent:
        parts.append("报告中未见收费情况的有：" + "、".join(silent) + "。")
    issuers = {r[0].issuer for r in reports}
    return Answer(question=question, answer="".join(parts), abstained=False, citations=citer.citations, kind=KIND_FEE,
                  issuer=next(iter(issuers)) if len(issuers) == 1 else None, method="extractive")


def answer_across_reports(question: str, reports: list[tuple[ReportRef, list[Fact], str]]) -> Answer | None:
    """One value per report (sorted by year), the change first -> last when asked; fees: who charged, who did not."""
    if not reports:
        return None
    query = match_cell(question)
    if query is None:
        return None
    if query.kind == KIND_FEE:
        return _across_fees(question, reports) if len(reports) > 1 else answer_from_facts(question, *reports[0])
    if len(reports) == 1:
        return answer_from_facts(question, *reports[0])
    ordered = sorted(reports, key=lambda r: (r[0].year or 0, r[0].issuer or r[0].source))
    issuers = list(dict.fromkeys(r[0].issuer or r[0].source for r in ordered))
    one_issuer = len(issuers) == 1
    citer = _Citer()
    sentences: list[str] = []
    for item in query.items:
        found: list[tuple[ReportRef, str, _Value]] = []
        missing: list[str] = []
        for report, facts, text in ordered:
            v = _resolve(item, facts, text)
            if v is None:
                missing.append(f"{report.year}年" if one_issuer and report.year else _subject(report))
                continue
            found.append((report, text, v))
        if not found:
            continue
        pieces = []
        for report, text, v in found:
            marks = "".join(dict.fromkeys(citer.mark(report, f, text) for f in _evidence(v)))
            who = f"{report.year}年" if one_issuer and report.year else _subject(report)
            pieces.append(f"{who}{_amount(v.value, item.unit)}{marks}")
        sentence = f"{issuers[0] if one_issuer else ''}{item.label}：" + "，".join(pieces)
        if CHANGE_WORDS.search(question) and len(found) >= 2:
            (r0, _, v0), (r1, _, v1) = found[0], found[-1]
            delta = v1.value - v0.value
            span = f"{r0.year}年到{r1.year}年" if one_issuer else f"{_subject(r0)}到{_subject(r1)}"
            if delta == 0:
                sentence += f"；{span}没有变化"
            else:
                trend = "增加" if delta > 0 else "减少"
                sentence += f"；{span}{trend}了{_amount(abs(delta), item.unit)}"
                if v0.value:
                    sentence += f"（{'+' if delta > 0 else '-'}{abs(delta) / v0.value * 100:.1f}%）"
        if missing:
            sentence += "；" + "、".join(missing) + "的报告表格中未见该数据"
        sentences.append(sentence + "。")
    if not sentences:
        return None
    return Answer(question=question, answer="".join(sentences), abstained=False, citations=citer.citations,
                  kind=query.kind, issuer=issuers[0] if one_issuer else None, method="extractive")


# ---------------------------------------------------------------- adapter for assistant.service

ALL_REPORTS_WORDS = re.compile(r"哪些|哪个|哪几|各单位|各部门|所有")


def answer_from_catalogue(analysis: Any, reports: list[Any], catalogue: Any, texts: Any) -> Answer | None:
    """The service's entry: the analysis's resolved reports, their stored facts and texts -> an answer or None.

    ``analysis`` is assistant.query.QueryAnalysis (question, report_ids, year); ``reports`` are
    catalogue ReportRecords; ``texts`` has ``.text(report_id)``. Without resolved reports, only a
    question about every unit ("2022年哪些单位…") is answered, over all reports of that year.
    """
    from index.tables.store import load_facts

    by_id = {r.id: r for r in reports}
    ids = [i for i in getattr(analysis, "report_ids", []) if i in by_id]
    question = getattr(analysis, "question", "")
    if not ids:
        year = getattr(analysis, "year", None)
        if not (year and ALL_REPORTS_WORDS.search(question)):
            return None
        ids = [r.id for r in reports if r.year == year]
    if not ids or match_cell(question) is None:
        return None
    resolved: list[tuple[ReportRef, list[Fact], str]] = []
    for report_id in ids:
        record = by_id[report_id]
        try:
            facts = load_facts(catalogue.conn, report_id)
            text = texts.text(report_id)
        except Exception:  # noqa: BLE001 - a missing text or facts table means: no facts answer
            log.exception("facts of %s could not be loaded", report_id)
            continue
        ref = ReportRef(report_id, record.source, record.issuer, record.year, tuple(record.sections or ()))
        resolved.append((ref, facts, text))
    if len(resolved) == 1:
        return answer_from_facts(question, *resolved[0])
    return answer_across_reports(question, resolved)
