"""Scoring exactly as DESIGN.md says: folded containment for answers, overlap for citations."""

from __future__ import annotations

import re
import unicodedata

from index.text.searchform import to_simplified

DASHES = str.maketrans({c: "-" for c in "—–－‒―−﹣~～"})
CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def fold(text: str) -> str:
    """NFKC, simplified, dashes to ``-``, no spaces or thousands separators, dates as Y-M-D."""
    text = unicodedata.normalize("NFKC", text or "")
    text = to_simplified(text).translate(DASHES)
    text = CN_DATE.sub(lambda m: f"{int(m[1])}-{int(m[2])}-{int(m[3])}", text)
    text = ISO_DATE.sub(lambda m: f"{int(m[1])}-{int(m[2])}-{int(m[3])}", text)
    text = THOUSANDS.sub("", text)
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
