"""Canonical row and column labels of 表二/表三/表四 (国办公开办函〔2021〕30号, and the 2019 format) and how cell text maps to them.

Matching works on a cell's *folded* text (search form: simplified, NFKC, so ``（`` is ``(``)
with spaces removed; see :func:`squeeze`.

One module: it is mostly the template's label tables (data), with the few functions that match cell
text to them.
"""

from __future__ import annotations

import re
from enum import StrEnum


class TableName(StrEnum):
    """Where a fact was read: one of the template tables, or the prose (信息处理费)."""

    TWO = "表二"
    THREE = "表三"
    FOUR = "表四"
    PROSE = "正文"


TABLE_TWO = TableName.TWO
TABLE_THREE = TableName.THREE
TABLE_FOUR = TableName.FOUR
PROSE = TableName.PROSE

UNIT_COUNT = "件"
UNIT_TEN_THOUSAND_YUAN = "万元"
UNIT_YUAN = "元"
UNIT_ITEMS = "项"

# ---------------------------------------------------------------- 表二 (第二十条 items)
T2_RULES = "规章"
T2_NORMATIVE = "行政规范性文件"
T2_LICENSING = "行政许可"
T2_OTHER_SERVICES = "其他对外管理服务事项"  # 2019 format only
T2_PENALTY = "行政处罚"
T2_ENFORCEMENT = "行政强制"
T2_FEES = "行政事业性收费"
T2_PROCUREMENT = "政府集中采购"  # 2019 format only
T2_ROWS = (T2_RULES, T2_NORMATIVE, T2_LICENSING, T2_OTHER_SERVICES, T2_PENALTY, T2_ENFORCEMENT, T2_FEES, T2_PROCUREMENT)

T2_ISSUED = "本年制发件数"
T2_REPEALED = "本年废止件数"
T2_IN_FORCE = "现行有效件数"
T2_DECISIONS = "本年处理决定数量"
T2_FEE_AMOUNT = "本年收费金额"
# 2019 format columns
T2_NEW_MADE = "本年新制作数量"
T2_NEW_PUBLISHED = "本年新公开数量"
T2_TOTAL_PUBLISHED = "对外公开总数量"
T2_LAST_YEAR_ITEMS = "上一年项目数量"
T2_CHANGE = "本年增/减"
T2_PROCUREMENT_ITEMS = "采购项目数量"
T2_PROCUREMENT_AMOUNT = "采购总金额"

T2_ROW_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (T2_RULES, re.compile(r"^(?:政府)?规章[:：]?$")),
    (T2_NORMATIVE, re.compile(r"^(?:行政)?规范性文件[:：]?$")),
    (T2_LICENSING, re.compile(r"^行政许可[:：]?$")),
    (T2_OTHER_SERVICES, re.compile(r"^其他对外管理服务事项[:：]?$")),
    (T2_PENALTY, re.compile(r"^行政处罚[:：]?$")),
    (T2_ENFORCEMENT, re.compile(r"^行政强制[:：]?$")),
    (T2_FEES, re.compile(r"^行政事业性收费(?:\(万元\))?[:：]?$")),
    (T2_PROCUREMENT, re.compile(r"^政府集中采购[:：]?$")),
)

T2_COLUMN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (T2_ISSUED, re.compile(r"制发")),
    (T2_REPEALED, re.compile(r"废止")),
    (T2_IN_FORCE, re.compile(r"现行有效")),
    (T2_DECISIONS, re.compile(r"处理决定")),
    (T2_FEE_AMOUNT, re.compile(r"收费金额")),
    (T2_NEW_MADE, re.compile(r"新制作")),
    (T2_NEW_PUBLISHED, re.compile(r"新公开")),
    (T2_TOTAL_PUBLISHED, re.compile(r"公开总")),
    (T2_LAST_YEAR_ITEMS, re.compile(r"上一?年.*项目")),
    (T2_CHANGE, re.compile(r"增.?减")),
    (T2_PROCUREMENT_ITEMS, re.compile(r"采购项目")),
    (T2_PROCUREMENT_AMOUNT, re.compile(r"采购.*金额")),
)

# Columns a 表二 row has when no "信息内容" header row was read (2021 template).
T2_DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    T2_RULES: (T2_ISSUED, T2_REPEALED, T2_IN_FORCE),
    T2_NORMATIVE: (T2_ISSUED, T2_REPEALED, T2_IN_FORCE),
    T2_LICENSING: (T2_DECISIONS,),
    T2_OTHER_SERVICES: (T2_DECISIONS,),
    T2_PENALTY: (T2_DECISIONS,),
    T2_ENFORCEMENT: (T2_DECISIONS,),
    T2_FEES: (T2_FEE_AMOUNT,),
    T2_PROCUREMENT: (T2_PROCUREMENT_ITEMS, T2_PROCUREMENT_AMOUNT),
}

T2_COLUMN_UNITS: dict[str, str] = {
    T2_FEE_AMOUNT: UNIT_TEN_THOUSAND_YUAN,
    T2_PROCUREMENT_AMOUNT: UNIT_TEN_THOUSAND_YUAN,
    T2_LAST_YEAR_ITEMS: UNIT_ITEMS,
    T2_CHANGE: UNIT_ITEMS,
    T2_PROCUREMENT_ITEMS: UNIT_ITEMS,
}

# ---------------------------------------------------------------- 表三 (依申请公开)
T3_NEW = "一、本年新收政府信息公开申请数量"
T3_CARRIED_IN = "二、上年结转政府信息公开申请数量"
T3_DISCLOSED = "三（一）予以公开"
T3_PARTLY = "三（二）部分公开"
T3_WITHHELD = "三（三）不予公开"  # subtotal row, only in some variants
T3_WITHHELD_LEAVES = (
    "三（三）1.属于国家秘密",
    "三（三）2.其他法律行政法规禁止公开",
    "三（三）3.危及“三安全一稳定”",
    "三（三）4.保护第三方合法权益",
    "三（三）5.属于三类内部事务信息",
    "三（三）6.属于四类过程性信息",
    "三（三）7.属于行政执法案卷",
    "三（三）8.属于行政查询事项",
)
T3_UNABLE = "三（四）无法提供"  # subtotal row, only in some variants
T3_UNABLE_LEAVES = (
    "三（四）1.本机关不掌握相关政府信息",
    "三（四）2.没有现成信息需要另行制作",
    "三（四）3.补正后申请内容仍不明确",
)
T3_NOT_PROCESSED = "三（五）不予处理"  # subtotal row, only in some variants
T3_NOT_PROCESSED_LEAVES = (
    "三（五）1.信访举报投诉类申请",
    "三（五）2.重复申请",
    "三（五）3.要求提供公开出版物",
    "三（五）4.无正当理由大量反复申请",
    "三（五）5.要求行政机关确认或重新出具已获取信息",
)
T3_OTHER = "三（六）其他处理"  # a leaf in the 2019 format, a subtotal row in some 2021 variants
T3_OTHER_LEAVES = (
    "三（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "三（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "三（六）3.其他",
)
T3_TOTAL = "三（七）总计"
T3_CARRIED_OUT = "四、结转下年度继续办理"

# group subtotal row -> its leaf rows
T3_GROUPS: dict[str, tuple[str, ...]] = {
    T3_WITHHELD: T3_WITHHELD_LEAVES,
    T3_UNABLE: T3_UNABLE_LEAVES,
    T3_NOT_PROCESSED: T3_NOT_PROCESSED_LEAVES,
    T3_OTHER: T3_OTHER_LEAVES,
}

T3_ROWS_2021 = (
    T3_NEW,
    T3_CARRIED_IN,
    T3_DISCLOSED,
    T3_PARTLY,
    *T3_WITHHELD_LEAVES,
    *T3_UNABLE_LEAVES,
    *T3_NOT_PROCESSED_LEAVES,
    *T3_OTHER_LEAVES,
    T3_TOTAL,
    T3_CARRIED_OUT,
)
T3_ROWS_2019 = (
    T3_NEW,
    T3_CARRIED_IN,
    T3_DISCLOSED,
    T3_PARTLY,
    *T3_WITHHELD_LEAVES,
    *T3_UNABLE_LEAVES,
    *T3_NOT_PROCESSED_LEAVES,
    T3_OTHER,
    T3_TOTAL,
    T3_CARRIED_OUT,
)
T3_ALL_ROWS = (
    *T3_ROWS_2021[:4],
    T3_WITHHELD,
    *T3_WITHHELD_LEAVES,
    T3_UNABLE,
    *T3_UNABLE_LEAVES,
    T3_NOT_PROCESSED,
    *T3_NOT_PROCESSED_LEAVES,
    T3_OTHER,
    *T3_OTHER_LEAVES,
    T3_TOTAL,
    T3_CARRIED_OUT,
)

T3_NATURAL = "自然人"
T3_BUSINESS = "商业企业"
T3_RESEARCH = "科研机构"
T3_PUBLIC_WELFARE = "社会公益组织"
T3_LEGAL_SERVICE = "法律服务机构"
T3_OTHER_ORG = "其他"
T3_LEGAL_PERSONS = "法人或其他组织"  # subtotal column, only in some variants
T3_COLUMN_TOTAL = "总计"
T3_ORG_COLUMNS = (T3_BUSINESS, T3_RESEARCH, T3_PUBLIC_WELFARE, T3_LEGAL_SERVICE, T3_OTHER_ORG)
T3_COLUMNS = (T3_NATURAL, *T3_ORG_COLUMNS, T3_COLUMN_TOTAL)
T3_COLUMNS_WITH_SUBTOTAL = (T3_NATURAL, T3_LEGAL_PERSONS, *T3_ORG_COLUMNS, T3_COLUMN_TOTAL)
T3_COLUMNS_SUBTOTAL_AFTER = (T3_NATURAL, *T3_ORG_COLUMNS, T3_LEGAL_PERSONS, T3_COLUMN_TOTAL)

_NUMBERED = r"(?:\d{1,2}\s*[.、,．)]?|\(\d{1,2}\))"
T3_ROW_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (T3_NEW, re.compile(r"^(?:一[、.,]?)?本年(?:度)?新收")),
    (T3_CARRIED_IN, re.compile(r"^(?:二[、.,]?)?上年(?:度)?结转")),
    (T3_DISCLOSED, re.compile(r"^(?:\(一\)予以公开|予以公开$)")),
    (T3_PARTLY, re.compile(r"^(?:\(二\)部分公开|部分公开)")),
    (T3_WITHHELD, re.compile(r"^\(三\)(?:不|不予|不予公开)?$|^不予公开$")),
    (T3_WITHHELD_LEAVES[0], re.compile(rf"^{_NUMBERED}?属于国家秘密")),
    (T3_WITHHELD_LEAVES[1], re.compile(rf"^{_NUMBERED}?其他法律行政法规禁止")),
    (T3_WITHHELD_LEAVES[2], re.compile(rf"^{_NUMBERED}?危及")),
    (T3_WITHHELD_LEAVES[3], re.compile(rf"^{_NUMBERED}?保护第三方")),
    (T3_WITHHELD_LEAVES[4], re.compile(rf"^{_NUMBERED}?属于三类内部事务")),
    (T3_WITHHELD_LEAVES[5], re.compile(rf"^{_NUMBERED}?属于四类过程性")),
    (T3_WITHHELD_LEAVES[6], re.compile(rf"^{_NUMBERED}?属于行政执法案卷")),
    (T3_WITHHELD_LEAVES[7], re.compile(rf"^{_NUMBERED}?属于行政查询事项")),
    (T3_UNABLE, re.compile(r"^\(四\)(?:无|无法|无法提供)?$|^无法提供$")),
    (T3_UNABLE_LEAVES[0], re.compile(rf"^{_NUMBERED}?本机关不掌握")),
    (T3_UNABLE_LEAVES[1], re.compile(rf"^{_NUMBERED}?没有现成信息")),
    (T3_UNABLE_LEAVES[2], re.compile(rf"^{_NUMBERED}?补正后申请内容")),
    (T3_NOT_PROCESSED, re.compile(r"^\(五\)(?:不|不予|不予处理)?$|^不予处理$")),
    (T3_NOT_PROCESSED_LEAVES[0], re.compile(rf"^{_NUMBERED}?信访举报投诉")),
    (T3_NOT_PROCESSED_LEAVES[1], re.compile(rf"^{_NUMBERED}?重复申请")),
    (T3_NOT_PROCESSED_LEAVES[2], re.compile(rf"^{_NUMBERED}?要求提供公开出版物")),
    (T3_NOT_PROCESSED_LEAVES[3], re.compile(rf"^{_NUMBERED}?无正当理由大量反复")),
    (T3_NOT_PROCESSED_LEAVES[4], re.compile(rf"^{_NUMBERED}?要求行政机关确认")),
    (T3_OTHER, re.compile(r"^\(六\)(?:其|其他|其他处理)?$|^其他处理$")),
    (T3_OTHER_LEAVES[0], re.compile(rf"^{_NUMBERED}?申请人无正当理由逾期")),
    (T3_OTHER_LEAVES[1], re.compile(rf"^{_NUMBERED}?申请人逾期未按收费")),
    (T3_OTHER_LEAVES[2], re.compile(rf"^{_NUMBERED}其他$")),
    (T3_TOTAL, re.compile(r"^\(七\)(?:总计|合计)?$")),
    (T3_CARRIED_OUT, re.compile(r"^(?:四[、.,]?)?结转下一?年度")),
)

# Tokens that open the 表三 block (before its first row).
T3_START = re.compile(r"勾稽关系|^申请人情况$|^(?:一[、.,]?)?本年(?:度)?新收")

# ---------------------------------------------------------------- 表四 (行政复议、行政诉讼)
T4_REVIEW = "行政复议"
T4_SUIT_DIRECT = "行政诉讼（未经复议直接起诉）"
T4_SUIT_AFTER_REVIEW = "行政诉讼（复议后起诉）"
T4_ROWS = (T4_REVIEW, T4_SUIT_DIRECT, T4_SUIT_AFTER_REVIEW)
T4_UPHELD = "结果维持"
T4_CORRECTED = "结果纠正"
T4_OTHER = "其他结果"
T4_PENDING = "尚未审结"
T4_TOTAL = "总计"
T4_COLUMNS = (T4_UPHELD, T4_CORRECTED, T4_OTHER, T4_PENDING, T4_TOTAL)
T4_NUMBERS = len(T4_ROWS) * len(T4_COLUMNS)  # 15 numbers in template order

T4_START = re.compile(r"^四[、.,]?.*行政复议|^行政复议$|^行政复议\|")
T4_AFTER_REVIEW_LABEL = re.compile(r"^复议后起诉$")

SECTION_FIVE = re.compile(r"^五[、.,]")
SECTION_FOUR = re.compile(r"^四[、.,].*(?:行政复议|行政诉讼)")

TABLE_SECTIONS: dict[TableName, str] = {
    TABLE_TWO: "二、主动公开政府信息情况",
    TABLE_THREE: "三、收到和处理政府信息公开申请情况",
    TABLE_FOUR: "四、政府信息公开行政复议、行政诉讼情况",
    PROSE: "六、其他需要报告的事项",
}


def squeeze(folded: str) -> str:
    """Folded cell text with all whitespace removed (labels wrap and get spaced arbitrarily)."""
    return re.sub(r"\s+", "", folded)


def match_label(patterns: tuple[tuple[str, re.Pattern[str]], ...], folded: str) -> str | None:
    """The canonical label whose pattern matches the squeezed cell text, if any."""
    key = squeeze(folded)
    if not key or len(key) > 60:
        return None
    for label, pattern in patterns:
        if pattern.search(key):
            return label
    return None


def t2_column(folded: str) -> str | None:
    """Canonical 表二 column for a header cell, or None for other header text."""
    return match_label(T2_COLUMN_PATTERNS, folded)


def unit_in_header(folded: str) -> str | None:
    """``本年收费金额(单位:万元)`` -> ``"万元"``."""
    m = re.search(r"单位[:：]?\s*([万亿]?元|件|项|个)", squeeze(folded))
    return m.group(1) if m else None


# ---------------------------------------------------------------- labels inside running text
# Crawled copies run a table's cells together ("一、本年新收政府信息公开申请数量230 000023二、上年…").
# These patterns find each label's distinctive words anywhere in the folded text (no anchors);
# the reader (index.tables.runs) extends a row label over the rest of its words up to its numbers.
# A leaf's own numbering ("2.") is part of its label, so it is never read as a digit of the row before.
_LEAF = r"(?:[1-9][.、,．])?"

T2_RUN_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (T2_RULES, re.compile(r"(?:政府)?规章(?![制])")),
    (T2_NORMATIVE, re.compile(r"(?:行政)?规范性文件")),
    (T2_LICENSING, re.compile(r"行政许可")),
    (T2_OTHER_SERVICES, re.compile(r"其他对外管理服务事项")),
    (T2_PENALTY, re.compile(r"行政处罚")),
    (T2_ENFORCEMENT, re.compile(r"行政强制")),
    (T2_FEES, re.compile(r"行政事业性收费(?:\((?:单位:?)?万元\))?")),
    (T2_PROCUREMENT, re.compile(r"政府集中采购")),
)
# Header cells: a column name as a whole word of the header ("信息内容本年制发件数本年废止件数…").
T2_RUN_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (T2_ISSUED, re.compile(r"(?:本年)?制发(?:件数|数量)?")),
    (T2_REPEALED, re.compile(r"(?:本年)?废止(?:件数|数量)?")),
    (T2_IN_FORCE, re.compile(r"现行有效(?:件数|数量)?(?:\([^)]{0,8}\))?")),
    (T2_DECISIONS, re.compile(r"(?:本年)?处理决定(?:数量|件数)?")),
    (T2_FEE_AMOUNT, re.compile(r"(?:本年)?收费金额(?:\((?:单位)?:?万?元\))?")),
    (T2_NEW_MADE, re.compile(r"(?:本年)?新制作(?:数量)?")),
    (T2_NEW_PUBLISHED, re.compile(r"(?:本年)?新公开(?:数量)?")),
    (T2_TOTAL_PUBLISHED, re.compile(r"(?:对外)?公开总(?:数量)?")),
    (T2_LAST_YEAR_ITEMS, re.compile(r"上一?年度?项目(?:数量)?")),
    (T2_CHANGE, re.compile(r"(?:本年)?增[/、]?减(?:数量)?")),
    (T2_PROCUREMENT_ITEMS, re.compile(r"采购项目(?:数量)?")),
    (T2_PROCUREMENT_AMOUNT, re.compile(r"采购总?金额(?:\((?:单位)?:?万?元\))?")),
)
T2_RUN_HEADER = re.compile(r"信息内容(?=[\s|]*(?:本年|上一?年|对外|采购|现行|处理决定|收费金额))")
T2_RUN_ITEM = re.compile(r"第二十条第?\(?[一二三四五六七八九十]+\)?项")  # a new block: its own header follows
#: Columns whose cells may carry decimals (amounts) or a sign (增减).
T2_DECIMAL_COLUMNS = frozenset({T2_FEE_AMOUNT, T2_PROCUREMENT_AMOUNT})
T2_SIGNED_COLUMNS = frozenset({T2_CHANGE})

T3_RUN_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (T3_NEW, re.compile(r"(?:一[、.,]?)?本年度?新收到?的?政府信息公开申请")),
    (T3_CARRIED_IN, re.compile(r"(?:二[、.,]?)?上年度?结转的?政府信息公开申请")),
    (T3_DISCLOSED, re.compile(r"(?:\(一\))?予以公开")),
    (T3_PARTLY, re.compile(r"(?:\(二\))?部分公开")),
    (T3_WITHHELD, re.compile(r"(?:\(三\))?不予公开")),
    (T3_WITHHELD_LEAVES[0], re.compile(rf"{_LEAF}属于国家秘密")),
    (T3_WITHHELD_LEAVES[1], re.compile(rf"{_LEAF}其他法律行政")),
    (T3_WITHHELD_LEAVES[2], re.compile(rf"{_LEAF}危及")),
    (T3_WITHHELD_LEAVES[3], re.compile(rf"{_LEAF}保护第三方")),
    (T3_WITHHELD_LEAVES[4], re.compile(rf"{_LEAF}属于三类内部事务")),
    (T3_WITHHELD_LEAVES[5], re.compile(rf"{_LEAF}属于四类过程性")),
    (T3_WITHHELD_LEAVES[6], re.compile(rf"{_LEAF}属于行政执法案卷")),
    (T3_WITHHELD_LEAVES[7], re.compile(rf"{_LEAF}属于行政查询事项")),
    (T3_UNABLE, re.compile(r"(?:\(四\))?无法提供")),
    (T3_UNABLE_LEAVES[0], re.compile(rf"{_LEAF}本机关不掌握")),
    (T3_UNABLE_LEAVES[1], re.compile(rf"{_LEAF}没有现成信息")),
    (T3_UNABLE_LEAVES[2], re.compile(rf"{_LEAF}补正后申请内容")),
    (T3_NOT_PROCESSED, re.compile(r"(?:\(五\))?不予处理")),
    (T3_NOT_PROCESSED_LEAVES[0], re.compile(rf"{_LEAF}信访举报投诉")),
    (T3_NOT_PROCESSED_LEAVES[1], re.compile(rf"{_LEAF}重复申请")),
    (T3_NOT_PROCESSED_LEAVES[2], re.compile(rf"{_LEAF}要求提供公开出版物")),
    (T3_NOT_PROCESSED_LEAVES[3], re.compile(rf"{_LEAF}无正当理由大量反复")),
    (T3_NOT_PROCESSED_LEAVES[4], re.compile(rf"{_LEAF}要求行政机关确认")),
    (T3_OTHER, re.compile(r"(?:\(六\))?其他处理")),
    (T3_OTHER_LEAVES[0], re.compile(rf"{_LEAF}申请人无正当理由逾期")),
    (T3_OTHER_LEAVES[1], re.compile(rf"{_LEAF}申请人逾期未按收费")),
    (T3_OTHER_LEAVES[2], re.compile(r"[1-9][.、,．]其他(?![\u4e00-\u9fff])")),
    (T3_TOTAL, re.compile(r"\(七\)(?:总计|合计)")),
    (T3_CARRIED_OUT, re.compile(r"(?:四[、.,]?)?结转下一?年度?继续办理")),
)
#: Where 表三 begins in running text: its header note, or its first row.
T3_RUN_START = re.compile(r"勾稽关系|本年度?新收到?的?政府信息公开申请")
#: Where 表四 begins in running text: the section heading or the table's own header.
T4_RUN_START = re.compile(
    r"(?:[一二三四五六七八九十]+[、.,]?)?(?:政府信息公开)?行政复议[、和及与]?(?:政府信息公开)?行政诉讼"
)
T4_RUN_HEADER_WORDS = re.compile(
    r"行政复议|行政诉讼|未经复议直接起诉|复议后起诉|结果维持|结果纠正|其他结果|尚未审结|总计|维持|纠正|结果|其他|尚未|审结|合计"
)
#: A heading that ends the tables (section 五 or later, in any numbering).
TABLES_END = re.compile(
    r"(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十]+\))?(?:存在的?主要问题|其他需要报告)"
)

_T2_HEADER_WORDS = re.compile("|".join(f"(?P<c{k}>{p.pattern})" for k, (_, p) in enumerate(T2_RUN_COLUMNS)))


def t2_header_columns(folded: str) -> list[tuple[str, str | None]]:
    """表二 column names, in order, in a header's text however it was cut (``本年新`` / ``公开数量``),
    each with the unit it states: ``信息内容本年收费金额(单位:万元)`` -> ``[("本年收费金额", "万元")]``."""
    text = re.sub(r"[\s|]+", "", folded)
    out: list[tuple[str, str | None]] = []
    for m in _T2_HEADER_WORDS.finditer(text):
        k = int(next(name for name, value in m.groupdict().items() if value is not None)[1:])
        column = T2_RUN_COLUMNS[k][0]
        if not out or out[-1][0] != column:
            out.append((column, unit_in_header(m.group(0))))
    return out
