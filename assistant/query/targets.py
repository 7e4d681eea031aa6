"""The values a question asks for: one :class:`Target` each, with its content words, unit and template slot.

"予以公开和部分公开各多少件" and "微信和微博分别发布了多少条" ask for two values; so do
"发布了多少件政策性文件和多少条政策解读" and "行政复议和行政诉讼" (two template terms of one
kind). Each target keeps the words that are its own and masks the other items, so its content
words point at one value.

>>> [t.text for t in split_targets("|||予以公开和部分公开各多少件", [AnswerKind.COUNT])]
['|||予以公开和||||各多少件', '|||||||和部分公开各多少件']
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from assistant.query.terms import find_concepts, keys_of, segments
from assistant.query.vocabulary import (
    CONCEPT_BY_KEY,
    COORDINATION,
    MONEY_UNITS,
    T2_IMPLIED_COLUMNS,
    T2_PROSE_WORDS,
    TABLE_DEFAULT_COLUMNS,
    TITLE_QUESTION,
    VOCAB,
    Concept,
    Rows,
    unit_fit,
)
from assistant.types import AnswerKind
from index.tables.labels import TABLE_FOUR, TABLE_THREE, TABLE_TWO, UNIT_COUNT, TableName

K = AnswerKind
MASK = "|"
WH_COUNT = re.compile(r"多少|几(?!乎)")
UNIT_AFTER_WH = re.compile(
    r"(?:多少|几)\s*(万元|亿元|万人次|人次|家次|个部分|部分|件|条|次|个|项|场|篇|名|份|期|家|批|部|位|人|天|轮|元)"
)
CUT = re.compile(r"以及|[和与及、，,；;]")
ITEM_LIST = re.compile(rf"[\u4e00-\u9fff“”\"]+(?:(?:{COORDINATION})[\u4e00-\u9fff“”\"]+)+$")
SLOT_FAMILIES_SPLIT_ALONE = frozenset({"t3row", "redress", "outcome", "applicant", "document", "decision"})


@dataclass(frozen=True)
class CellSpec:
    """A template slot: the sum of ``rows`` x ``columns`` for the first alternative fully present."""

    table: TableName
    rows: Rows
    columns: Rows
    row_label: str  # the row in words, for the answer
    column_label: str = ""  # the column in words ("" for a total)
    unit: str = UNIT_COUNT

    @property
    def breakdown(self) -> bool:
        """Several rows are summed (行政诉讼 = its two kinds): the answer names each."""
        return len(self.rows[0]) > 1

    @property
    def label(self) -> str:
        if self.table == TABLE_FOUR:
            return self.row_label + (self.column_label or "总计")
        if self.table == TABLE_TWO:
            if self.column_label in ("本年制发", "本年废止", "现行有效"):
                return f"{self.column_label}{self.row_label}"
            return self.row_label + ("" if self.column_label in ("", "收费金额") else self.column_label)
        return f"{self.row_label}（{self.column_label}）" if self.column_label else self.row_label


@dataclass(frozen=True)
class Target:
    """One value the question asks for."""

    kind: AnswerKind
    text: str  # the question (search form) with issuer, year, report words and the other items masked
    concepts: tuple[str, ...] = ()  # concept keys named, in order
    cell: CellSpec | None = None  # the template slot the target names, if any
    unit: str | None = None  # the unit asked for ("多少件" -> 件)
    rate: bool = False  # a percentage is asked for
    wants: str = (
        ""  # what shape within the kind: count/rank/money (COUNT), publish/other (DATE), docnum/clause (GENERAL)
    )
    keys: tuple[tuple[str, float], ...] = field(default=(), compare=False)  # weighted content keys

    @property
    def key_weights(self) -> dict[str, float]:
        return dict(self.keys)

    @property
    def content(self) -> str:
        """The target's content words, joined (for answers and logs)."""
        return "".join(segments(self.text))


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = MASK
    return "".join(chars)


def _wh_pieces(residual: str) -> list[tuple[int, int]]:
    """Several "多少/几" with a cut between them: one piece each ("多少件政策性文件和多少条政策解读")."""
    whs = list(WH_COUNT.finditer(residual))
    if len(whs) < 2:
        return []
    cuts = []
    for a, b in itertools.pairwise(whs):
        between = list(CUT.finditer(residual, a.end(), b.start()))
        if not between:
            return []
        cuts.append(between[-1])
    pieces = []
    start = 0
    for cut in cuts:
        pieces.append((start, cut.start()))
        start = cut.end()
    pieces.append((start, len(residual)))
    return pieces


def _concept_items(residual: str) -> list[tuple[int, int]]:
    """Template terms of one family joined by a coordinating word ("行政复议和行政诉讼"), or any items before 分别/各."""
    found = find_concepts(residual)
    distributive = VOCAB.distributive.search(residual)
    coordination = re.compile(rf"^\s*(?:{COORDINATION})\s*$")
    for i in range(len(found) - 1):
        group = [found[i]]
        for nxt in found[i + 1 :]:
            if nxt[2].family != found[i][2].family or nxt[2].key == group[-1][2].key:
                break
            if not coordination.match(residual[group[-1][1] : nxt[0]]):
                break
            group.append(nxt)
        if len(group) >= 2:
            family = group[0][2].family
            if family in SLOT_FAMILIES_SPLIT_ALONE or (distributive and family):
                return [(s, e) for s, e, _ in group]
    if distributive:
        head = residual[: distributive.start()]
        m = ITEM_LIST.search(head)
        if m:
            out = []
            pos = m.start()
            for part in re.split(rf"({COORDINATION})", m.group(0)):
                if re.fullmatch(COORDINATION, part) or not part:
                    pos += len(part)
                    continue
                out.append((pos, pos + len(part)))
                pos += len(part)
            if len(out) >= 2:
                return out
    return []


def split_targets(residual: str, kinds: list[AnswerKind]) -> list[Target]:
    """One target per value asked for (``residual``: the question with issuer, year and report words masked)."""
    if len(kinds) > 1:
        return [_target(kind, residual, None) for kind in kinds]
    kind = kinds[0] if kinds else K.GENERAL
    texts: list[str] = []
    pieces = _wh_pieces(residual) if kind in (K.COUNT, K.FEE, K.ADMIN_FEE) else []
    if pieces:
        texts = [_mask(residual, [(0, s), (e, len(residual))]) for s, e in pieces]
    else:
        items = _concept_items(residual) if kind in (K.COUNT, K.ADMIN_FEE) else []
        for i in range(len(items)):
            others = [span for j, span in enumerate(items) if j != i]
            texts.append(_mask(residual, others))
    if not texts:
        texts = [residual]
    targets: list[Target] = []
    shared_unit = _unit(residual)
    for text in texts:
        previous = targets[-1] if targets else None
        targets.append(_target(kind, text, previous, shared_unit))
    return targets


COUNTED_UNIT = re.compile(r"(件|条|篇|次|场|个|项)数")


def _unit(text: str) -> str | None:
    """The unit asked for: "多少件" / "几条" -> 件 / 条, or "条数" -> 条."""
    m = UNIT_AFTER_WH.search(text) or COUNTED_UNIT.search(text)
    return m.group(1) if m else None


def _target(kind: AnswerKind, text: str, previous: Target | None, shared_unit: str | None = None) -> Target:
    concepts = [c for _, _, c in find_concepts(text)]
    unit = _unit(text) or shared_unit
    rate = bool(VOCAB.rate.search(text))
    if rate:
        unit = "%"
    cell = _cell(kind, text, concepts, unit, previous)
    if unit is None and cell is not None:
        unit = cell.unit  # "新收申请数量是多少" asks for 件, as the template counts
    wants = _wants(kind, text, unit)
    keys = keys_of(segments(text))
    if wants == "docnum":  # "文号" / "文件" name the value's shape, not words around it
        keys = {k: w for k, w in keys.items() if k not in DOCNUM_PAIRS}
    if kind not in CONTACT_FOCUSLESS:
        for key in _focus(text, after=kind == K.GENERAL):
            if key in keys:
                keys[key] *= FOCUS_BOOST
    return Target(
        wants=wants,
        kind=kind,
        text=text,
        concepts=tuple(c.key for c in concepts),
        cell=cell,
        unit=unit,
        rate=rate,
        keys=tuple(sorted(keys.items())),
    )


DOCNUM_PAIRS = frozenset({"文号", "字号", "发文", "文件", "件文", "号是"})
FOCUS_BOOST = 2.0
CONTACT_FOCUSLESS = frozenset({K.PHONE, K.FAX, K.EMAIL, K.POSTCODE, K.ADDRESS, K.WEBSITE, K.CONTACT_ORG})
WH_WORD = re.compile(r"是谁|是什么|是多少|是哪|多少|几|哪|什么|谁")


def _focus(text: str, *, after: bool = True) -> list[str]:
    """The pairs right next to the question word: the noun it asks about ("组长是谁" -> 组长, "访问量是多少" -> 问量).

    ``after``: the pair after it too ("是哪个部门编的" -> 部门); for counts the noun after "多少件" is
    mostly the generic thing counted (申请, 信息), so only the word before counts there.
    """
    m = WH_WORD.search(text)
    if not m:
        return []
    before = re.sub(r"[的是为有了]+$", "", text[: m.start()])
    rest = re.sub(r"^(?:万元|元|人次|件|条|次|个|项|场|篇|名|份|期|家|批|部|位|人|些|类|种)", "", text[m.end() :])
    out = []
    if len(before) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]{2}", before[-2:]):
        out.append(before[-2:])
    if after and len(rest) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]{2}", rest[:2]):
        out.append(rest[:2])
    return out


RANK_WORDS = re.compile(r"第几|排名|名次|排第|位列|位居")
DOCNUM_WORDS = re.compile(r"文号|字号|发文号|哪个文件|什么文件")
MONEY_WORDS = re.compile(r"金额|多少钱|多少元|万元|资金|经费")
TITLE_WORDS = re.compile(TITLE_QUESTION)
AUTHOR_WORDS = re.compile(r"编制|编写|编的|制作|撰写|起草")
PERSON_WORDS = re.compile(r"联系人|负责人|经办人")
PLURAL_WORDS = re.compile(r"哪几|哪些|几个|分别|各是")


def _wants(kind: AnswerKind, text: str, unit: str | None) -> str:
    """The shape of value within its kind (see :attr:`Target.wants`)."""
    if kind == K.COUNT:
        if unit == "%":
            return "rate"
        if RANK_WORDS.search(text):
            return "rank"
        if unit in MONEY_UNITS or MONEY_WORDS.search(text):
            return "money"
        return "count"
    if kind == K.DATE:
        rest = VOCAB.publish_cues.sub("", "".join(segments(text)))
        return "publish" if VOCAB.publish_cues.search(text) or len(rest) <= 2 else "other"
    if kind == K.GENERAL:
        if DOCNUM_WORDS.search(text):
            return "docnum"
        return "title" if TITLE_WORDS.search(text) else "clause"
    if kind == K.CONTACT_ORG:
        if PERSON_WORDS.search(text):
            return "person"
        return "author" if AUTHOR_WORDS.search(text) else "contact"
    if kind in (K.PHONE, K.FAX, K.EMAIL):
        return "all" if PLURAL_WORDS.search(text) else ""
    return ""


def _cell(
    kind: AnswerKind, text: str, concepts: list[Concept], unit: str | None, previous: Target | None
) -> CellSpec | None:
    """The template slot the target names: a row term (and column term) of one table, or None."""
    if kind not in (K.COUNT, K.ADMIN_FEE):
        return None
    if unit == "%":
        return None
    for table in (TABLE_TWO, TABLE_FOUR, TABLE_THREE):
        rows = [c for c in concepts if c.table == table and c.rows and _meant(c, text, concepts)]
        columns = [c for c in concepts if c.table == table and c.columns]
        if not rows and columns and previous is not None and previous.cell and previous.cell.table == table:
            return _spec(table, None, columns[0], previous.cell)
        if not rows and columns and table == TABLE_THREE and re.search(r"申请", text):
            rows = [CONCEPT_BY_KEY["新收"]]
        if not rows:
            continue
        # "办理结果中予以公开的": a narrow row beats a broad one, then the last named is the one meant
        narrow = [c for c in rows if not c.broad]
        leaves = [c for c in narrow if len(c.rows) == 1 and len(c.rows[0]) == 1]  # 重复申请 within 不予处理
        row = leaves[-1] if leaves else narrow[-1] if narrow else rows[-1]
        column = columns[0] if columns else None
        if table == TABLE_TWO:
            implied = T2_IMPLIED_COLUMNS.get(row.rows[0][0])
            if column is None or not column.columns:
                if implied is None or not implied or T2_PROSE_WORDS.search(text) or unit_fit(unit, row.unit) == 0:
                    continue
                implied_label = "处理决定" if row.unit == UNIT_COUNT else ""
                return CellSpec(table, row.rows, implied, row.words, implied_label, row.unit)
            return CellSpec(table, row.rows, column.columns, row.words, column.key, column.unit or row.unit)
        return _spec(table, row, column, None)
    return None


#: What a bare question may say beside its template term ("本年共办结了多少件"): particles and totals words.
PARTICLES = re.compile(r"共计|一共|总共|合计|累计|总计|全年|本年|今年|当年|[共了的过呢吧啊呀被所]")


def _meant(concept: Concept, text: str, concepts: list[Concept]) -> bool:
    """The template slot of ``concept`` is meant: the question says what the concept needs (申请 for
    新收/办结), or says nothing but template terms ("本年办结了多少件": no other thing to count)."""
    if not concept.needs or re.search(concept.needs, text):
        return True
    rest = "".join(segments(text))
    for c in concepts:
        rest = c.pattern.sub("", rest)
    return not PARTICLES.sub("", rest)


def _spec(table: TableName, row: Concept | None, column: Concept | None, inherited: CellSpec | None) -> CellSpec:
    rows = row.rows if row is not None else inherited.rows if inherited else ()
    columns = column.columns if column is not None else TABLE_DEFAULT_COLUMNS[table]
    row_words = row.words if row is not None else inherited.row_label if inherited else ""
    return CellSpec(table, rows, columns, row_words, column.key if column is not None else "")
