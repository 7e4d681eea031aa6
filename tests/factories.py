"""Reports written by the tests themselves, modelled on the national template (国办公开办函〔2021〕30号)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.types import Passage
from index.text.searchform import build_search_form


def template_report(
    issuer: str = "示例市示例区人民政府",
    year: int = 2022,
    *,
    new_requests: int = 12,
    phone: str = "0510-12345678",
    fax: str = "0510-12345679",
    info_fee: str = "本年度未收取信息处理费。",
    admin_fee: str = "35.2",
    extra: str = "",
) -> str:
    """A complete simplified-Chinese report with prose, contacts, 表二/表三/表四 as pipe rows."""
    carried = 1
    total = new_requests + carried
    disclosed = total - 3
    return f"""{issuer}{year}年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限为{year}年1月1日至{year}年12月31日。如对本报告有疑问，请与{issuer}办公室联系（地址：示例路{year % 100}号；邮编：214000；电话：{phone}；传真：{fax}；电子邮箱：gk{year}@example.gov.cn）。

一、总体情况
{year}年，{issuer}坚持以公开为常态、不公开为例外，全年主动公开政府信息{300 + year % 10}条，其中政策解读{10 + year % 10}条，召开新闻发布会{year % 10 + 2}场。{extra}
（一）依申请公开情况。全年新收政府信息公开申请{new_requests}件，上年结转{carried}件。

二、主动公开政府信息情况
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
行政规范性文件 | 3 | 1 | 20
信息内容 | 本年处理决定数量
行政许可 | 1200
行政处罚 | 340
行政强制 | 5
信息内容 | 本年收费金额（单位：万元）
行政事业性收费 | {admin_fee}

三、收到和处理政府信息公开申请情况
本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计
一、本年新收政府信息公开申请数量 | {new_requests} | 0 | 0 | 0 | 0 | 0 | {new_requests}
二、上年结转政府信息公开申请数量 | {carried} | 0 | 0 | 0 | 0 | 0 | {carried}
（一）予以公开 | {disclosed} | 0 | 0 | 0 | 0 | 0 | {disclosed}
（七）总计 | {total} | 0 | 0 | 0 | 0 | 0 | {total}
四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0

四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计
1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0

五、存在的主要问题及改进情况
一是政策解读形式较为单一，二是依申请公开答复规范性有待提高。下一步，我们将加强培训，提升公开质量。

六、其他需要报告的事项
{info_fee}

{issuer}
{year + 1}年1月20日
"""


def write_report(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def crawled_page_report(
    issuer: str = "样例市生态环境局",
    year: int = 2023,
    *,
    published: str = "2024-01-26 09:30",
    updated: str = "2024-03-02 16:05",
    phones: str = "0571-87650001、0571-87650002",
    fee_words: str = "本年度未发生收费情况",
) -> str:
    """A report page as a crawler saves it: metadata lines, prose counts, a run-together table row,
    problems as "（一）…（二）…" under a sub-heading, and section 六 that says 无."""
    return f"""{issuer}{year}年政府信息公开工作年度报告
发布日期：{published}　来源：{issuer}　更新时间：{updated}　浏览次数：1024
本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。
一、总体情况
{year}年，我局通过门户网站主动公开政府信息415条，通过“样例环境”微信公众号推送信息236条，“样例环境”微博发布信息118条。全年共受理政府信息公开申请17件，其中予以公开9件，部分公开3件，不予公开2件，无法提供3件；结转下年度继续办理1件。截至{year}年底，累计公开环评审批信息1380条。
二、主动公开政府信息情况
信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件2111
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量1700000017
四、政府信息公开行政复议、行政诉讼情况
全年发生政府信息公开行政复议1件，结果维持；行政诉讼0件。
五、存在的主要问题及改进情况
（一）存在的主要问题
1.主动公开的深度和广度有待拓展；2.政策解读的形式较为单一；3.依申请公开答复的规范性还需加强。
（二）改进情况
下一步，我局将加强业务培训，丰富解读形式。
六、其他需要报告的事项
{fee_words}。其他需要报告的事项：无。
联系电话：{phones}；地址：样例市环城路9号；邮编：310001。
"""


def plain_report(
    issuer: str = "样例县人民政府",
    year: int = 2022,
    *,
    dateline: str | None = None,
    section_five: str = "一是公开内容不够全面，二是网站栏目更新不够及时，三是解读质量有待提高。下一步，我县将持续完善制度。",
    section_six: str = "无。",
    fee_words: str = "全年零收费",
) -> str:
    """An older-style report with a dateline under the title, enumerations ("分别", "、"), no fax,
    problems as "一是…二是…", and a section 六 that may say 无."""
    dateline = dateline or f"{year + 1}年2月15日"
    return f"""{issuer}{year}年政府信息公开工作年度报告
{dateline}
本报告根据《中华人民共和国政府信息公开条例》要求编制。如对本报告有疑问，请联系{issuer}办公室（电话：0797-5551234，电子邮箱：gk@example.gov.cn）。本报告电子版可在{issuer}门户网站（www.example.gov.cn）下载。
一、总体情况
{year}年，全县主动公开政府信息2150条，其中政策解读46条、人事任免19条、财政预决算33条。“样例发布”微信和微博分别发布信息903条、1207条。全年召开新闻发布会5场，开展在线访谈两次。全年共收到政府信息公开申请26件，办结25件，结转下年度1件。{fee_words}。
二、存在的主要问题及改进情况
{section_five}
三、其他需要报告的事项
{section_six}
"""


# ---------------------------------------------------------------- the template tables, written in every shape
# The figures of 表二/表三/表四 (国办公开办函〔2021〕30号, or the 2019 format) and writers that print them the
# way real copies carry them: pdfplumber rows, HTML tables, Markdown converted from PDF (row labels slipping
# off), crawled text whose cells run together, one cell per line, '|' rows, and headings with no tables.

T3_GROUP_HEADING = "三、本年度办理结果"
T3_GROUPS_PRINTED = {
    "（三）不予公开": (
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
    ),
    "（四）无法提供": ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"),
    "（五）不予处理": (
        "1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
    ),
    "（六）其他处理": (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ),
}
T3_HEADER_ROWS = (
    ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"),
    ("自然人", "法人或其他组织", "总计"),
    ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
)
MD_T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T4_HEADER_ROWS = (
    ("行政复议", "行政诉讼"),
    ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"),
    ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2,
)


@dataclass(frozen=True)
class T3Row:
    """One printed 表三 row: the group cell (first row of a group only), its label, 7 numbers."""

    group: str
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class T2Block:
    """One 第二十条 item of 表二: its header cells and rows as printed."""

    item: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ReportTables:
    """The figures of one report's tables, as printed."""

    t2: tuple[T2Block, ...]
    t3: tuple[T3Row, ...]
    t4: tuple[int, ...]

    def replace_t3(self, label: str, values: tuple[int, ...]) -> ReportTables:
        """The same tables with one 表三 row's numbers changed (a planted error)."""
        rows = tuple(T3Row(r.group, r.label, values) if r.label == label else r for r in self.t3)
        return ReportTables(self.t2, rows, self.t4)


T2_2021 = (
    T2Block(
        "第二十条第（一）项",
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        (("规章", ("0", "0", "0")), ("行政规范性文件", ("6", "9", "665"))),
    ),
    T2Block("第二十条第（五）项", ("信息内容", "本年处理决定数量"), (("行政许可", ("2293",)),)),
    T2Block("第二十条第（六）项", ("信息内容", "本年处理决定数量"), (("行政处罚", ("1282",)), ("行政强制", ("42",)))),
    T2Block("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"), (("行政事业性收费", ("5949.08",)),)),
)
T2_2019 = (
    T2Block(
        "第二十条第（一）项",
        ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (("规章", ("0", "0", "0")), ("规范性文件", ("8", "8", "89"))),
    ),
    T2Block(
        "第二十条第（五）项",
        ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
        (("行政许可", ("396", "-5", "181")), ("其他对外管理服务事项", ("10", "0", "153"))),
    ),
    T2Block(
        "第二十条第（六）项",
        ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
        (("行政处罚", ("264", "80", "430")), ("行政强制", ("12", "6", "25"))),
    ),
    T2Block("第二十条第（八）项", ("信息内容", "上一年项目数量", "本年增/减"), (("行政事业性收费", ("3", "-1")),)),
    T2Block("第二十条第（九）项", ("信息内容", "采购项目数量", "采购总金额"), (("政府集中采购", ("135", "7539.44")),)),
)

# 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 for each result row (total added below)
_RESULTS_2021 = (
    (27, 0, 0, 2, 0, 1),
    (5, 0, 0, 0, 0, 0),
    *[(0,) * 6, (0,) * 6, (1, 0, 0, 0, 0, 0), (0,) * 6, (1, 0, 0, 0, 0, 0), (0,) * 6, (6, 0, 0, 0, 0, 0)],
    (1, 0, 0, 0, 0, 0),
    (22, 0, 0, 0, 0, 3),
    (3, 0, 0, 0, 0, 0),
    (0,) * 6,
    (2, 0, 0, 0, 0, 0),
    *[(0,) * 6] * 4,
    (1, 0, 0, 0, 0, 0),
    (0,) * 6,
    (1, 0, 0, 0, 0, 0),
)


def _with_total(parts: tuple[int, ...]) -> tuple[int, ...]:
    return (*parts, sum(parts))


def sample_tables(template: int = 2021) -> ReportTables:
    """Consistent figures (every identity holds) in the 2021 or the 2019 format.

    The 2019 表三 has one （六）其他处理 row where the 2021 one has three numbered rows.
    """
    if template not in (2019, 2021):
        raise ValueError(f"template must be 2019 or 2021, not {template}")
    results = list(_RESULTS_2021)
    labels: list[tuple[str, str]] = [
        (T3_GROUP_HEADING, "（一）予以公开"),
        ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ]
    for group, leaves in T3_GROUPS_PRINTED.items():
        if template == 2019 and group == "（六）其他处理":
            labels.append(("", group))
            merged = tuple(sum(col) for col in zip(*results[-3:]))
            results[-3:] = [merged]
            continue
        labels += [(group if k == 0 else "", leaf) for k, leaf in enumerate(leaves)]
    rows = [T3Row(group, label, _with_total(parts)) for (group, label), parts in zip(labels, results)]
    total = tuple(sum(r.values[j] for r in rows) for j in range(7))
    carried_in = (2, 0, 0, 0, 0, 0, 2)
    carried_out = (1, 0, 0, 0, 0, 0, 1)
    new = tuple(total[j] + carried_out[j] - carried_in[j] for j in range(7))
    t3 = (
        T3Row("", "一、本年新收政府信息公开申请数量", new),
        T3Row("", "二、上年结转政府信息公开申请数量", carried_in),
        *rows,
        T3Row("", "（七）总计", total),
        T3Row("", "四、结转下年度继续办理", carried_out),
    )
    t4 = (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)
    return ReportTables(T2_2021 if template == 2021 else T2_2019, t3, t4)


_PROSE_BEFORE = (
    "{issuer}{year}年政府信息公开工作年度报告",
    "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限为{year}年1月1日至{year}年12月31日。"
    "如对本报告有疑问，请与{issuer}办公室联系（电话：0591-12345678）。",
    "一、总体情况",
    "{year}年，{issuer}全年主动公开政府信息1136条，受理政府信息公开申请{new}件，均在法定期限内答复。",
    "二、主动公开政府信息情况",
)
_PROSE_AFTER = (
    "五、存在的主要问题及改进情况",
    "一是政策解读形式较为单一；二是依申请公开答复规范性有待提高。下一步将加强培训。",
    "六、其他需要报告的事项",
    "本年度未收取信息处理费。",
)
T3_HEADING = "三、收到和处理政府信息公开申请情况"
T4_HEADING = "四、政府信息公开行政复议、行政诉讼情况"


def _prose(lines: tuple[str, ...], issuer: str, year: int, tables: ReportTables) -> list[str]:
    return [line.format(issuer=issuer, year=year, new=tables.t3[0].values[6]) for line in lines]


def _t2_rows(tables: ReportTables) -> list[list[str]]:
    out: list[list[str]] = []
    for block in tables.t2:
        out += [[block.item], list(block.header)]
        out += [[label, *cells] for label, cells in block.rows]
    return out


def _t3_rows(tables: ReportTables, *, group_cells: bool) -> list[list[str]]:
    """Header rows, then [group?, label, 7 numbers] per row (pdfplumber keeps a merged group cell in its first row)."""
    out = [list(h) for h in T3_HEADER_ROWS]
    for r in tables.t3:
        numbers = [str(v) for v in r.values]
        out.append([r.group, r.label, *numbers] if group_cells and r.group else [r.label, *numbers])
    return out


def _t4_rows(tables: ReportTables) -> list[list[str]]:
    return [*[list(h) for h in T4_HEADER_ROWS], [str(v) for v in tables.t4]]


def pipe_report(issuer: str, year: int, tables: ReportTables) -> str:
    """Tables as ``cell | cell`` rows, as the PDF, HTML and DOCX loaders write them."""
    lines = _prose(_PROSE_BEFORE, issuer, year, tables)
    lines += [" | ".join(r) for r in _t2_rows(tables)]
    lines += [T3_HEADING, *(" | ".join(r) for r in _t3_rows(tables, group_cells=True))]
    lines += [T4_HEADING, *(" | ".join(r) for r in _t4_rows(tables))]
    return "\n".join([*lines, *_prose(_PROSE_AFTER, issuer, year, tables)]) + "\n"


def lines_report(issuer: str, year: int, tables: ReportTables) -> str:
    """One cell per line with blank lines between (a web page's table flattened by a crawler)."""
    cells = _prose(_PROSE_BEFORE, issuer, year, tables)
    cells += [c for r in _t2_rows(tables) for c in r]
    cells += [T3_HEADING, *(c for r in _t3_rows(tables, group_cells=True) for c in r if c)]
    cells += [T4_HEADING, *(c for r in _t4_rows(tables) for c in r)]
    return "\n\n".join([*cells, *_prose(_PROSE_AFTER, issuer, year, tables)]) + "\n"


def crawled_report(issuer: str, year: int, tables: ReportTables) -> str:
    """A crawler's page text: a metadata header, then the body on one line with every cell run together.

    As crawled copies do, a few cells keep a space after them (``230 000023``); where is fixed by
    the cell's position, so a test can name the runs it writes.
    """
    body = _prose(_PROSE_BEFORE, issuer, year, tables)
    body += ["".join(r) for r in _t2_rows(tables)]
    t3 = _t3_rows(tables, group_cells=True)
    body += [T3_HEADING, *("".join(r) for r in t3[:3])]
    for k, r in enumerate(t3[3:]):
        label = [c for c in r if not c.isdigit()]
        numbers = r[len(label) :]
        spaced = "".join(n + (" " if (k + j) % 9 == 4 else "") for j, n in enumerate(numbers))
        body.append("".join(label) + spaced)
    body += [T4_HEADING, *("".join(r) for r in _t4_rows(tables))]
    body += _prose(_PROSE_AFTER, issuer, year, tables)
    header = [
        f"标题: {issuer}{year}年政府信息公开工作年度报告",
        f"发布时间: {year + 1}-01-20 15:22",
        "==================== 正文 ====================",
    ]
    return "\n".join(header) + "\n" + "".join(body) + "\n"


def markdown_report(issuer: str, year: int, tables: ReportTables, *, slipped: frozenset[int] = frozenset()) -> str:
    """A PDF converted to Markdown: '|' tables with rule lines; the 表三 rows whose positions are in
    ``slipped`` lose their label — it lands on a text line above, the numbers stay a '|' row."""
    lines = _prose(_PROSE_BEFORE, issuer, year, tables)
    for block in tables.t2:
        lines += [block.item, "| " + " | ".join(block.header) + " |", "|" + "---|" * len(block.header)]
        lines += ["| " + " | ".join([label, *cells]) + " |" for label, cells in block.rows]
        lines.append("")
    lines += [T3_HEADING, *("".join(h) for h in T3_HEADER_ROWS), "| 申请人情况 | " + " | ".join(MD_T3_COLUMNS) + " |"]
    lines.append("|" + "---|" * 8)
    for k, r in enumerate(tables.t3):
        numbers = [str(v) for v in r.values]
        if k in slipped:
            lines += ["", r.label, "| " + " | ".join(numbers) + " |", "|" + "---|" * 7]
        else:
            lines.append("| " + " | ".join([r.label, *numbers]) + " |")
    lines += ["", T4_HEADING, "行政复议行政诉讼", "| " + " | ".join(T4_HEADER_ROWS[2]) + " |", "|" + "---|" * 10]
    lines += ["| " + " | ".join(str(v) for v in tables.t4) + " |", ""]
    return "\n".join([*lines, *_prose(_PROSE_AFTER, issuer, year, tables)]) + "\n"


def headings_only_report(issuer: str, year: int) -> str:
    """The section headings of 二、三、四 with no table under them (a copy that lost its tables)."""
    tables = sample_tables()
    lines = [*_prose(_PROSE_BEFORE, issuer, year, tables), T3_HEADING, T4_HEADING]
    return "\n".join([*lines, *_prose(_PROSE_AFTER, issuer, year, tables)]) + "\n"


def _html_cell(text: str, **attrs: int) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<td{extra}><p><span>{text}</span></p></td>"


def html_report(issuer: str, year: int, tables: ReportTables) -> str:
    """A saved government web page: tables with merged cells (row labels spanning columns, group cells
    spanning rows) and Word-style paragraphs inside cells."""
    t2 = "".join(
        "<tr>"
        + "".join(
            _html_cell(c, colspan=4 - len(r) + 1) if i == 0 and len(r) == 1 else _html_cell(c) for i, c in enumerate(r)
        )
        + "</tr>"
        for r in _t2_rows(tables)
    )
    t3_rows = [
        "<tr>" + _html_cell(T3_HEADER_ROWS[0][0], colspan=3, rowspan=3) + _html_cell("申请人情况", colspan=7) + "</tr>"
    ]
    t3_rows.append(
        "<tr>"
        + _html_cell("自然人", rowspan=2)
        + _html_cell("法人或其他组织", colspan=5)
        + _html_cell("总计", rowspan=2)
        + "</tr>"
    )
    t3_rows.append("<tr>" + "".join(_html_cell(c) for c in T3_HEADER_ROWS[2]) + "</tr>")
    spans = {g: len(leaves) for g, leaves in T3_GROUPS_PRINTED.items()}
    results = [r for r in tables.t3 if r.label not in (tables.t3[0].label, tables.t3[1].label, tables.t3[-1].label)]
    for r in tables.t3:
        numbers = "".join(_html_cell(str(v)) for v in r.values)
        if r in results:
            first = _html_cell(T3_GROUP_HEADING, rowspan=len(results)) if r is results[0] else ""
            if r.group in spans:
                label = _html_cell(r.group, rowspan=spans[r.group]) + _html_cell(r.label)
            elif r.label in {leaf for leaves in T3_GROUPS_PRINTED.values() for leaf in leaves}:
                label = _html_cell(r.label)
            else:
                label = _html_cell(r.label, colspan=2)
            t3_rows.append("<tr>" + first + label + numbers + "</tr>")
        else:
            t3_rows.append("<tr>" + _html_cell(r.label, colspan=3) + numbers + "</tr>")
    t4 = "".join("<tr>" + "".join(_html_cell(c) for c in r) + "</tr>" for r in _t4_rows(tables))
    before = _prose(_PROSE_BEFORE, issuer, year, tables)
    after = _prose(_PROSE_AFTER, issuer, year, tables)
    body = (
        f"<h1>{before[0]}</h1>"
        + "".join(f"<p>{p}</p>" for p in before[1:])
        + f"<table border='1'>{t2}</table><p>{T3_HEADING}</p><table border='1'>{''.join(t3_rows)}</table>"
        + f"<p>{T4_HEADING}</p><table border='1'>{t4}</table>"
        + "".join(f"<p>{p}</p>" for p in after)
    )
    return f"<html><head><meta charset='utf-8'><title>{before[0]}</title></head><body><article>{body}</article></body></html>"


def write_pdf_report(path: Path, issuer: str, year: int, tables: ReportTables) -> Path:
    """A PDF with ruled tables (reportlab, CID font: no font file needed), which pdfplumber reads as rows;
    each 表三 group name is one cell spanning its rows, as in the template."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    small = ParagraphStyle("cell", fontName=font, fontSize=6, leading=8)

    def grid(rows: list[list[str]], widths: list[float], spans: list[tuple[int, int, int, int]]) -> Table:
        width = len(widths)
        padded = [[Paragraph(c, small) for c in r] + [""] * (width - len(r)) for r in rows]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), font)]
        style += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
        return Table(padded, colWidths=widths, style=TableStyle(style))

    t2_rows = _t2_rows(tables)
    t2 = grid(t2_rows, [120.0, 90.0, 90.0, 90.0], [(0, i, 3, i) for i, r in enumerate(t2_rows) if len(r) == 1])
    t3_rows: list[list[str]] = [
        [T3_HEADER_ROWS[0][0], "", "申请人情况"],
        ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ]
    t3_rows.append(["", "", "", *T3_HEADER_ROWS[2], ""])
    spans = [(0, 0, 1, 2), (2, 0, 8, 0), (2, 1, 2, 2), (3, 1, 7, 1), (8, 1, 8, 2)]
    group_start: dict[str, int] = {}
    for r in tables.t3:
        row = len(t3_rows)
        numbers = [str(v) for v in r.values]
        if r.group in T3_GROUPS_PRINTED:
            group_start[r.group] = row
            spans.append((0, row, 0, row + len(T3_GROUPS_PRINTED[r.group]) - 1))
            t3_rows.append([r.group, r.label, *numbers])
        elif any(r.label in leaves for leaves in T3_GROUPS_PRINTED.values()):
            t3_rows.append(["", r.label, *numbers])
        else:
            spans.append((0, row, 1, row))
            t3_rows.append([r.label, "", *numbers])
    t3 = grid(t3_rows, [60.0, 110.0, *[40.0] * 7], spans)
    words = list(T4_HEADER_ROWS[2][:5])
    t4_rows = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*words, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        [*[""] * 5, *T4_HEADER_ROWS[2]],
        [str(v) for v in tables.t4],
    ]
    t4_spans = [(0, 0, 4, 0), (5, 0, 14, 0), (5, 1, 9, 1), (10, 1, 14, 1), *[(c, 1, c, 2) for c in range(5)]]
    t4 = grid(t4_rows, [34.0] * 15, t4_spans)
    before = _prose(_PROSE_BEFORE, issuer, year, tables)
    after = _prose(_PROSE_AFTER, issuer, year, tables)
    story = [
        *(Paragraph(p, body) for p in before),
        t2,
        Paragraph(T3_HEADING, body),
        t3,
        Paragraph(T4_HEADING, body),
        t4,
    ]
    story += [Paragraph(p, body) for p in after]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=30, rightMargin=30).build(story)
    return path


#: A CJK TrueType font installed with Debian's fonts-wqy-zenhei (``make browser`` installs it).
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def write_text_pdf(path: Path, text: str) -> Path:
    """``text`` typeset as a PDF with a text layer: lines as paragraphs, runs of ``a | b`` rows of the same
    width as ruled tables (wrapped cells), in the embedded WenQuanYi Zen Hei font (so any renderer shows it)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if not CJK_FONT_FILE.is_file():
        raise FileNotFoundError(
            f"{CJK_FONT_FILE} is missing: install the Debian package fonts-wqy-zenhei (make browser)"
        )
    font = "WQYZenHei"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(font, str(CJK_FONT_FILE), subfontIndex=0))
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    usable = A4[0] - 60

    def table(rows: list[list[str]]) -> Table:
        columns = len(rows[0])
        first = min(usable * 0.4, 150.0) if columns > 2 else usable / 2
        widths = [first] + [(usable - first) / (columns - 1)] * (columns - 1)
        if columns > 9:
            widths = [usable / columns] * columns
        style = TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
        return Table([[Paragraph(c, cell) for c in r] for r in rows], colWidths=widths, style=style)

    story: list[Flowable] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        cells = [c.strip() for c in line.split(" | ")] if " | " in line else []
        if rows and len(cells) != len(rows[0]):
            story += [table(rows), Spacer(1, 6)]
            rows = []
        if cells:
            rows.append(cells)
        elif line.strip():
            story.append(Paragraph(line.strip(), body))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=30, rightMargin=30, topMargin=40, bottomMargin=40).build(story)
    return path


def rasterise_pdf(source: Path, target: Path, *, dpi: int = 200) -> Path:
    """``source``'s pages as images in a new PDF with no text layer, as a scanner makes it (grey, JPEG)."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(source))
    try:
        images: list[Image.Image] = [
            document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(document))
        ]
    finally:
        document.close()
    images[0].save(target, "PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=85)
    return target


def write_scanned_report(path: Path, text: str, *, dpi: int = 200) -> Path:
    """``text`` as a scanned PDF: typeset (:func:`write_text_pdf`), then rasterised (:func:`rasterise_pdf`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    typeset = path.with_name(path.stem + ".typeset.pdf")
    write_text_pdf(typeset, text)
    try:
        return rasterise_pdf(typeset, path, dpi=dpi)
    finally:
        typeset.unlink()


def self_referring_report(
    place: str, year: int = 2023, *, self_word: str = "我局", phone: str = "0511-87654321"
) -> str:
    """A report that never names its body: the title has no issuer, the text says only ``我局`` and
    mentions its place (``place``) in passing — the way many department pages are published."""
    marker = "待定单位"
    text = template_report(
        issuer=marker,
        year=year,
        phone=phone,
        extra=f"{self_word}依托{place}人民政府门户网站公开政府信息。",
    )
    text = text.replace(f"{marker}{year}年政府信息公开工作年度报告", f"{year}年政府信息公开工作年度报告")
    text = text.replace(f"请与{marker}办公室联系", f"请与{self_word}办公室联系")
    text = text.replace(f"\n{marker}\n", "\n")
    return text.replace(marker, self_word)


SEED_REPORT = Path(__file__).parent / "data" / "changzhou-jgsw-2021.txt"


def seed_passage(text: str, quote: str, n: int = 0) -> Passage:
    """The passage of the seed report that is exactly ``quote`` (the chunk id ``c{n}``)."""
    start = text.index(quote)
    end = start + len(quote)
    return Passage(
        chunk_id=f"c{n}",
        report_id="changzhou-jgsw-2021",
        source=SEED_REPORT.name,
        issuer="常州市机关事务管理局",
        year=2021,
        section="preamble",
        start=start,
        end=end,
        text=text[start:end],
        search_text=build_search_form(text[start:end]).text,
    )
