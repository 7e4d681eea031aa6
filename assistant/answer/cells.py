"""Question to table cells: which 表二/三/四 cells (or the 信息处理费 prose fact) a count or fee question asks for.

:func:`match_cell` maps a question to a :class:`CellQuery` (or ``None``: the text answerer
handles it). A question is only mapped when it names a table concept explicitly; wording that
usually refers to prose counts (主动公开/发布 … 规范性文件, 行政处罚信息 … 条) is left to the text
answerer.

>>> [item.label for item in match_cell("2021年收到多少件政府信息公开申请？").items]
['新收政府信息公开申请']
>>> match_cell("2021年收取了多少信息处理费？").kind
<AnswerKind.FEE: 'fee'>
>>> match_cell("联系电话是多少？") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import AnswerKind
from index.tables.fees import FEE_COLUMN, FEE_ROW
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
    TABLE_THREE,
    TABLE_TWO,
    UNIT_COUNT,
    UNIT_TEN_THOUSAND_YUAN,
    UNIT_YUAN,
    TableName,
)
from index.text.searchform import fold_query

QUANTITY_WORDS = re.compile(
    r"多少|几|数量|数目|件数|申请数|金额|有没有|有无|是否|吗|变化|增减|增长|减少|下降|对比|比较|分别|各|哪些|哪个"
)
CHANGE_WORDS = re.compile(r"变化|增减|增长|减少|下降|对比|比较|趋势|变动")
YES_NO_WORDS = re.compile(r"有没有|有无|是否|吗")


@dataclass(frozen=True)
class CellItem:
    """One asked value: the sum of ``rows`` x ``columns`` for the first alternative fully present."""

    label: str  # what is counted, in words for the answer
    table: TableName
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
    kind: AnswerKind = AnswerKind.COUNT  # COUNT or FEE

    @property
    def table(self) -> TableName:
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
    for pattern, kind in (
        (_T4_DIRECT, T4_SUIT_DIRECT),
        (_T4_AFTER, T4_SUIT_AFTER_REVIEW),
        (_T4_SUIT, "诉讼"),
        (_T4_REVIEW, T4_REVIEW),
    ):
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
        new = _T3_NEW_WORDS.search(q) or (re.search(r"申请", q) if columns else None)
        if new is not None and not _FEE_WORDS.search(q):
            found.append((new.start(), ((T3_NEW,),), "新收政府信息公开申请"))
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
        items.append(
            CellItem("行政事业性收费金额", TABLE_TWO, ((T2_FEES,),), ((T2_FEE_AMOUNT,),), UNIT_TEN_THOUSAND_YUAN)
        )
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
        return CellQuery((item,), AnswerKind.FEE)
    items = _table_two_items(q) or _table_four_items(q) or _table_three_items(q)
    if not items:
        return None
    return CellQuery(tuple(items), AnswerKind.COUNT)
