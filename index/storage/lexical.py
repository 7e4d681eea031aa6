"""The lexical side of the index: bm25s over jieba tokens of the search form, published atomically.

Only the writer builds an index: once per ingest batch (or delete), over exactly the chunks that
will be visible after the batch, into a folder of its own (``bm25/.tmp-<uuid>``) that is then
renamed to ``bm25/lex-<uuid>``. The catalogue's ``meta`` row ``lexical`` names the published
folder and is switched in the same transaction that makes the batch's reports visible, so a
reader that reads ``lexical`` and the report list together always gets an index that matches them.
Readers only load; a missing folder is an error for the writer to repair (``disclosure ingest``
or any writer run), never something a reader rebuilds. The folder a reader may still be loading
(the previous one) is kept; older ones are removed by the writer.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np

from index.errors import DisclosureError

log = logging.getLogger(__name__)

PREFIX = "lex-"
TMP_PREFIX = ".tmp-"
IDS_FILE = "chunk_ids.json"


@dataclass
class LexicalIndex:
    """A bm25s model plus the chunk id of each of its documents (ordered by report, then ordinal)."""

    name: str | None
    chunk_ids: list[str]
    model: bm25s.BM25 | None
    #: report id -> [start, end) of its documents (chunk ids are ``<report id>-<ordinal>``, sorted).
    slices: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.slices and self.chunk_ids:
            self.slices = report_slices(self.chunk_ids)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for ``tokens`` (zeros when there is nothing to match)."""
        if self.model is None or not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        known = [t for t in tokens if t in self.model.vocab_dict]
        if not known:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def chunks_of(self, report_ids: Iterable[str]) -> list[str]:
        """The chunk ids of ``report_ids`` (reports this index does not hold have none)."""
        out: list[str] = []
        for rid in report_ids:
            span = self.slices.get(rid)
            if span is not None:
                out.extend(self.chunk_ids[span[0] : span[1]])
        return out

    def mask(self, report_ids: Iterable[str]) -> np.ndarray:
        """A boolean mask over the documents of these reports (cost: one slice per report)."""
        out = np.zeros(len(self.chunk_ids), dtype=bool)
        for rid in report_ids:
            span = self.slices.get(rid)
            if span is not None:
                out[span[0] : span[1]] = True
        return out


def report_slices(chunk_ids: list[str]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    start = 0
    current: str | None = None
    for i, cid in enumerate(chunk_ids):
        rid = cid.rsplit("-", 1)[0]
        if rid != current:
            if current is not None:
                out[current] = (start, i)
            current, start = rid, i
    if current is not None:
        out[current] = (start, len(chunk_ids))
    return out


EMPTY = LexicalIndex(None, [], None)


def build_lexical_index(chunks: Iterable[tuple[str, str]], bm25_dir: Path) -> LexicalIndex:
    """Build an index over (chunk id, space-joined tokens) and save it under a new unique name.

    Written to a temporary folder of its own and renamed when complete; nothing is published
    (the caller switches the catalogue's ``lexical`` row to ``index.name``).
    """
    ids: list[str] = []
    vocab: dict[str, int] = {"": 0}
    corpus: list[list[int]] = []  # token ids, not strings: a tenth of the memory at 100k chunks
    for cid, tokens in chunks:
        ids.append(cid)
        doc = [vocab.setdefault(t, len(vocab)) for t in tokens.split(" ")] if tokens else [0]
        corpus.append(doc)
    name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    tmp = bm25_dir / f"{TMP_PREFIX}{name}"
    tmp.mkdir(parents=True)
    model: bm25s.BM25 | None = None
    if ids:
        model = bm25s.BM25()
        model.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab), show_progress=False)
        model.save(str(tmp), show_progress=False)
    del corpus
    (tmp / IDS_FILE).write_text(json.dumps(ids), encoding="utf-8")
    _fsync_dir(tmp)
    os.replace(tmp, bm25_dir / name)
    _fsync_dir(bm25_dir)
    log.info("BM25 index %s: %d chunks", name, len(ids))
    return LexicalIndex(name, ids, model)


def load_lexical_index(bm25_dir: Path, name: str | None) -> LexicalIndex:
    """Load the published index ``name`` (None: nothing published yet, an empty index)."""
    if name is None:
        return EMPTY
    target = bm25_dir / name
    ids_file = target / IDS_FILE
    try:
        ids = json.loads(ids_file.read_text(encoding="utf-8"))
        model = bm25s.BM25.load(str(target), show_progress=False) if ids else None
    except (OSError, ValueError) as exc:
        raise DisclosureError(
            f"the lexical index {target} cannot be read ({exc.__class__.__name__}: {exc}); "
            "any writer run (`disclosure ingest`, `disclosure reindex`) rebuilds it"
        ) from exc
    return LexicalIndex(name, ids, model)


def prune_lexical_dirs(bm25_dir: Path, keep: Iterable[str | None], min_age_s: float = 60.0) -> None:
    """Remove unpublished leftovers and old published folders (writer only).

    ``keep`` are the names still in use (the published one and the one before it, which a reader
    may be loading right now); other published folders go once they are ``min_age_s`` old.
    """
    if not bm25_dir.is_dir():
        return
    keep_set = {k for k in keep if k}
    now = time.time()
    for path in bm25_dir.iterdir():
        if path.name in keep_set:
            continue
        if path.name.startswith(TMP_PREFIX):
            shutil.rmtree(path, ignore_errors=True)  # the writer lock is held: nobody else writes one
        elif path.name.startswith((PREFIX, "gen-")) and now - path.stat().st_mtime >= min_age_s:
            shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
