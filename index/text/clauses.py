"""Clause and sentence boundaries in report text (search form or original), written once.

A *clause* ends at a comma, semicolon, full stop, ``!``/``?`` or line break; a *sentence* at
the same marks less the comma. Offsets are ``[start, end)`` into the text given, separators
excluded.

>>> text = "全年收到申请12件，其中自然人10件。电话：0519-85685811"
>>> s, e = clause_bounds(text, 12, 14); text[s:e]
'其中自然人10件'
>>> s, e = sentence_bounds(text, 12, 14); text[s:e]
'全年收到申请12件，其中自然人10件'
>>> [text[a:b] for a, b in clauses(text)]
['全年收到申请12件', '其中自然人10件', '电话：0519-85685811']
"""

from __future__ import annotations

import re

CLAUSE_SPLIT = re.compile(r"[,，;；。!?！？\n]")
SENTENCE_SPLIT = re.compile(r"[。;；!?！？\n]")
#: Only the full stop: a "sentence" in the strict sense of written Chinese.
FULL_STOP = re.compile(r"。")

#: The end of a sentence in original text, with the closing quotes and brackets after it (chunking).
SENTENCE_END = re.compile(r"[。！？；!?;][”’」』)）]*")
#: A place to break an over-long sentence (chunking).
SOFT_BREAK = re.compile(r"[，,、：:][”’」』)）]*")
#: Characters a line may end with when its sentence is complete (no PDF wrap to rejoin).
LINE_END_PUNCT = frozenset("。！？；!?;:：」』”）)")
#: Punctuation that makes a short numbered line a sentence rather than a heading.
SENTENCE_PUNCT = frozenset("。！？；!?;，,")


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``[start, end)``: from after the last separator before ``start`` to the next at or after ``end``."""
    left = max((m.end() for m in CLAUSE_SPLIT.finditer(text, 0, start)), default=0)
    right_m = CLAUSE_SPLIT.search(text, end)
    right = right_m.start() if right_m else len(text)
    return left, right


def sentence_bounds(text: str, start: int, end: int, *, split: re.Pattern[str] = SENTENCE_SPLIT) -> tuple[int, int]:
    """The sentence around ``[start, end)`` (``split=FULL_STOP``: between full stops only)."""
    left = max((m.end() for m in split.finditer(text, 0, start)), default=0)
    right_m = split.search(text, max(end, start))
    right = right_m.start() if right_m else len(text)
    return left, right


def clauses(text: str) -> list[tuple[int, int]]:
    """Every non-empty clause of ``text``, in order."""
    out = []
    pos = 0
    for m in CLAUSE_SPLIT.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out
