"""Typed value extraction from passages: phones, fax, postcodes, emails, addresses, websites,
dates, statistics periods, fees, counts, problems, and the best supporting clause otherwise.

Everything is found in a passage's *search form* (simplified, width-folded, noise-free) and
returned as a search-form span of that passage, which the citer maps back to a verbatim span
of the original text. Rules are general: labels (``电话:``), value shapes (``0519-85685811``,
``1300余条``) and overlap between the question's topic words and a clause; nothing here is
written for one report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Passage
from index.text.tokenize import tokenize

# -- value shapes -------------------------------------------------------------------------
PHONE_LABEL = r"(?:联系电话|咨询电话|办公电话|服务电话|电话号码|电话|热线|联系方式|tel)"
FAX_LABEL = r"(?:传真号码|传真电话|传真)"
PHONE_NUMBER = r"((?:\(?0\d{2,3}\)?-?)?[1-9]\d{6,7}(?:-\d{1,5})?|1[3-9]\d{9})"
LABELLED_PHONE = re.compile(PHONE_LABEL + r"\s*[:：]?\s*" + PHONE_NUMBER, re.I)
LABELLED_FAX = re.compile(FAX_LABEL + r"\s*[:：]?\s*" + PHONE_NUMBER)
AREA_CODE_PHONE = re.compile(r"(?<![\d.])(0\d{2,3}-[1-9]\d{6,7})(?![\d])")
POSTCODE = re.compile(r"(?:邮政编码|邮编)\s*[:：]?\s*(\d{6})(?!\d)")
EMAIL = re.compile(r"([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
ADDRESS = re.compile(r"(?:通信地址|通讯地址|办公地址|联系地址|详细地址|地址)\s*[:：]\s*([^;；,，。)\n]{3,60})")
URL = re.compile(r"((?:https?://)?(?:www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.gov\.cn)(?:/[A-Za-z0-9._/?=&%#-]*)?)", re.I)
DATE_YMD = r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}/\d{1,2}/\d{1,2})"
PERIOD = re.compile(
    r"(\d{4}年\d{1,2}月\d{1,2}日(?:起)?\s*(?:至|到|-|~)\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:止)?)"
)
LABELLED_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|印发日期|公开日期|发文日期|日期|时间)\s*[:：]\s*(" + DATE_YMD + r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
ANY_DATE = re.compile(DATE_YMD)
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12}[〔\[(]\d{4}[〕\])]\s*\d{1,4}\s*号)")
BOOK_TITLE = re.compile(r"(《[^《》]{2,60}》)")
CN_NUM = "零〇一二两三四五六七八九十百千万"
UNITS = "|".join(sorted(
    "条 件 次 场 个 项 篇 期 份 人次 万人次 名 人 家 批 部 件次 万条 万件 元 万元 亿元 % 个百分点 分 天 个工作日 部分 余条 余件 余次 余篇 余项 余个".split(),
    key=len, reverse=True,
))
COUNT_VALUE = re.compile(
    r"((?:\d+(?:\.\d+)?|[" + CN_NUM + r"]+)\s*(?:万|亿)?\s*(?:余|多)?\s*(?:" + UNITS + r"))"
    r"|(第[" + CN_NUM + r"\d]+(?:名|位)?)"
)
BARE_TABLE_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")
NEGATIVE = re.compile(r"(未(?:收到|发生|制发|产生|收取|出现|受理)[^,;。]*|没有(?:收到|发生|产生)?[^,;。]*|无[^,;。]{0,8}(?:申请|结转|复议|诉讼|收费)|零(?:申请|收费))")
FEE_NEGATIVE = re.compile(r"((?:未|没有|不|无)(?:收取|收|产生|涉及)?[^,;。]{0,12}(?:费用|收费|信息处理费)|免费[^,;。]{0,8})")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?\s*(?:万|亿)?元)")
PROBLEM_CUES = re.compile(r"存在|不足|问题|仍需|有待|不够|偏少|不高|不强|欠缺|短板|差距|一是|薄弱|滞后|不到位|不平衡")

CLAUSE_SPLIT = re.compile(r"[,，;；。!?！？\n]")
SENTENCE_SPLIT = re.compile(r"[。;；!?！？\n]")
QUESTION_WORDS = frozenset(
    "多少 几 一共 共 总共 合计 是 什么 哪些 哪个 哪里 哪 了 吗 呢 按 按照 根据 年报 年度 报告 政府 信息 公开 "
    "政府信息公开 工作 有 有没有 没有 分别 各 其中 全年 本年 本年度 全市 全区 全县 我市 数量 件 条 次 个 "
    "主要 情况 问题 哪天 时候 是否 共有 请问 一下 如何 怎么 可以 从 到 中 内 对 为 其 通过 进行".split()
)
COMMON_TERMS = {"公开": 0.3, "信息": 0.3, "政府": 0.3, "申请": 1.0, "发布": 0.6, "主动": 0.6, "工作": 0.2}
QUESTION_UNIT = re.compile(r"(?:多少|几)\s*(条|件|次|场|个|项|篇|期|份|名|人次|家|批|部分|元|万元)")


@dataclass
class Found:
    """A value found in one passage: its text and its span in ``passage.search_text``."""

    passage: Passage
    start: int
    end: int
    value: str
    score: float = 0.0


def _first(passages: list[Passage], pattern: re.Pattern[str], group: int = 1) -> Found | None:
    for p in passages:
        m = pattern.search(p.search_text)
        if m:
            return Found(p, m.start(), m.end(), m.group(group))
    return None


def find_phone(passages: list[Passage]) -> Found | None:
    """A labelled phone number (not a fax), else an area-code number not labelled as fax."""
    for p in passages:
        for m in LABELLED_PHONE.finditer(p.search_text):
            return Found(p, m.start(), m.end(), _clean_phone(m.group(1)))
    for p in passages:
        for m in AREA_CODE_PHONE.finditer(p.search_text):
            before = p.search_text[max(0, m.start() - 6) : m.start()]
            if re.search(FAX_LABEL, before):
                continue
            return Found(p, m.start(), m.end(), m.group(1))
    return None


def find_fax(passages: list[Passage]) -> Found | None:
    found = _first(passages, LABELLED_FAX)
    if found:
        found.value = _clean_phone(found.value)
    return found


def _clean_phone(value: str) -> str:
    return value.replace("(", "").replace(")", "-").replace("--", "-")


def find_postcode(passages: list[Passage]) -> Found | None:
    return _first(passages, POSTCODE)


def find_email(passages: list[Passage]) -> Found | None:
    return _first(passages, EMAIL)


def find_address(passages: list[Passage]) -> Found | None:
    found = _first(passages, ADDRESS)
    if found:
        found.value = found.value.strip()
    return found


def find_website(passages: list[Passage], topic: list[str]) -> Found | None:
    """A URL with the clause that names the site (``上海市人民政府网站(www.shanghai.gov.cn)``)."""
    best: Found | None = None
    for rank, p in enumerate(passages):
        for m in URL.finditer(p.search_text):
            if "@" in p.search_text[max(0, m.start() - 1) : m.start() + 1]:
                continue
            c_start, c_end = clause_bounds(p.search_text, m.start(), m.end())
            clause = p.search_text[c_start:c_end]
            score = 2.0 * bool(re.search(r"网站|网址|门户|电子版|下载|查询|公开", clause)) + _overlap(topic, clause) - 0.1 * rank
            if best is None or score > best.score:
                best = Found(p, c_start, c_end, clause.strip(), score)
    return best


def find_period(passages: list[Passage]) -> Found | None:
    best: Found | None = None
    for rank, p in enumerate(passages):
        for m in PERIOD.finditer(p.search_text):
            before = p.search_text[max(0, m.start() - 12) : m.start()]
            score = 3.0 * bool(re.search(r"统计|期限|时限|期间", before)) - 0.1 * rank
            if best is None or score > best.score:
                best = Found(p, m.start(), m.end(), m.group(1), score)
    return best


def _date_label_rank(text: str, start: int) -> int:
    """0 for 发布日期/发布时间-like labels, 1 for a bare 时间/日期, 2 for 更新/生成/修改 dates."""
    label = text[max(0, start - 6) : start + 6]
    if re.search(r"(?:更新|生成|修改|访问|打印)(?:日期|时间)", label):
        return 2
    if re.search(r"(?:发布|成文|印发|公开|发文)(?:日期|时间)", label):
        return 0
    return 1


def find_date(passages: list[Passage], iso_date: str | None) -> Found | None:
    """The publish date as written: a labelled page date, or the catalogue's publish date in the text."""
    labelled: list[tuple[int, int, Found]] = []
    for rank, p in enumerate(passages):
        for m in LABELLED_DATE.finditer(p.search_text):
            if not _in_period(p.search_text, m.start(1)):
                order = _date_label_rank(p.search_text, m.start())
                labelled.append((order, rank, Found(p, m.start(), m.end(), m.group(1))))
    labelled = [item for item in labelled if item[0] < 2] or labelled
    if labelled:
        return min(labelled, key=lambda item: (item[0], item[1]))[2]
    if iso_date:
        for p in passages:
            for m in ANY_DATE.finditer(p.search_text):
                if to_iso(m.group(0)) == iso_date and not _in_period(p.search_text, m.start()):
                    return Found(p, m.start(), m.end(), m.group(0))
    return None


def _in_period(text: str, pos: int) -> bool:
    for m in PERIOD.finditer(text[max(0, pos - 40) : pos + 40]):
        return True
    return False


def to_iso(date_text: str) -> str | None:
    m = re.match(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", date_text)
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


# -- clauses and topic words --------------------------------------------------------------
def topic_terms(folded_question: str, exclude: list[str]) -> list[str]:
    """The question's content words, minus question words, the issuer's names and the year."""
    q = folded_question
    for word in sorted(exclude, key=len, reverse=True):
        if word and len(word) >= 2:
            q = q.replace(word, " ")
    q = re.sub(r"(?:19|20)\d{2}\s*年?", " ", q)
    terms = []
    for tok in tokenize(q):
        if tok in QUESTION_WORDS or tok.isdigit() or len(tok) < 2 and not re.match(r"[\u4e00-\u9fff]", tok):
            continue
        if len(tok) == 1 or re.search(r"多少|几|哪|什么|是否", tok):
            continue
        terms.append(tok)
    for full, short in ABBREVIATIONS.items():
        if full in folded_question:
            terms.append(short)
    return list(dict.fromkeys(terms))


def _weight(term: str) -> float:
    return COMMON_TERMS.get(term, min(len(term), 4) / 2)


def _overlap(terms: list[str], text: str) -> float:
    return sum(_weight(t) for t in terms if t in text)


def coverage(terms: list[str], text: str) -> float:
    total = sum(_weight(t) for t in terms)
    return _overlap(terms, text) / total if total else 0.0


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The comma-delimited clause around ``[start, end)``."""
    left = max((m.end() for m in CLAUSE_SPLIT.finditer(text, 0, start)), default=0)
    right_m = CLAUSE_SPLIT.search(text, end)
    right = right_m.start() if right_m else len(text)
    return left, right


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_SPLIT.finditer(text, 0, start)), default=0)
    right_m = SENTENCE_SPLIT.search(text, max(end, start))
    right = right_m.start() if right_m else len(text)
    return left, right


def _clauses(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in CLAUSE_SPLIT.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _is_table_text(text: str) -> bool:
    return text.count("|") >= 2


UNIT_EQUIVALENTS = {"件": {"件", "份"}, "份": {"件", "份"}, "条": {"条"}, "个": {"个"}}
OUTLINE_VALUE = re.compile(r"^[" + CN_NUM + r"\d]+(?:个)?部分$")
TRAILING_FILLER = re.compile(r"(?:的|有|是|了|共|为|信息|情况|数量|总数|一共|共有|分别|各)+$")
LEADING_FILLER = re.compile(r"^(?:个|些|份|项|家|位|种|类)")
# Standard abbreviations used in document numbers and prose (国办发〔2014〕12号).
ABBREVIATIONS = {"国务院办公厅": "国办", "省政府办公厅": "省政府办", "市政府办公室": "市政府办", "县政府办公室": "县政府办"}
WH_WORD = re.compile(r"是谁|是什么|是多少|多少|几|哪|什么|有没有|是否|了吗")


GENERIC_FOCUS = frozenset("信息公开 政府信息公开 政务公开 办公室 办公 公室 政府 信息 公开 工作 年报 报告 单位".split())


def focus_terms(folded_question: str, terms: list[str]) -> set[str]:
    """Topic words right next to the question word (``组长是谁`` -> 组长): they must be matched."""
    terms = [t for t in terms if t not in GENERIC_FOCUS]
    m = WH_WORD.search(folded_question)
    if not m:
        return set()
    before = TRAILING_FILLER.sub("", folded_question[: m.start()])
    after = LEADING_FILLER.sub("", folded_question[m.end() :])
    out: set[str] = set()
    ending = [(before.rfind(t) + len(t), t) for t in terms if t in before]
    if ending:
        pos = max(e for e, _ in ending)
        if pos >= len(before) - 2:
            out.add(max((t for e, t in ending if e == pos), key=len))
    starting = [(after.find(t), t) for t in terms if t in after]
    if starting:
        pos = min(p for p, _ in starting)
        if pos <= 2:
            out.add(max((t for p, t in starting if p == pos), key=len))
    return out


def _value_unit(value: str) -> str:
    v = re.sub(r"^[\d.\s" + CN_NUM + r"]+", "", value).strip()
    return re.sub(r"^(?:万|亿)?\s*(?:余|多)?", "", v) or v


def _unit_ok(value: str, wanted: str | None) -> bool:
    if not wanted:
        return True
    unit = _value_unit(value)
    return unit in UNIT_EQUIVALENTS.get(wanted, {wanted}) or unit.endswith(wanted)


def find_count(passages: list[Passage], terms: list[str], question: str) -> Found | None:
    """The clause that best matches the question's topic and holds a count (or says there was none).

    A clause is scored by the topic words it holds, plus half the weight of those only found
    earlier in its sentence ("政府信息公开行政复议351件,其中…,结果纠正64件"). When the question
    names a unit ("多少件"), the value must carry it; outline counts ("六个部分") never answer.
    """
    unit_m = QUESTION_UNIT.search(question)
    wanted_unit = unit_m.group(1) if unit_m else None
    wants_percent = bool(re.search(r"率|比例|占比|百分", question))
    asks_yes_no = bool(re.search(r"有没有|是否|了吗|有无", question))
    focus = focus_terms(question, terms)
    total = sum(_weight(t) for t in terms) or 1.0
    best: Found | None = None
    best_key: tuple[int, list[tuple[int, int]], str] | None = None
    for rank, p in enumerate(passages):
        text = p.search_text
        clauses = _clauses(text)
        for ci, (cs, ce) in enumerate(clauses):
            clause = text[cs:ce]
            s_start, s_end = sentence_bounds(text, cs, ce)
            context = text[s_start:cs] + " " + text[ce:s_end]
            own = _overlap(terms, clause)
            matched = own + 0.5 * _overlap([t for t in terms if t not in clause], context)
            cov = matched / total
            if cov < 0.5 or own == 0:
                continue
            if focus and not any(t in clause or t in context for t in focus):
                continue
            values = [
                m for m in COUNT_VALUE.finditer(clause)
                if not OUTLINE_VALUE.match(m.group(0).strip()) or "部分" in question
            ]
            values = [m for m in values if _unit_ok(m.group(0), wanted_unit) or (wants_percent and "%" in m.group(0))]
            negative = NEGATIVE.search(clause)
            score = cov * 10 - rank * 0.3 + 1.5 * sum(1 for t in focus if t in clause)
            if values:
                chosen = _closest_value(values, clause, terms, wanted_unit, wants_percent)
                value_text = chosen.group(0).strip()
                if wants_percent and "%" in value_text:
                    score += 3
            elif negative:
                value_text = negative.group(0)
                score += 0.5 if asks_yes_no or "收到" in question else 0
            elif _is_table_text(text[cs : min(len(text), ce + 40)]):
                # a pipe table row: label | n | n ...; the first number after the label
                tail = text[cs : min(len(text), ce + 40)]
                m = BARE_TABLE_NUMBER.search(tail, len(clause) - len(clause.lstrip()))
                if not m:
                    continue
                value_text = m.group(1) + (wanted_unit or "")
                ce = cs + max(m.end(), len(clause))
                score -= 0.5
            else:
                continue
            if best is None or score > best.score:
                best = Found(p, cs, ce, value_text, score)
                best_key = (ci, clauses, text)
    if best is None or best_key is None:
        return None
    # join neighbouring clauses of the same sentence that answer too ("政策性文件36件,政策解读36条")
    ci, clauses, text = best_key
    start, end = best.start, best.end
    for step in (-1, 1):
        j = ci + step
        if 0 <= j < len(clauses):
            ns, ne = clauses[j]
            gap = text[min(ne, start) : max(ns, end)] if step < 0 else text[end:ns]
            neighbour = text[ns:ne]
            if (step < 0 and text[ne:start].strip() in (",", "，", "、")) or (step > 0 and text[end:ns].strip() in (",", "，", "、")):
                if COUNT_VALUE.search(neighbour) and _overlap(terms, neighbour) > 0:
                    start, end = (ns, end) if step < 0 else (start, ne)
    best.start, best.end = start, end
    best.clause = text[start:end].strip()  # type: ignore[attr-defined]
    return best


def _closest_value(
    values: list[re.Match[str]], clause: str, terms: list[str], unit: str | None, wants_percent: bool
) -> re.Match[str]:
    """The value right after the last topic word, preferring the question's unit."""
    positions = [clause.rfind(t) + len(t) for t in terms if t in clause]
    anchor = max(positions) if positions else 0

    def key(m: re.Match[str]) -> tuple[int, int, int]:
        unit_ok = 0 if (unit and m.group(0).strip().endswith(unit)) or (wants_percent and "%" in m.group(0)) else 1
        after = 0 if m.start() >= anchor - 1 else 1
        return (after, unit_ok, abs(m.start() - anchor))

    return min(values, key=key)


def find_fee(passages: list[Passage], terms: list[str]) -> Found | None:
    """信息处理费 charged to applicants: an amount in 元, or a statement that nothing was charged."""
    best: Found | None = None
    for rank, p in enumerate(passages):
        text = p.search_text
        for cs, ce in _clauses(text):
            clause = text[cs:ce]
            if "行政事业性收费" in clause:
                continue  # the body's fee income (表二), not what applicants pay
            if not re.search(r"费|收取|收费", clause):
                continue
            amount = AMOUNT.search(clause)
            negative = FEE_NEGATIVE.search(clause)
            if not amount and not negative:
                continue
            score = 2.0 * ("信息处理费" in clause) + _overlap(terms, clause) - 0.2 * rank
            value = amount.group(1) if amount else negative.group(0)  # type: ignore[union-attr]
            if best is None or score > best.score:
                found = Found(p, cs, ce, value, score)
                found.clause = clause.strip()  # type: ignore[attr-defined]
                best = found
    return best


def find_admin_fee(passages: list[Passage]) -> Found | None:
    """行政事业性收费 (表二): the amount in 万元 on the table row."""
    for p in passages:
        text = p.search_text
        for m in re.finditer(r"行政事业性收费", text):
            tail = text[m.end() : m.end() + 40]
            n = BARE_TABLE_NUMBER.search(tail)
            if n and not re.match(r"\s*[年月日]", tail[n.end() :]):
                return Found(p, m.start(), m.end() + n.end(), n.group(1) + "万元")
    return None


def find_problem(passages: list[Passage]) -> list[Found]:
    """Up to two sentences that state problems (section 五 first)."""
    ranked = sorted(
        range(len(passages)),
        key=lambda i: (0 if re.search(r"问题|改进", passages[i].section) else 1, i),
    )
    out: list[Found] = []
    for i in ranked:
        p = passages[i]
        if not re.search(r"问题|改进|五", p.section):
            continue
        text = p.search_text
        pos = 0
        for m in SENTENCE_SPLIT.finditer(text + "\n"):
            sentence = text[pos : m.start()]
            start = pos
            pos = m.end()
            if len(sentence) < 8 or re.fullmatch(r"[\s(（]*[一二三四五六七八九十]+[)）、].{0,16}", sentence):
                continue
            if PROBLEM_CUES.search(sentence) and not re.match(r"\s*(?:下一步|今后|20\d\d年[,，]?(?:我|将))", sentence):
                out.append(Found(p, start, start + len(sentence), sentence.strip()))
                if len(out) >= 2:
                    return out
        if out:
            return out
    return out


DOCNUM_WORDS = ("文号", "字号", "文件", "发文")


def find_best_clause(passages: list[Passage], terms: list[str], question: str) -> Found | None:
    """For other questions: the clause that best covers the question's topic (and its focus word).

    Questions for a document number ("文号是什么") need a ``XX〔2021〕46号`` in or right after
    the clause; the words 文号/文件 themselves are not expected in the text.
    """
    wants_docnum = bool(re.search(r"文号|字号|发文", question))
    wants_title = bool(re.search(r"哪份|哪个文件|什么文件|通知|哪些.*规定|依据", question))
    if wants_docnum:
        terms = [t for t in terms if t not in DOCNUM_WORDS]
    focus = focus_terms(question, terms)
    after_focus = _after_focus(question, terms)
    total = sum(_weight(t) for t in terms) or 1.0
    best: Found | None = None
    for rank, p in enumerate(passages):
        text = p.search_text
        clauses = _clauses(text)
        for cs, ce in clauses:
            clause = text[cs:ce]
            s_start, s_end = sentence_bounds(text, cs, ce)
            context = text[s_start:cs] + " " + text[ce:s_end]
            own = _overlap(terms, clause)
            cov = (own + 0.5 * _overlap([t for t in terms if t not in clause], context)) / total
            if own == 0 or cov < (0.1 if wants_docnum else 0.34):
                continue
            if focus and not any(t in clause for t in focus):
                continue
            score = cov * 10 - rank * 0.3 + sum(1 for t in focus if t in clause)
            score += 1 if after_focus and after_focus in clause else 0
            end = ce
            if wants_docnum:
                window = text[cs : min(len(text), ce + 60)]
                m = DOC_NUMBER.search(window)
                if not m:
                    continue
                end = max(ce, cs + m.end())
                score += 2
            if wants_title and BOOK_TITLE.search(text[cs:end]):
                score += 1.5
            if best is None or score > best.score:
                best = Found(p, cs, end, text[cs:end].strip(), score)
    return best


def _after_focus(question: str, terms: list[str]) -> str | None:
    """The noun a 哪个/什么 asks about (``由哪个部门编制`` -> 部门)."""
    m = re.search(r"(?:哪个|哪些|哪份|哪一|什么)", question)
    if not m:
        return None
    after = LEADING_FILLER.sub("", question[m.end() :])
    starting = [t for t in terms if after.startswith(t)]
    return max(starting, key=len) if starting else None
