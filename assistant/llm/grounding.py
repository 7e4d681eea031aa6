"""Check that an LLM answer is grounded: its ``[n]`` markers name given passages and its numbers appear in them.

Rules (an answer failing any of them is rejected with a reason string):

1. The answer is not empty and carries at least one marker. ``[1]``, ``［1］``, ``【1】`` and lists
   such as ``[1, 2]`` / ``[1][2]`` are markers.
2. Every marker names a passage that was given (1..n).
3. Every number in the answer (counts, amounts, phones, postcodes, dates, times, percentages) appears
   in at least one of the passages the answer cites, anywhere in the answer (not sentence by
   sentence), in the passage's ``search_text`` or its original ``text``.

Both sides are normalised before comparing (:func:`normalize`): NFKC, traditional -> simplified,
dash variants -> ``-``, whitespace and thousands separators removed, dates ``2022年1月10日`` /
``2022-01-10`` / ``2022/1/10`` / ``2022.01.10`` -> ``2022-1-10`` (also ``2022年1月`` -> ``2022-1`` and
``1月10日`` -> ``1-10``). A number *appears* when it occurs with no digit glued to either side
(``5`` is not supported by ``15件``, nor ``1`` by ``1.5``); a long digit run (7+ digits, i.e. phones)
is also supported when its digits match a number of the passage with separators dropped
(``0519 85685811`` against ``0519-85685811``).

Not checked, to avoid false rejections:

* the ``[n]`` markers themselves (removed before numbers are read);
* list ordinals: ``1.`` / ``1、`` / ``1)`` at the start of a line, and ``(1)`` / ``（1）`` anywhere;
* four-digit years (1900-2099) named in the question, and the ``year`` of the cited passages
  (shown to the model as a passage attribute, so not necessarily in the text);
* numbers written in Chinese numerals (``一是``, ``第一``, ``三件``): only Arabic digits are checked.
  The system prompt tells the model to copy values exactly as the report writes them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.types import Passage
from index.text.dates import fold_dates
from index.text.fold import drop_thousands_separators, fold_dashes, fold_width
from index.text.searchform import to_simplified

MARKER = re.compile(r"[\[【［]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】］]")
_ORDINAL_LINE = re.compile(r"(?m)^(\s*)\d{1,2}[.、)）](?!\d)")
_ORDINAL_PAREN = re.compile(r"[(（]\d{1,2}[)）]")
_WHITESPACE = re.compile(r"\s+")
NUMBER = re.compile(r"\d+(?:[.\-/:]\d+)*")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PHONE_DIGITS = 7
SENTINEL = "\u2016"  # DOUBLE VERTICAL LINE: neither a digit nor whitespace, unchanged by NFKC / t2s


def normalize(text: str) -> str:
    """Fold text for number comparison: NFKC, simplified, dashes, no spaces / thousands separators, Y-M-D dates."""
    text = fold_dashes(fold_width(text))
    text = to_simplified(text)
    text = _WHITESPACE.sub("", text)
    text = drop_thousands_separators(text)
    return fold_dates(text, partial=True)


def markers(answer: str) -> list[int]:
    """The passage numbers the answer cites, in order of first appearance, without repeats."""
    seen: list[int] = []
    for m in MARKER.finditer(unicodedata.normalize("NFKC", answer)):
        for part in re.split(r"[,，、]", m.group(1)):
            n = int(part.strip())
            if n not in seen:
                seen.append(n)
    return seen


def strip_markers(answer: str, sentinel: str = " ") -> str:
    """The answer with its ``[n]`` markers replaced by ``sentinel``."""
    return MARKER.sub(sentinel, unicodedata.normalize("NFKC", answer))


def answer_numbers(answer: str) -> list[str]:
    """The normalised numbers an answer states, markers and list ordinals excluded."""
    # A non-digit, non-space sentinel keeps digits on either side of a marker / ordinal apart
    # after normalisation drops whitespace.
    text = strip_markers(answer, SENTINEL)
    text = _ORDINAL_LINE.sub(r"\1" + SENTINEL, text)
    text = _ORDINAL_PAREN.sub(SENTINEL, text)
    found: list[str] = []
    for m in NUMBER.finditer(normalize(text)):
        if m.group(0) not in found:
            found.append(m.group(0))
    return found


def _occurs(number: str, haystack: str) -> bool:
    pattern = rf"(?<!\d)(?<!\d\.){re.escape(number)}(?!\d)(?!\.\d)"
    return re.search(pattern, haystack) is not None


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def is_supported(number: str, haystacks: Sequence[str]) -> bool:
    """True when ``number`` (normalised) occurs in one of the normalised ``haystacks``."""
    if any(_occurs(number, h) for h in haystacks):
        return True
    digits = _digits(number)
    if len(digits) >= PHONE_DIGITS:
        return any(digits in _digits(tok) for h in haystacks for tok in NUMBER.findall(h))
    return False


def exempt_numbers(question: str, cited: Sequence[Passage]) -> set[str]:
    """Numbers that need no support: years named in the question and the cited passages' years."""
    exempt = set(_YEAR.findall(normalize(question)))
    exempt.update(str(p.year) for p in cited if p.year is not None)
    return exempt


@dataclass(frozen=True)
class Grounding:
    """The verdict on one answer: ``ok``, else ``reason``; ``cited`` are its markers in order."""

    ok: bool
    reason: str | None = None
    cited: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def check_grounding(answer: str, passages: Sequence[Passage], question: str = "") -> Grounding:
    """Check ``answer`` against the ``passages`` it was given (numbered 1..len(passages))."""
    if not answer.strip():
        return Grounding(False, "empty answer")
    cited = markers(answer)
    numbers = answer_numbers(answer)
    if not cited:
        return Grounding(False, "no citation marker [n] in the answer", cited, numbers)
    given = len(passages)
    bad = [n for n in cited if not 1 <= n <= given]
    if bad:
        names = ", ".join(f"[{n}]" for n in bad)
        return Grounding(False, f"cites {names} but only passages [1]..[{given}] were given", cited, numbers)
    cited_passages = [passages[n - 1] for n in cited]
    haystacks = [normalize(t) for p in cited_passages for t in (p.search_text, p.text) if t]
    exempt = exempt_numbers(question, cited_passages)
    unsupported = [x for x in numbers if x not in exempt and not is_supported(x, haystacks)]
    if unsupported:
        names = ", ".join(f"[{n}]" for n in cited)
        return Grounding(
            False,
            f"number(s) {', '.join(unsupported)} not found in the cited passage(s) {names}",
            cited,
            numbers,
        )
    return Grounding(True, None, cited, numbers)
