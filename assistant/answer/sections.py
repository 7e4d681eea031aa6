"""Answers that are a part of a template section: the problems of 五, the other matters of 六, or "无".

Section 五 (存在的主要问题及改进情况) lists problems, then the measures taken; only the problems
answer "存在哪些问题". They are written as items: ``一是…二是…``, ``（一）…``, ``1.…``; without
markers, the sentences that state a shortcoming. A section that says there is nothing (``无。``)
is answered "无".

>>> items = problem_items("五、存在的主要问题及改进情况\\n一是政策解读形式单一；二是答复规范性有待提高。下一步，我们将加强培训。")
>>> [t for _, _, t in items]
['政策解读形式单一', '答复规范性有待提高']
>>> problem_items("五、存在的主要问题及改进情况\\n无。")
[(15, 16, '无')]
"""

from __future__ import annotations

import re

from assistant.query.vocabulary import NEXT_HEADING, OTHER_HEADING, PROBLEM_HEADING, VOCAB

ITEM_MARK = re.compile(
    r"(?:(?<=[。；;：:\n])|^)\s*(?:[一二三四五六七八九十]+是|[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}\s*[.、．]|"
    r"[一二三四五六七八九十]{1,2}、|其[一二三四五六])"
    r"|[，,；;]\s*(?:[二三四五六七八九十]是)"
)
SUBHEADING = re.compile(r"(?:^|\n)\s*[(（][一二三四五六七八九十][)）]\s*([^\n。]{2,20})")
LEADING_SUBHEADING = re.compile(
    r"\s*(?:及改进情况)?\s*[(（][一二三四五六七八九十][)）]\s*(?:存在的?)?(?:主要)?(?:问题|不足)[^\n。]{0,6}?[:：]?"
)
MAX_ITEM = 80
MAX_SECTION = 2000
_PROBLEM_HEADING = re.compile(PROBLEM_HEADING)
_OTHER_HEADING = re.compile(OTHER_HEADING)
_NEXT_HEADING = re.compile(NEXT_HEADING)


def find_section(text: str, *, problems: bool) -> tuple[int, str, str] | None:
    """Section 五's problems (or 六) found by its heading in a search-form text: (offset, text, heading).

    For reports whose sections the parser could not cut (a crawled page on one line, an outline of
    its own): the heading is a numbered one, not the outline sentence that lists the parts.
    """
    heading = (_PROBLEM_HEADING if problems else _OTHER_HEADING).search(text)
    if heading is None:
        return None
    end_m = _NEXT_HEADING.search(text, heading.end() + 2)
    end = min(end_m.start() if end_m else len(text), heading.end() + MAX_SECTION)
    return heading.start(), text[heading.start() : end], heading.group(0)


def _body(text: str, title: str = "") -> tuple[int, str]:
    """The section text without its heading (offset of the body, body)."""
    title = title.strip()
    if title and text.lstrip().startswith(title):
        start = len(text) - len(text.lstrip()) + len(title)
        return start, text[start:]
    first = text.find("\n")
    heading = text[: first if first >= 0 else len(text)]
    if re.match(r"\s*[一二三四五六七八九十]{1,2}\s*[、.．]", heading) and len(heading) <= 40 and first >= 0:
        return first + 1, text[first + 1 :]
    m = re.match(r"\s*[一二三四五六七八九十]{1,2}\s*[、.．][^。\n]{0,30}?(?:情况|问题|事项)[。:：]?", text)
    if m:
        return m.end(), text[m.end() :]
    return 0, text


def says_nothing(text: str) -> bool:
    """The section body says there is nothing to report."""
    return bool(VOCAB.nothing.match(text.strip()))


def problem_part(text: str, title: str = "") -> tuple[int, str]:
    """The problems of a section 五 text (search form): before its improvement measures."""
    offset, body = _body(text, title)
    lead = LEADING_SUBHEADING.match(body)  # "(一)存在的主要问题:" right under the heading
    if lead:
        offset, body = offset + lead.end(), body[lead.end() :]
    subs = list(SUBHEADING.finditer(body))
    problem_sub = next((m for m in subs if re.search(r"问题|不足|差距|短板", m.group(1))), None)
    if problem_sub is not None:
        start = problem_sub.end()
        nxt = next((m for m in subs if m.start() > problem_sub.start()), None)
        end = nxt.start() if nxt else len(body)
        return offset + start, body[start:end]
    cut = VOCAB.improvement_start.search(body, 4)
    end = cut.start() if cut else len(body)
    return offset, body[:end]


def problem_items(text: str, title: str = "") -> list[tuple[int, int, str]]:
    """The problems a section 五 text lists, as (start, end, words) spans of ``text``; ``无`` when none."""
    for offset, part in (_body(text, title), problem_part(text, title)):
        if says_nothing(part):
            lead = len(part) - len(part.lstrip())
            words = part.strip().rstrip("。.;；")
            return [(offset + lead, offset + lead + len(words), "无")]
    offset, part = problem_part(text, title)
    marks = list(ITEM_MARK.finditer(part))
    items: list[tuple[int, int, str]] = []
    if len(marks) >= 2:
        for i, m in enumerate(marks):
            start = m.end()
            end = marks[i + 1].start() if i + 1 < len(marks) else len(part)
            piece = part[start:end]
            stop = re.search(r"[。；;\n]", piece)
            if stop:
                piece = piece[: stop.start()]
            piece = piece.strip(" ，,：:")
            if len(piece) < 4:
                continue
            if len(piece) > MAX_ITEM:
                cut = re.search(r"[，,]", piece[20:])
                piece = piece[: 20 + cut.start()] if cut else piece[:MAX_ITEM]
            items.append((offset + start, offset + start + len(piece), piece))
        if items:
            return items
    pos = 0
    for m in re.finditer(r"[。；;\n]", part + "\n"):
        sentence = part[pos : m.start()]
        start = pos
        pos = m.end()
        clean = sentence.strip()
        if len(clean) < 6 or not VOCAB.problem_cues.search(clean):
            continue
        lead = len(sentence) - len(sentence.lstrip())
        if len(clean) > MAX_ITEM:
            clean = clean[:MAX_ITEM]
        items.append((offset + start + lead, offset + start + lead + len(clean), clean))
        if len(items) >= 3:
            break
    if not items:  # the problems part states them without a cue word: its first sentence
        first = re.search(r"[^。；;\n]{6,}", part)
        if first:
            clean = first.group(0).strip()[:MAX_ITEM]
            start = first.start() + len(first.group(0)) - len(first.group(0).lstrip())
            items.append((offset + start, offset + start + len(clean), clean))
    return items


def section_summary(text: str, title: str = "") -> tuple[int, int, str] | None:
    """What a section such as 六 says: ``无`` when it says nothing, else its first sentences (short)."""
    offset, body = _body(text, title)
    stripped = body.strip()
    if not stripped:
        return None
    lead = len(body) - len(body.lstrip())
    if says_nothing(stripped):
        return offset + lead, offset + lead + len(stripped.rstrip("。.;；")), "无"
    end = 0
    for m in re.finditer(r"[。；;\n]", stripped):
        end = m.end()
        if end >= 40:
            break
    end = end or min(len(stripped), 120)
    end = min(end, 160)
    words = stripped[:end].strip().rstrip("。;；")
    return offset + lead, offset + lead + len(words), words
