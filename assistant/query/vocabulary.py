"""The genre's vocabulary as data: template concepts and their synonyms, kind cues, units, words that never count.

Everything here is a table; the code that reads questions (:mod:`assistant.query`) and ranks
values (:mod:`assistant.answer.rank`) holds no word lists of its own. Patterns are written for
the *search form* (simplified, NFKC: ``（`` is ``(``).

* :data:`CONCEPTS` — terms of the national template (国办公开办函〔2021〕30号) and of the prose
  around it, each with the ways questions and reports write it. A concept may name a template
  slot: a 表三/表四/表二 row (``rows``: alternatives, each a set of rows whose cells are summed)
  or column (``columns``). Concepts of one ``family`` exclude each other: a value labelled
  不予公开 never answers a question about 予以公开.
* :data:`KIND_CUES` — words that say which kind of value is asked for.
* :data:`UNITS`, :data:`UNIT_GROUPS` — the units values carry and which of them answer one another.
* :data:`QUESTION_WORDS`, :data:`GENERIC_WORDS` — words that are never content, or count little.
* :data:`DATING_BEFORE`, :data:`DATING_AFTER` — words around a year that make it date an event
  (结转到2023年, 2022年底) rather than name the report asked about (:func:`asked_years`).

One module because it is data: tables the query and answer code read, kept together so the
vocabulary is edited in one place.

>>> CONCEPT_BY_KEY["上年结转"].rows
(('二、上年结转政府信息公开申请数量',),)
>>> unit_fit("件", "份"), unit_fit("条", "件")
(1.0, 0.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.types import AnswerKind
from index.tables.labels import (
    T2_CHANGE,
    T2_DECISIONS,
    T2_ENFORCEMENT,
    T2_FEE_AMOUNT,
    T2_FEES,
    T2_IN_FORCE,
    T2_ISSUED,
    T2_LAST_YEAR_ITEMS,
    T2_LICENSING,
    T2_NEW_MADE,
    T2_NORMATIVE,
    T2_PENALTY,
    T2_PROCUREMENT,
    T2_REPEALED,
    T2_RULES,
    T3_BUSINESS,
    T3_CARRIED_IN,
    T3_CARRIED_OUT,
    T3_DISCLOSED,
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
    TableName,
)

K = AnswerKind

Rows = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Concept:
    """One term of the genre: how it is written, what it excludes, which template slot it names."""

    key: str  # canonical name, also the words an answer uses for it
    forms: str  # regex alternatives, as questions and reports write it
    family: str = ""  # concepts of one family exclude each other
    table: TableName | None = None
    rows: Rows = ()  # alternatives: rows summed, the first one fully present wins
    columns: Rows = ()
    label: str = ""  # the answer's words for a template slot (defaults to key)
    needs: str = ""  # the slot is only meant when the question also says this (regex), e.g. 申请
    unit: str = UNIT_COUNT
    broad: bool = False  # names the whole flow ("申请数", "办理结果"): a narrower row named beside it wins

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.forms)

    @property
    def words(self) -> str:
        return self.label or self.key


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(forms: str) -> re.Pattern[str]:
    if forms not in _PATTERNS:
        _PATTERNS[forms] = re.compile(forms)
    return _PATTERNS[forms]


T3, T4, T2 = TABLE_THREE, TABLE_FOUR, TABLE_TWO
APPLICATION = r"申请"  # 表三 is about 政府信息公开申请

CONCEPTS: tuple[Concept, ...] = (
    # ---- 表三 rows: the flow of applications
    Concept(
        "上年结转",
        r"上一?年度?(?:结转|转结|转入)|结转上一?年度?|上年度?遗留",
        "t3row",
        T3,
        ((T3_CARRIED_IN,),),
        label="上年结转政府信息公开申请",
    ),
    Concept(
        "结转下年度",
        r"结转(?:到|至)?下一?年度?(?:继续)?(?:办理)?|转结(?:到|至)?下一?年度?|下一?年度?(?:继续)?办理|顺延|结转(?!上)|"
        r"正在办理|尚未办结|未办结|没办完|未办完|办理中|拖到|拖至|才办",
        "t3row",
        T3,
        ((T3_CARRIED_OUT,),),
        label="结转下年度继续办理的申请",
    ),
    Concept(
        "新收",
        r"新收|收到|受理|接收|接到|新增申请|申请(?:数量|总数|件数|数|量)",
        "t3row",
        T3,
        ((T3_NEW,),),
        label="本年新收政府信息公开申请",
        needs=APPLICATION,
        broad=True,
    ),
    Concept(
        "办结",
        r"办结|办理完毕|办理结果|已办理|答复|办理(?!.{0,4}(?:事项|服务))",
        "t3row",
        T3,
        ((T3_TOTAL,),),
        label="办理结果总计",
        needs=APPLICATION,
        broad=True,
    ),
    # ---- 表三 rows: results
    Concept("予以公开", r"(?<!不)予以公开|全部公开|同意公开", "t3row", T3, ((T3_DISCLOSED,),)),
    Concept("部分公开", r"部分公开", "t3row", T3, ((T3_PARTLY,),)),
    Concept("不予公开", r"不予公开|不公开(?!为例外)", "t3row", T3, ((T3_WITHHELD,), T3_WITHHELD_LEAVES)),
    Concept("无法提供", r"无法提供", "t3row", T3, ((T3_UNABLE,), T3_UNABLE_LEAVES)),
    Concept("不予处理", r"不予处理", "t3row", T3, ((T3_NOT_PROCESSED,), T3_NOT_PROCESSED_LEAVES)),
    Concept("其他处理", r"其他处理", "t3row", T3, ((T3_OTHER,), T3_OTHER_LEAVES)),
    Concept("属于国家秘密", r"国家秘密", "t3row", T3, ((T3_WITHHELD_LEAVES[0],),), label="不予公开（属于国家秘密）"),
    Concept(
        "其他法律行政法规禁止公开",
        r"法律行政法规禁止|法律法规禁止",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[1],),),
        label="不予公开（其他法律行政法规禁止公开）",
    ),
    Concept(
        "危及三安全一稳定",
        r"三安全一稳定",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[2],),),
        label="不予公开（危及“三安全一稳定”）",
    ),
    Concept(
        "保护第三方合法权益",
        r"第三方合法权益|第三方",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[3],),),
        label="不予公开（保护第三方合法权益）",
    ),
    Concept(
        "属于三类内部事务信息",
        r"内部事务",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[4],),),
        label="不予公开（属于三类内部事务信息）",
    ),
    Concept(
        "属于四类过程性信息",
        r"过程性",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[5],),),
        label="不予公开（属于四类过程性信息）",
    ),
    Concept(
        "属于行政执法案卷",
        r"行政执法案卷|执法案卷",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[6],),),
        label="不予公开（属于行政执法案卷）",
    ),
    Concept(
        "属于行政查询事项",
        r"行政查询事项|查询事项",
        "t3row",
        T3,
        ((T3_WITHHELD_LEAVES[7],),),
        label="不予公开（属于行政查询事项）",
    ),
    Concept(
        "本机关不掌握相关政府信息",
        r"不掌握",
        "t3row",
        T3,
        ((T3_UNABLE_LEAVES[0],),),
        label="无法提供（本机关不掌握相关政府信息）",
    ),
    Concept(
        "没有现成信息需要另行制作",
        r"没有现成信息|另行制作",
        "t3row",
        T3,
        ((T3_UNABLE_LEAVES[1],),),
        label="无法提供（没有现成信息需要另行制作）",
    ),
    Concept(
        "补正后申请内容仍不明确",
        r"补正后",
        "t3row",
        T3,
        ((T3_UNABLE_LEAVES[2],),),
        label="无法提供（补正后申请内容仍不明确）",
    ),
    Concept(
        "信访举报投诉类申请",
        r"信访|举报投诉",
        "t3row",
        T3,
        ((T3_NOT_PROCESSED_LEAVES[0],),),
        label="不予处理（信访举报投诉类申请）",
    ),
    Concept("重复申请", r"重复申请", "t3row", T3, ((T3_NOT_PROCESSED_LEAVES[1],),), label="不予处理（重复申请）"),
    Concept(
        "要求提供公开出版物",
        r"公开出版物",
        "t3row",
        T3,
        ((T3_NOT_PROCESSED_LEAVES[2],),),
        label="不予处理（要求提供公开出版物）",
    ),
    Concept(
        "无正当理由大量反复申请",
        r"大量反复",
        "t3row",
        T3,
        ((T3_NOT_PROCESSED_LEAVES[3],),),
        label="不予处理（无正当理由大量反复申请）",
    ),
    Concept(
        "要求行政机关确认或重新出具已获取信息",
        r"确认或重新出具|重新出具",
        "t3row",
        T3,
        ((T3_NOT_PROCESSED_LEAVES[4],),),
        label="不予处理（要求行政机关确认或重新出具已获取信息）",
    ),
    Concept(
        "申请人无正当理由逾期不补正",
        r"逾期不补正",
        "t3row",
        T3,
        ((T3_OTHER_LEAVES[0],),),
        label="其他处理（申请人无正当理由逾期不补正）",
    ),
    Concept(
        "申请人逾期未按收费通知要求缴纳费用",
        r"缴纳费用|收费通知",
        "t3row",
        T3,
        ((T3_OTHER_LEAVES[1],),),
        label="其他处理（申请人逾期未按收费通知要求缴纳费用）",
    ),
    # ---- 表三 columns: who applied
    Concept("自然人", r"自然人|个人|公民|群众", "applicant", T3, columns=((T3_NATURAL,),)),
    Concept(
        "法人或其他组织",
        r"法人|其他组织|单位申请|组织申请",
        "applicant",
        T3,
        columns=((T3_LEGAL_PERSONS,), T3_ORG_COLUMNS),
    ),
    Concept("商业企业", r"商业企业|企业", "applicant", T3, columns=((T3_BUSINESS,),)),
    Concept("科研机构", r"科研机构", "applicant", T3, columns=((T3_RESEARCH,),)),
    Concept("社会公益组织", r"社会公益组织|公益组织", "applicant", T3, columns=((T3_PUBLIC_WELFARE,),)),
    Concept("法律服务机构", r"法律服务机构|律师", "applicant", T3, columns=((T3_LEGAL_SERVICE,),)),
    # ---- 表四: 行政复议 and 行政诉讼, and their results
    Concept(
        "行政诉讼（未经复议直接起诉）",
        r"未经复议|直接起诉",
        "redress",
        T4,
        ((T4_SUIT_DIRECT,),),
        label="政府信息公开行政诉讼（未经复议直接起诉）",
    ),
    Concept(
        "行政诉讼（复议后起诉）",
        r"复议后起诉|经复议后?起诉",
        "redress",
        T4,
        ((T4_SUIT_AFTER_REVIEW,),),
        label="政府信息公开行政诉讼（复议后起诉）",
    ),
    Concept(
        "行政诉讼",
        r"行政诉讼|诉讼|起诉|应诉",
        "redress",
        T4,
        ((T4_SUIT_DIRECT, T4_SUIT_AFTER_REVIEW),),
        label="政府信息公开行政诉讼",
    ),
    Concept("行政复议", r"行政复议|复议", "redress", T4, ((T4_REVIEW,),), label="政府信息公开行政复议"),
    Concept("结果维持", r"维持", "outcome", T4, columns=((T4_UPHELD,),)),
    Concept("结果纠正", r"纠正|撤销|败诉", "outcome", T4, columns=((T4_CORRECTED,),)),
    Concept("其他结果", r"其他结果", "outcome", T4, columns=((T4_OTHER,),)),
    Concept("尚未审结", r"尚未审结|未审结|未结案|审理中", "outcome", T4, columns=((T4_PENDING,),)),
    # ---- 表二: 第二十条 items
    Concept("规章", r"规章", "document", T2, ((T2_RULES,),)),
    Concept("行政规范性文件", r"规范性文件|规范性档案", "document", T2, ((T2_NORMATIVE,),)),
    Concept("行政许可", r"行政许可", "decision", T2, ((T2_LICENSING,),)),
    Concept("行政处罚", r"行政处罚", "decision", T2, ((T2_PENALTY,),)),
    Concept("行政强制", r"行政强制", "decision", T2, ((T2_ENFORCEMENT,),)),
    Concept(
        "行政事业性收费",
        r"行政事业性收费|事业性收费",
        "fee",
        T2,
        ((T2_FEES,),),
        label="行政事业性收费金额",
        unit=UNIT_TEN_THOUSAND_YUAN,
    ),
    Concept("政府集中采购", r"集中采购|政府采购", "decision", T2, ((T2_PROCUREMENT,),)),
    Concept("本年制发", r"制发|印发|制定|出台|新制作", "doc_change", T2, columns=((T2_ISSUED,), (T2_NEW_MADE,))),
    Concept("本年废止", r"废止|清理|失效", "doc_change", T2, columns=((T2_REPEALED,),)),
    Concept("现行有效", r"现行有效|有效", "doc_change", T2, columns=((T2_IN_FORCE,),)),
    Concept("本年增/减", r"增减|增/减|增加|减少|变化|变动", "doc_change", T2, columns=((T2_CHANGE,),)),
    Concept(
        "上一年项目数量",
        r"上一?年(?:度)?项目数量|上一?年(?:度)?项目",
        "doc_change",
        T2,
        columns=((T2_LAST_YEAR_ITEMS,),),
    ),
    Concept("处理决定", r"处理决定|(?<=处罚|许可|强制)决定", "", T2, columns=((T2_DECISIONS,),)),
    Concept("收费金额", r"收费金额|金额", "", T2, columns=((T2_FEE_AMOUNT,),), unit=UNIT_TEN_THOUSAND_YUAN),
    # ---- prose concepts (no template slot): they widen matches and keep channels apart
    Concept("信息处理费", r"信息处理费|处理费", "fee"),
    Concept("主动公开", r"主动公开|主动发布", "mode"),
    Concept("依申请公开", r"依申请|申请公开", "mode"),
    Concept("门户网站", r"门户网站|政府网站|官网|官方网站|网站", "channel"),
    Concept("微信", r"微信|公众号", "channel"),
    Concept("微博", r"微博", "channel"),
    Concept("客户端", r"客户端|app|APP|App", "channel"),
    Concept("新闻发布会", r"新闻发布会|发布会|新闻发布活动", "channel"),
    Concept("政策解读", r"政策解读|解读", ""),
    Concept("领域", r"方面|领域|类别|类型|范围", ""),
    Concept("增加", r"新增|增加|增设|新添|扩大", ""),
    Concept("编制", r"编制|编写|编撰|撰写|起草|制作|编的|编写的", ""),
    Concept("发布", r"发布|公开|推送|推文|发送|更新|刊发|刊登|公布", ""),
)

CONCEPT_BY_KEY: dict[str, Concept] = {c.key: c for c in CONCEPTS}

# Concepts whose slot is the same table: a row concept of 表三 and a column concept of 表三 make one cell.
TABLE_DEFAULT_COLUMNS: dict[TableName, Rows] = {
    TABLE_THREE: (("总计",),),
    TABLE_FOUR: ((T4_TOTAL,),),
}
# 表二 rows whose one column is implied; the others (规章, 规范性文件) need a column concept.
T2_IMPLIED_COLUMNS: dict[str, Rows] = {
    T2_LICENSING: ((T2_DECISIONS,),),
    T2_PENALTY: ((T2_DECISIONS,),),
    T2_ENFORCEMENT: ((T2_DECISIONS,),),
    T2_PROCUREMENT: (),
    T2_FEES: ((T2_FEE_AMOUNT,),),
}
# 表二 处理决定 rows count decisions (件); "公开了多少条行政处罚信息" asks about published items (prose).
T2_PROSE_WORDS = re.compile(r"信息|公示|条")

# ---------------------------------------------------------------- kinds of value

#: Cue words per kind, most specific first (search form).
KIND_CUES: tuple[tuple[AnswerKind, str], ...] = (
    (K.FAX, r"传真"),
    (
        K.CONTACT_ORG,
        r"(?:找|联系|咨询|询问|问|请教)(?:哪个|哪一?个|哪些|什么)(?:部门|单位|机构|科室|处室|办公室)|"
        r"哪个(?:部门|单位|机构|科室)(?:负责|受理|联系)|受理机构是|联系(?:单位|部门)是|该找谁|找谁|"
        r"(?:由|是)?(?:哪个|哪一?个|什么)(?:部门|单位|机构|科室)(?:负责)?[\u4e00-\u9fff]{0,3}?"
        r"(?:编制|编写|编的|制作|撰写|起草|发布)|联系人|负责人",
    ),
    (K.EMAIL, r"邮箱|电子邮件|电邮|e-?mail|email"),
    (K.POSTCODE, r"邮编|邮政编码"),
    (K.PHONE, r"电话|热线|拨打|联系方式|号码|致电|打什么"),
    (
        K.WEBSITE,
        r"网址|哪个网站|什么网站|哪个网|电子版|下载|全文|链接|在哪.{0,4}(?:查|看|阅|找到|公开|获取)|网站地址|域名",
    ),
    (
        K.ADDRESS,
        r"(?<!邮箱)(?<!邮件)(?<!网站)(?<!网页)地址|在哪里|在哪儿|位于|去哪|办公地点|地点在|什么地方|哪个地方|哪里办公|在哪办公",
    ),
    (
        K.PERIOD,
        r"统计期限|统计时限|统计期间|统计周期|统计区间|时间段|时间范围|哪段时间|起止|统计.{0,4}(?:时间|日期|期)",
    ),
    (K.PERIOD_END, r"截至(?:到)?(?:什么|哪|何)|截止(?:到)?(?:什么|哪|何)|截止日期|截至日期"),
    (
        K.DATE,
        r"哪天|哪一天|什么时候|何时|日期|发布时间|印发|发布于|哪年哪月|几月几日|几号|成文|落款|什么时间|哪个时间",
    ),
    (K.ADMIN_FEE, r"行政事业性收费|事业性收费"),
    (K.FEE, r"信息处理费|处理费|收费|费用|收取.{0,4}费|收钱|花钱|要钱|交钱|给钱|掏钱|免费|缴费|交费|付费|收了?多少钱"),
    (
        K.PROBLEM,
        r"(?:存在|有)(?:哪些|什么|的|那些)?(?:主要)?(?:问题|不足|短板|差距)|(?:问题|不足|短板|差距)(?:是什么|有哪些|有什么|在哪)|"
        r"(?:哪些|什么|主要)(?:问题|不足|短板|差距)|不足之处|薄弱环节|弱项|做得不好|不够好",
    ),
    (K.OTHER_SECTION, r"其他需要报告|其他事项|需要说明|其他需要"),
    (
        K.COUNT,
        r"多少|几[件条次个项场篇名人份期部家批]|几|数量|总量|总数|有没有|有无|是否|了吗|过.{0,12}吗|吗[?？]?$|访问量|答复率|比例|占比|第几|排名|名次|件数|条数|数的变化|的变化|增减|增长了?多少|减少了?多少",
    ),
)
#: A count with its unit outranks contact words ("12345热线办件有多少件").
COUNT_WITH_UNIT = (
    r"(?<!哪)(?:多少|几)\s*(万元|亿元|万人次|人次|家次|件|条|次|个|项|场|篇|名|份|期|家|批|部|位|人|天|轮|元)"
)
YES_NO = r"有没有|有无|是否|了吗|吗[?？]?$|没有吗"
#: The question asks which regulations, documents or notices (《titles》): a free-text answer, not a count.
TITLE_QUESTION = (
    r"(?:哪些|哪几|哪两|哪三|哪个|哪份|什么)(?:个|份|部|项)?[\u4e00-\u9fff]{0,6}"
    r"(?:规定|制度|办法|文件|通知|条例|规范|细则|意见|方案|规划|标准)"
)
#: The question asks for a rate (a percentage value).
RATE = r"率|比例|占比|百分"
#: The question asks "from which report / across which bodies" — every body's value.
EVERY_BODY = r"哪些单位|哪些部门|哪些机关|哪几个单位|哪个单位|各单位|各部门|所有单位"
#: The question asks how a value changed between years.
CHANGE = r"变化|增减|增长|减少|下降|上升|对比|比较|趋势|变动"
#: "予以公开和部分公开各多少件": the words that hand one value to each coordinated item.
DISTRIBUTIVE = r"分别|各自|各为|各是|各有|各(?=[\u4e00-\u9fff]{0,4}(?:多少|几))"
#: Coordinating words between items of a list.
COORDINATION = r"和|与|及|以及|、|或|跟"

# ---------------------------------------------------------------- units

#: Units a value is written with, longest first (search form).
UNITS: tuple[str, ...] = tuple(
    sorted(
        (
            "件 条 次 场 个 项 篇 期 份 人次 万人次 名 人 位 家 批 部 件次 轮 家次 元 万元 亿元 % 个百分点 "
            "天 个工作日 工作日 小时 分钟 余件 余条 余次 余篇 余项 余个 万条 万件 万次 亿次 个月 部分 个部分"
        ).split(),
        key=len,
        reverse=True,
    )
)
#: Units that answer one another (a question's "多少件" is answered by "8份").
UNIT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"件", "份", "件次"}),
    frozenset({"条"}),
    frozenset({"篇"}),
    frozenset({"次", "场", "轮"}),
    frozenset({"期"}),
    frozenset({"个", "家", "项"}),
    frozenset({"人次", "万人次"}),
    frozenset({"人", "名", "位"}),
    frozenset({"元"}),
    frozenset({"万元", "亿元"}),
    frozenset({"%", "个百分点"}),
    frozenset({"天", "个工作日", "工作日"}),
    frozenset({"部", "批"}),
    frozenset({"部分", "个部分"}),
)
#: Pairs of groups close enough that a value in one may answer, at a cost ("多少条" / "3446篇").
NEAR_UNITS: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"条", "篇"}),
        frozenset({"次", "期"}),
        frozenset({"条", "期"}),
        frozenset({"元", "万元"}),
    }
)
#: Units of money (amount values), and of counts.
MONEY_UNITS = frozenset({"元", "万元", "亿元"})


def base_unit(unit: str) -> str:
    """``余条`` / ``万条`` -> ``条``; ``万元`` stays (it is a unit of its own)."""
    if unit in ("万元", "亿元", "万人次"):
        return unit
    return re.sub(r"^(?:余|万|亿)", "", unit) or unit


#: Measure words a question may use for any count: "多少个处罚决定" is answered by "4119件".
GENERIC_COUNTERS: dict[str, frozenset[str]] = {
    "个": frozenset({"件", "项", "条", "家", "次", "份"}),
    "次": frozenset({"件", "场"}),
    "篇": frozenset({"个", "件"}),  # 政策解读 "多少篇" as a report counts them: 21个
    "条": frozenset({"个"}),
}


def unit_fit(wanted: str | None, unit: str | None) -> float:
    """1 when ``unit`` answers a question asking ``wanted``, 0.5 when near, 0 when not (None: no demand)."""
    if not wanted or not unit:
        return 1.0
    a, b = base_unit(wanted), base_unit(unit)
    if a == b:
        return 1.0
    if b in GENERIC_COUNTERS.get(a, ()):
        return 0.5
    for group in UNIT_GROUPS:
        if a in group and b in group:
            return 1.0
    ga = next((g for g in UNIT_GROUPS if a in g), frozenset({a}))
    gb = next((g for g in UNIT_GROUPS if b in g), frozenset({b}))
    if any(frozenset({x, y}) in NEAR_UNITS for x in ga for y in gb):
        return 0.5
    return 0.0


# ---------------------------------------------------------------- words that are not content

#: Question words and fillers, removed from a question before its content words are read.
QUESTION_WORDS: tuple[str, ...] = tuple(
    sorted(
        (
            "多少 几 是多少 有多少 是什么 什么 哪些 哪个 哪份 哪一 哪里 哪儿 哪 了吗 吗 呢 吧 啊 请问 一下 "
            "是否 有没有 有无 怎么样 怎样 如何 为多少 为 是 有 了 的 共 一共 总共 共计 合计 累计 总计 分别 各 "
            "其中 请 告诉 我 想知道 知道 查询 按 按照 根据 依据 据 对 在 从 中 里 上 全年 全部 所有 "
            "具体 情况 一年 当年 该年 本年 本年度 年度 年 度 全 主要 哪个 哪些 哪几个 哪几 几个 哪两个 哪两 哪三个 "
            "分成 分为 组成 包括 包含 构成 叫什么 名字 名称 什么时候 什么时间 何时 哪天 哪一天 几月几日 几号 "
            "怎么说 怎么 说"
        ).split(),
        key=len,
        reverse=True,
    )
)
#: Spoken question words and the written ones the cues are stated in ("存在啥问题" asks 什么问题).
COLLOQUIAL: dict[str, str] = {
    "啥时候": "什么时候",
    "啥时": "什么时候",
    "几时": "什么时候",
    "多会儿": "什么时候",
    "为啥": "为什么",
    "干啥": "做什么",
    "啥": "什么",
    "哪儿": "哪里",
    "咋样": "怎么样",
    "咋": "怎么",
    "多大": "多少",
}


def written_form(text: str) -> str:
    """``text`` with spoken question words in their written form (:data:`COLLOQUIAL`)."""
    return COLLOQUIAL_WORDS.sub(lambda m: COLLOQUIAL[m.group(0)], text)


COLLOQUIAL_WORDS = re.compile("|".join(sorted(map(re.escape, COLLOQUIAL), key=len, reverse=True)))

#: Phrases that name the report itself, not what is asked ("按2022年政府信息公开年报，…").
REPORT_WORDS = (
    r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)|信息公开(?:工作)?(?:年度)?(?:报告|年报)|政务公开(?:工作)?(?:年度)?(?:报告|年报)"
    r"|年度报告|工作报告|年报|这份报告|本报告|该报告|报告中|报告里|报告"
)
#: Character pairs so common in the genre that they count little as content (n-gram weights).
GENERIC_WORDS: frozenset[str] = frozenset(
    (
        "信息 公开 政府 工作 情况 年度 全年 本年 报告 相关 有关 进行 开展 通过 其中 共计 累计 合计 总计 "
        "政务 单位 部门 机关 全市 全区 全县 我市 我区 我县 我局 我办 本局 本机关 数量 办公 公室 府信 息公 "
        "共有 一共 共收 共发 共办 各类 各项 方面 进一 一步 推进 加强 做好 依法 发布 公布"
    ).split()
)
#: The weight of a generic character pair (others weigh 1).
GENERIC_WEIGHT = 0.15

# ---------------------------------------------------------------- contacts and dates

#: Label words of each contact kind in report text (a value is of the kind its label says).
CONTACT_LABELS: dict[AnswerKind, str] = {
    K.PHONE: r"电话|热线|联系方式|tel|咨询|服务号码|号码",
    K.FAX: r"传真|fax",
    K.EMAIL: r"邮箱|电子邮件|e-?mail|电邮",
    K.POSTCODE: r"邮编|邮政编码",
    K.ADDRESS: r"地址|地点|位于|通讯处|通信处",
    K.WEBSITE: r"网站|网址|门户|平台|网页|电子版|下载|查阅|浏览|登录|访问|公开|发布",
}
#: A body's name ending in an organ word (办公室, 办公厅, 局 …).
ORG_NAME = (
    r"[\u4e00-\u9fff()（）]{2,30}?(?:办公厅|办公室|委员会|领导小组办公室|管理局|局|厅|部|委|办|中心|处|科|室|院|政府)"
)
COMPILE = r"(?:编制|编写|编撰|撰写|起草)"
#: The body that compiled the report: "由X编制", "由X综合…编制而成", "X根据…编制" (tried in this order).
AUTHOR_ORG: tuple[str, ...] = (
    rf"(?:由|经)\s*({ORG_NAME})\s*(?:负责|牵头)?\s*{COMPILE}",
    rf"(?:由|经)\s*({ORG_NAME})\s*(?:负责|牵头)?\s*(?:综合|汇总|根据|结合|依据)[^。;；\n]{{0,150}}?{COMPILE}",
    rf"(?:^|[。;；,，\n])\s*(?:本(?:年度)?报告(?:是|系)?)?\s*({ORG_NAME})\s*(?:根据|结合|依据|综合|汇总)[^。;；\n]{{0,150}}?{COMPILE}",
)
#: A contact person: "联系人：白荣玮".
CONTACT_PERSON = r"(?:联系人|负责人|经办人)\s*[:：为是]?\s*([\u4e00-\u9fff]{2,4})(?=[,，;；。\s(（、]|联系|电话|$)"
#: The office a report tells readers to turn to: "如对本报告有疑问，请与X联系".
CONTACT_ORG = (
    r"(?:请与|请联系|可联系|可与|可向|请向|请致函|请致电|联系单位|受理机构|咨询单位)\s*[:：]?\s*"
    r"([\u4e00-\u9fff()（）]{4,40}?)(?=联系|咨询|反映|[(（,，。;；\n]|$)"
)
#: Labels of the dates a page or report carries, and how strongly each says "published on".
DATE_LABELS: tuple[tuple[str, str], ...] = (
    ("publish", r"发布日期|发布时间|发文日期|成文日期|印发日期|公开日期|公布日期|发稿时间|发表时间|签发日期"),
    ("update", r"更新日期|更新时间|生成日期|生成时间|修改日期|修改时间|访问日期|打印日期|浏览日期|录入时间"),
    ("generic", r"日期|时间"),
)
#: The question wants the date of publication (rather than another date the report names).
PUBLISH_CUES = r"发布|印发|公布|出台|成文|落款|发表|印制|签发|上网|挂网|哪天发|时候发|时间发|几号发|日期"
#: A sentence that introduces the improvement measures of section 五, ending its list of problems.
IMPROVEMENT_START = (
    r"改进(?:情况|措施|举措|方向)|整改(?:情况|措施)|下一步|今后|下步|针对(?:上述|以上|这些)?(?:问题|不足)|"
    r"(?:根据|对照)(?:上述|以上)(?:问题|不足)|为此|对此|"
    r"(?:19|20)\d{2}年度?[,，]?(?:我们|我局|我办|我委|我厅|我市|我区|我县|本机关|本单位)?将|我们将|将进一步|将继续|拟"
)
#: Words that make a clause a statement of a problem.
PROBLEM_CUES = (
    r"存在|不足|问题|仍需|有待|不够|偏少|不高|不强|欠缺|短板|差距|薄弱|滞后|不到位|不平衡|不充分|不全面|"
    r"不及时|不规范|不够完善|较少|单一|还需|尚需|亟需|不深|不细|不精准|不便|待进一步|待提升|待提高|待加强|待完善|无法满足|难以满足|不能满足|跟不上|不适应|欠缺"
)
#: The heading of the problems part, where the section parser did not find section 五 ("五、存在的主要问题及改进情况",
#: "（一）主要问题"): a numbered heading, not the outline sentence listing the six parts.
PROBLEM_HEADING = (
    r"(?:[一二三四五六七八九十]{1,2}\s*[、.．]|[(（][一二三四五六七八九十]{1,2}[)）])\s*"
    r"(?:存在的?主要问题|存在的?问题|主要问题|问题及改进|问题和改进|存在的?不足|工作中的?不足)(?:[^\n。；;,，]{0,10}?(?:情况|措施))?[:：]?"
)
#: The heading of section 六 where the parser did not find it.
OTHER_HEADING = r"[一二三四五六七八九十]{1,2}\s*[、.．]\s*其他需要(?:报告|说明)的?事项[:：]?"
#: Where a section found by its heading ends: the next top-level heading.
NEXT_HEADING = (
    r"[一二三四五六七八九十]{1,2}\s*[、.．]\s*(?:其他需要|附件|附表)|\n\s*[一二三四五六七八九十]{1,2}\s*[、.．]"
)
#: A section body that says there is nothing to report.
NOTHING = (
    r"^[\s(（]*(?:无|没有|暂无|本年度无|本年无|无其他需要报告的事项|无其他需要报告事项|无需要报告的事项)[。.;；\s]*$"
)
#: Words saying a fee was reduced or waived for some applicants (减免信息处理费45元): such a clause
#: never says whether 信息处理费 was charged or how much (traditional forms too: facts keep the original).
FEE_REDUCTION = re.compile(r"[减減](?:免|收|半|少收)|免除|[优優]惠|[缓緩][缴繳交]")
#: Words that mark a negative statement as an answer ("未收到", "无下年度结转", "零收费").
NEGATIONS = (
    r"未(?:收到|发生|制发|产生|收取|出现|受理|有|办理|开展|接到|涉及|新增)|没有(?:收到|发生|产生|收取)?|"
    r"无(?=[\u4e00-\u9fff]{0,8}(?:申请|结转|复议|诉讼|收费|费用|案件|情况))|零(?:申请|收费|收取)|不收取|免收|免费|"
    r"均为0|均为零|为零|(?:数量|总数|件数)?为0(?![\d.])"
)


@dataclass(frozen=True)
class Vocabulary:
    """Everything above, compiled once."""

    kind_cues: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = field(
        default_factory=lambda: tuple((k, re.compile(p, re.I)) for k, p in KIND_CUES)
    )
    count_with_unit: re.Pattern[str] = field(default_factory=lambda: re.compile(COUNT_WITH_UNIT))
    yes_no: re.Pattern[str] = field(default_factory=lambda: re.compile(YES_NO))
    rate: re.Pattern[str] = field(default_factory=lambda: re.compile(RATE))
    every_body: re.Pattern[str] = field(default_factory=lambda: re.compile(EVERY_BODY))
    change: re.Pattern[str] = field(default_factory=lambda: re.compile(CHANGE))
    distributive: re.Pattern[str] = field(default_factory=lambda: re.compile(DISTRIBUTIVE))
    report_words: re.Pattern[str] = field(default_factory=lambda: re.compile(REPORT_WORDS))
    contact_labels: dict[AnswerKind, re.Pattern[str]] = field(
        default_factory=lambda: {k: re.compile(p, re.I) for k, p in CONTACT_LABELS.items()}
    )
    date_labels: tuple[tuple[str, re.Pattern[str]], ...] = field(
        default_factory=lambda: tuple((k, re.compile(p)) for k, p in DATE_LABELS)
    )
    publish_cues: re.Pattern[str] = field(default_factory=lambda: re.compile(PUBLISH_CUES))
    improvement_start: re.Pattern[str] = field(default_factory=lambda: re.compile(IMPROVEMENT_START))
    problem_cues: re.Pattern[str] = field(default_factory=lambda: re.compile(PROBLEM_CUES))
    nothing: re.Pattern[str] = field(default_factory=lambda: re.compile(NOTHING))
    negations: re.Pattern[str] = field(default_factory=lambda: re.compile(NEGATIONS))


VOCAB = Vocabulary()

#: Words right before a year that make it date an event, not name the report asked about
#: ("结转到2023年办理", "拖到2022年才办", "截至2022年底", "发布于2024年").
DATING_BEFORE = (
    "截至",
    "截止",
    "结转到",
    "结转至",
    "结转",
    "转到",
    "转至",
    "转入",
    "延至",
    "延到",
    "顺延至",
    "顺延到",
    "顺延",
    "拖到",
    "拖至",
    "推迟到",
    "推迟至",
    "留到",
    "留至",
    "于",
)
#: Words right after a year that do the same ("2022年底", "2021年底前", "2022年才办", "2025年12月").
DATING_AFTER = ("底", "末", "初", "前", "以前", "之前", "以后", "之后", "才", r"\d{1,2}\s*月")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
DATE_YEAR_BEFORE = re.compile(r"(?:" + "|".join(DATING_BEFORE) + r")\s*$")
DATE_YEAR_AFTER = re.compile(r"^\s*(?:" + "|".join(DATING_AFTER) + ")")


def asked_years(folded: str) -> list[int]:
    """Years a question asks about, in order, without those that date something (:data:`DATING_BEFORE`/``AFTER``).

    >>> asked_years("2023年有几件申请拖到2024年才办")
    [2023]
    >>> asked_years("截至2022年底结转到2023年办理的有多少"), asked_years("2021年到2023年的变化")
    ([], [2021, 2023])
    """
    years: list[int] = []
    for m in YEAR.finditer(folded):
        if DATE_YEAR_BEFORE.search(folded[max(0, m.start() - 6) : m.start()]) or DATE_YEAR_AFTER.match(
            folded[m.end() :]
        ):
            continue
        years.append(int(m.group(1)))
    return list(dict.fromkeys(years))
