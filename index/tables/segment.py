"""Cut digit runs whose cell boundaries were lost (crawled copies: ``230 000023``) into a given number of cells.

A space is a certain boundary; inside a run of digits any boundary is possible, so a run has
many readings. Each piece must be a well-formed number: no leading zero (``023`` is not a
cell, ``0`` is), a decimal point only inside a piece, a sign only where the column allows one.
The caller keeps the readings that satisfy the template's identities (here only the last one:
自然人 + five kinds = 总计) and accepts a row only when one reading is left.

>>> [tuple(map(int, s)) for s in segmentations(["230", "000023"], 7)]
[(230, 0, 0, 0, 0, 2, 3), (2, 30, 0, 0, 0, 0, 23), (23, 0, 0, 0, 0, 0, 23)]
>>> segmentations(["0000000"], 7)
[(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)]
>>> segmentations(["12"], 3)
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

#: One cell's text: an integer without a leading zero (or 0), optional decimals, optional sign.
NUMBER_PIECE = re.compile(r"^[-+]?(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?$")
#: A token of a run: digits with inner decimal points or thousands commas, optionally signed.
RUN_TOKEN = re.compile(r"^[-+]?\d[\d.,]*$")
DEFAULT_LIMIT = 200_000

PieceOk = Callable[[int, str], bool]


def _cut_points(token: str) -> list[int]:
    """Positions where a token may be cut: between two digits only (never next to ``.``/``,``/sign)."""
    return [i for i in range(1, len(token)) if token[i - 1].isdigit() and token[i].isdigit()]


def token_splits(token: str, pieces: int) -> list[tuple[str, ...]]:
    """Every way to cut ``token`` into ``pieces`` well-formed numbers, in order.

    >>> token_splits("1000", 2)
    [('100', '0')]
    """
    return list(_token_splits(token, pieces))


@cache
def _token_splits(token: str, pieces: int) -> tuple[tuple[str, ...], ...]:
    if pieces == 1:
        return ((token,),) if NUMBER_PIECE.match(token) else ()
    out: list[tuple[str, ...]] = []
    for cut in _cut_points(token):
        head = token[:cut]
        if not NUMBER_PIECE.match(head):
            continue
        for rest in _token_splits(token[cut:], pieces - 1):
            out.append((head, *rest))
    return tuple(out)


def _max_pieces(token: str) -> int:
    return len(_cut_points(token)) + 1


def segmentations(
    tokens: Sequence[str], count: int, *, piece_ok: PieceOk | None = None, limit: int = DEFAULT_LIMIT
) -> list[tuple[float, ...]]:
    """All readings of ``tokens`` (each cut into one or more pieces) as exactly ``count`` numbers.

    ``piece_ok(column, text)`` rejects a piece in a column (a sign outside a 增减 column, a
    decimal in a count). Raises :class:`ValueError` when there would be more than ``limit``
    readings (the run is too long to be read safely; callers refuse it).
    """
    if any(not RUN_TOKEN.match(t) for t in tokens):
        return []
    maxima = [_max_pieces(t) for t in tokens]
    if len(tokens) > count or sum(maxima) < count:
        return []
    out: list[tuple[float, ...]] = []

    def walk(i: int, column: int, acc: list[str]) -> None:
        if i == len(tokens):
            if column == count:
                out.append(tuple(float(p.replace(",", "")) for p in acc))
                if len(out) > limit:
                    raise ValueError(f"more than {limit} readings")
            return
        left_after = len(tokens) - i - 1
        most_after = sum(maxima[i + 1 :])
        for k in range(1, maxima[i] + 1):
            remaining = count - column - k
            if remaining < left_after or remaining > most_after:
                continue
            for split in _token_splits(tokens[i], k):
                if piece_ok is not None and not all(piece_ok(column + j, p) for j, p in enumerate(split)):
                    continue
                walk(i + 1, column + k, [*acc, *split])

    walk(0, 0, [])
    return out
