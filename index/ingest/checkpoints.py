"""Named points of the two-phase ingest where a fault test can kill the writer (``kill -9`` of itself).

Set ``DISCLOSURE_CRASH_AT`` to a point name (or ``name:N`` for its N-th passage, or several
separated by commas) and the writer sends itself ``SIGKILL`` there: a deterministic ``kill -9``
for tests and the fault suite. Unset (always, in normal use) it costs one dictionary lookup.

Points, in ingest order: ``job-started`` (a file's job is recorded, nothing parsed),
``report-staged`` (its rows are committed, not yet visible), ``lexical-built`` (the batch's BM25
folder is written, not yet published), ``published`` (the batch is visible, no vectors yet),
``dense-marked`` (a dense batch's attempt is recorded), ``vectors-added`` (its vectors are in
Chroma, not yet marked ready), ``dense-ready`` (a dense batch is searchable), ``purged`` (a
replaced or deleted report's vectors are gone, its rows not yet).
"""

from __future__ import annotations

import os
import signal

ENV = "DISCLOSURE_CRASH_AT"
POINTS = (
    "job-started",
    "report-staged",
    "lexical-built",
    "published",
    "dense-marked",
    "vectors-added",
    "dense-ready",
    "purged",
)
_passed: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL here when ``DISCLOSURE_CRASH_AT`` names this point."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    if name not in POINTS:
        raise ValueError(f"unknown crash point {name!r}; known: {', '.join(POINTS)}")
    _passed[name] = _passed.get(name, 0) + 1
    for item in spec.split(","):
        point, _, nth = item.strip().partition(":")
        if point == name and (not nth or int(nth) == _passed[name]):
            os.kill(os.getpid(), signal.SIGKILL)
