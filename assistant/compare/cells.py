"""The template cells a comparison can be made on: 表二/表三/表四 rows and columns as data, picked by name.

A :class:`Cell` is the sum of ``rows`` x ``columns`` for the first alternative fully present in a
report's facts (不予公开 is its subtotal row or the sum of its eight reasons; 法人或其他组织 its
subtotal column or the sum of its five kinds; 行政诉讼 the sum of its two kinds). The rows staff
pick from (:data:`ROWS`) and the columns each table has (:data:`COLUMNS`) are vocabulary, kept as
tables here, never as branches.

>>> c = cell("本年新收")
>>> c.table, c.label, c.unit
(<TableName.THREE: '表三'>, '新收政府信息公开申请', '件')
>>> cell("行政复议").label, cell("予以公开", "自然人").label
('行政复议总计', '予以公开（自然人）')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.tables.labels import (
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
    T3_OTHER_ORG,
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
    TableName,
)
from index.text.searchform import fold_query

Rows = tuple[tuple[str, ...], ...]  # alternatives, each a tuple of canonical labels summed


@dataclass(frozen=True)
class Cell:
    """What is compared: the sum of ``rows`` x ``columns`` (first alternative fully present), in words ``label``."""

    table: TableName
    rows: Rows
    columns: Rows
    label: str
    unit: str = UNIT_COUNT

    def __post_init__(self) -> None:
        if not self.rows or not all(self.rows) or not self.columns or not all(self.columns):
            raise ValueError(f"cell {self.label!r}: rows and columns need at least one label each")


@dataclass(frozen=True)
class RowChoice:
    """One row staff can pick: its name in the picker, the canonical rows, the words an answer uses."""

    key: str  # "表三 一、本年新收政府信息公开申请数量"
    table: TableName
    rows: Rows
    words: str  # "新收政府信息公开申请"
    columns: tuple[str, ...]  # the columns it has; the first is the default
    unit: str = UNIT_COUNT
    aliases: tuple[str, ...] = ()  # other names staff or questions use ("本年新收", "收到申请")


# ---------------------------------------------------------------- columns

T3_PICK_COLUMNS = (
    T3_COLUMN_TOTAL,
    T3_NATURAL,
    T3_LEGAL_PERSONS,
    T3_BUSINESS,
    T3_RESEARCH,
    T3_PUBLIC_WELFARE,
    T3_LEGAL_SERVICE,
    T3_OTHER_ORG,
)
T4_PICK_COLUMNS = (T4_TOTAL, T4_UPHELD, T4_CORRECTED, T4_OTHER, T4_PENDING)

#: A column that is a subtotal some copies leave out: the sum of its parts stands for it.
COLUMN_ALTERNATIVES: dict[str, Rows] = {
    T3_LEGAL_PERSONS: ((T3_LEGAL_PERSONS,), T3_ORG_COLUMNS),
    T2_ISSUED: ((T2_ISSUED,), (T2_NEW_MADE,)),  # the 2019 format's 本年新制作数量
}
#: Columns of the kind of value the whole row counts (its total): not written into the label.
TOTAL_COLUMNS = frozenset({T3_COLUMN_TOTAL, T4_TOTAL})

# ---------------------------------------------------------------- rows (vocabulary)


def _t3(key: str, rows: Rows, words: str, *aliases: str) -> RowChoice:
    return RowChoice(f"{TABLE_THREE} {key}", TABLE_THREE, rows, words, T3_PICK_COLUMNS, UNIT_COUNT, aliases)


def _group(group: str, leaves: tuple[str, ...]) -> Rows:
    return ((group,), leaves)


ROWS: tuple[RowChoice, ...] = (
    _t3(T3_NEW, ((T3_NEW,),), "新收政府信息公开申请", "本年新收", "新收", "收到申请", "申请数量"),
    _t3(T3_CARRIED_IN, ((T3_CARRIED_IN,),), "上年结转政府信息公开申请", "上年结转"),
    _t3(T3_DISCLOSED, ((T3_DISCLOSED,),), "予以公开"),
    _t3(T3_PARTLY, ((T3_PARTLY,),), "部分公开"),
    _t3(T3_WITHHELD, _group(T3_WITHHELD, T3_WITHHELD_LEAVES), "不予公开"),
    *(_t3(leaf, ((leaf,),), "不予公开（" + leaf.split(".", 1)[1] + "）") for leaf in T3_WITHHELD_LEAVES),
    _t3(T3_UNABLE, _group(T3_UNABLE, T3_UNABLE_LEAVES), "无法提供"),
    *(_t3(leaf, ((leaf,),), "无法提供（" + leaf.split(".", 1)[1] + "）") for leaf in T3_UNABLE_LEAVES),
    _t3(T3_NOT_PROCESSED, _group(T3_NOT_PROCESSED, T3_NOT_PROCESSED_LEAVES), "不予处理"),
    *(_t3(leaf, ((leaf,),), "不予处理（" + leaf.split(".", 1)[1] + "）") for leaf in T3_NOT_PROCESSED_LEAVES),
    _t3(T3_OTHER, _group(T3_OTHER, T3_OTHER_LEAVES), "其他处理"),
    _t3(T3_TOTAL, ((T3_TOTAL,),), "办理结果总计", "办理结果总计", "总计"),
    _t3(T3_CARRIED_OUT, ((T3_CARRIED_OUT,),), "结转下年度继续办理的申请", "结转下年度"),
    RowChoice(f"{TABLE_FOUR} {T4_REVIEW}", TABLE_FOUR, ((T4_REVIEW,),), "行政复议", T4_PICK_COLUMNS, aliases=("复议",)),
    RowChoice(
        f"{TABLE_FOUR} 行政诉讼（两类合计）",
        TABLE_FOUR,
        ((T4_SUIT_DIRECT, T4_SUIT_AFTER_REVIEW),),
        "行政诉讼",
        T4_PICK_COLUMNS,
        aliases=("行政诉讼", "诉讼"),
    ),
    RowChoice(
        f"{TABLE_FOUR} {T4_SUIT_DIRECT}",
        TABLE_FOUR,
        ((T4_SUIT_DIRECT,),),
        "未经复议直接起诉的行政诉讼",
        T4_PICK_COLUMNS,
    ),
    RowChoice(
        f"{TABLE_FOUR} {T4_SUIT_AFTER_REVIEW}",
        TABLE_FOUR,
        ((T4_SUIT_AFTER_REVIEW,),),
        "复议后起诉的行政诉讼",
        T4_PICK_COLUMNS,
    ),
    RowChoice(f"{TABLE_TWO} {T2_RULES}", TABLE_TWO, ((T2_RULES,),), "规章", (T2_ISSUED, T2_REPEALED, T2_IN_FORCE)),
    RowChoice(
        f"{TABLE_TWO} {T2_NORMATIVE}",
        TABLE_TWO,
        ((T2_NORMATIVE,),),
        "行政规范性文件",
        (T2_ISSUED, T2_REPEALED, T2_IN_FORCE),
        aliases=("规范性文件",),
    ),
    RowChoice(f"{TABLE_TWO} {T2_LICENSING}", TABLE_TWO, ((T2_LICENSING,),), "行政许可", (T2_DECISIONS,)),
    RowChoice(f"{TABLE_TWO} {T2_PENALTY}", TABLE_TWO, ((T2_PENALTY,),), "行政处罚", (T2_DECISIONS,)),
    RowChoice(f"{TABLE_TWO} {T2_ENFORCEMENT}", TABLE_TWO, ((T2_ENFORCEMENT,),), "行政强制", (T2_DECISIONS,)),
    RowChoice(
        f"{TABLE_TWO} {T2_FEES}", TABLE_TWO, ((T2_FEES,),), "行政事业性收费", (T2_FEE_AMOUNT,), UNIT_TEN_THOUSAND_YUAN
    ),
)
ROW_BY_KEY: dict[str, RowChoice] = {r.key: r for r in ROWS}
DEFAULT_ROW = ROWS[0].key

#: Words a 表二 column is written with in an answer ("本年制发行政规范性文件", "行政许可处理决定").
T2_COLUMN_WORDS: dict[str, tuple[str, str]] = {  # column -> (before the row, after the row)
    T2_ISSUED: ("本年制发", ""),
    T2_REPEALED: ("本年废止", ""),
    T2_IN_FORCE: ("现行有效", ""),
    T2_DECISIONS: ("", "处理决定"),
    T2_FEE_AMOUNT: ("", "金额"),
}

_GROUPS_OF_LEAVES = {leaf: group for group, leaves in T3_GROUPS.items() for leaf in leaves}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", fold_query(text))


def find_row(name: str) -> RowChoice:
    """The row staff mean by ``name``: its key, its canonical label, an alias, or a unique part of one.

    Raises ValueError naming the candidates when ``name`` is unknown or ambiguous.
    """
    wanted = _squeeze(name)
    if not wanted:
        raise ValueError("row name is empty")
    wanted = re.sub(r"^表[二三四]", "", wanted) or wanted
    for r in ROWS:  # exact: key, canonical row, words, alias
        names = {_squeeze(r.key), _squeeze(r.key.split(" ", 1)[1]), _squeeze(r.words), *map(_squeeze, r.aliases)}
        if wanted in names:
            return r
    table = next((t for t in (TABLE_TWO, TABLE_THREE, TABLE_FOUR) if _squeeze(name).startswith(str(t))), None)
    partial = [
        r
        for r in ROWS
        if (table is None or r.table == table) and any(wanted in _squeeze(n) for n in (r.key, r.words, *r.aliases))
    ]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise ValueError(f"no table row matches {name!r}; rows: " + "；".join(r.key for r in ROWS))
    raise ValueError(f"{name!r} matches several rows: " + "；".join(r.key for r in partial))


def cell(row: str | RowChoice, column: str | None = None) -> Cell:
    """The cell of ``row`` (a :class:`RowChoice` or a name :func:`find_row` understands) in ``column``
    (default: the row's first column, the total for 表三/表四)."""
    choice = row if isinstance(row, RowChoice) else find_row(row)
    if column in (None, ""):
        column = choice.columns[0]
    assert column is not None
    if column not in choice.columns:
        given = _squeeze(column)
        column = next((c for c in choice.columns if given in (_squeeze(c), _squeeze(c).removesuffix("件数"))), column)
    if column not in choice.columns:
        raise ValueError(f"{choice.key} has no column {column!r}; columns: {'、'.join(choice.columns)}")
    columns = COLUMN_ALTERNATIVES.get(column, ((column,),))
    if choice.table == TABLE_TWO:
        before, after = T2_COLUMN_WORDS.get(column, ("", column))
        label = f"{before}{choice.words}{after}"
    elif choice.table == TABLE_FOUR:
        label = choice.words + column
    else:
        label = choice.words if column in TOTAL_COLUMNS else f"{choice.words}（{column}）"
    return Cell(choice.table, choice.rows, columns, label, choice.unit)


def row_of(table: str, rows: Rows) -> RowChoice | None:
    """The picker row whose canonical rows are ``rows``'s first alternative (for labels of cells read elsewhere)."""
    first = rows[0] if rows else ()
    for r in ROWS:
        if r.table == table and r.rows[0] == first:
            return r
    if len(first) == 1 and first[0] in _GROUPS_OF_LEAVES:
        return ROW_BY_KEY.get(f"{TABLE_THREE} {first[0]}")
    return None
