"""Scoring exactly as DESIGN.md says: folded containment for answers, strict value accuracy, overlap for citations."""

from __future__ import annotations

import re

from index.text.dates import fold_dates
from index.text.fold import drop_thousands_separators, fold_dashes, fold_width
from index.text.searchform import to_simplified


def fold(text: str) -> str:
    """NFKC, simplified, dashes (and ``~``) to ``-``, no spaces or thousands separators, dates as Y-M-D.

    >>> fold("電話：0519—85685811，2022年1月10日")
    '电话:0519-85685811,2022-1-10'
    """
    text = fold_width(text or "")
    text = fold_dashes(to_simplified(text), tildes=True)
    text = fold_dates(text)
    text = drop_thousands_separators(text)
    return re.sub(r"\s+", "", text)


def answer_correct(answer: str, gold: str) -> bool:
    """Some ``||`` alternative of ``gold`` has all its ``|`` parts inside ``answer`` (folded)."""
    folded = fold(answer)
    for alternative in gold.split("||"):
        parts = [fold(p) for p in alternative.split("|") if p.strip()]
        if parts and all(p in folded for p in parts):
            return True
    return False


#: Kinds whose answers state one value, so strict value accuracy applies to them (DESIGN.md).
STRICT_KINDS = frozenset({"contact", "count", "date", "fee"})
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MARKER = re.compile(r"\[\d+\]")
_CONTEXT_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, as digit strings (``0519-85685811`` -> ``{'0519', '85685811'}``)."""
    return set(_NUMBER.findall(text))


def states_no_other_number(answer: str, gold: str, question: str) -> bool:
    """No number in ``answer`` beyond those of ``gold`` and ``question``.

    Citation markers ``[n]`` and context years written ``YYYY年`` are not counted; numbers are read
    from the folded answer, and allowed both as folded and as written (``2022年1月10日`` is
    ``2022-1-10``).

    >>> states_no_other_number("共受理申请3119件[1]。", "3119件", "2024年受理了多少件？")
    True
    >>> states_no_other_number("共收到申请34290件，较2022年上升29.3%[1]。", "34290件", "收到多少件申请？")
    False
    """
    bare = _CONTEXT_YEAR.sub("", _MARKER.sub("", answer))
    allowed = numbers_in(fold(gold)) | numbers_in(fold(question)) | numbers_in(gold) | numbers_in(question)
    return numbers_in(fold(bare)) <= allowed


def strict_correct(answer: str, gold: str, question: str) -> bool:
    """Strict value accuracy: :func:`answer_correct` and :func:`states_no_other_number`."""
    return answer_correct(answer, gold) and states_no_other_number(answer, gold, question)


def quotes_overlap(quote: str, evidence: str, run: int = 8) -> bool:
    """One contains the other, or they share a run of ``run`` folded characters."""
    a, b = fold(quote), fold(evidence)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    if min(len(a), len(b)) < run:
        return False
    grams = {a[i : i + run] for i in range(len(a) - run + 1)}
    return any(b[i : i + run] in grams for i in range(len(b) - run + 1))
