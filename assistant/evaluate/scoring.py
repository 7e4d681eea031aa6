"""Scoring exactly as DESIGN.md says: folded containment for answers, overlap for citations."""

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
