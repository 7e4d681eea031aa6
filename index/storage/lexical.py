"""The lexical side of the index: bm25s over jieba tokens of the search form.

The index is rebuilt from the tokens stored in the catalogue whenever the set of ready
chunks changes, and saved under ``data_dir/bm25/<generation>`` (written to a temporary folder
then renamed, so a reader never loads half an index).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from index.storage.catalogue import Catalogue

log = logging.getLogger(__name__)


@dataclass
class LexicalIndex:
    """A bm25s model plus the chunk id of each of its documents."""

    generation: int
    chunk_ids: list[str]
    model: bm25s.BM25 | None

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for ``tokens`` (zeros when there is nothing to match)."""
        if self.model is None or not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        known = [t for t in tokens if t in self.model.vocab_dict]
        if not known:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)


def build_lexical_index(catalogue: Catalogue, bm25_dir: Path) -> LexicalIndex:
    """Rebuild the BM25 index from the catalogue's ready chunks and save it atomically."""
    generation = catalogue.generation()
    chunks = catalogue.ready_chunks()
    ids = [c.id for c in chunks]
    model: bm25s.BM25 | None = None
    target = bm25_dir / f"gen-{generation}"
    tmp = bm25_dir / f".tmp-{generation}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    if chunks:
        model = bm25s.BM25()
        model.index([c.tokens or [""] for c in chunks], show_progress=False)
        model.save(str(tmp), show_progress=False)
    (tmp / "chunk_ids.json").write_text(json.dumps(ids), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
    for old in bm25_dir.glob("gen-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    log.info("BM25 index generation %d: %d chunks", generation, len(ids))
    return LexicalIndex(generation, ids, model)


def load_lexical_index(catalogue: Catalogue, bm25_dir: Path) -> LexicalIndex:
    """Load the saved index of the catalogue's current generation, rebuilding it if absent."""
    generation = catalogue.generation()
    target = bm25_dir / f"gen-{generation}"
    ids_file = target / "chunk_ids.json"
    if ids_file.exists():
        ids = json.loads(ids_file.read_text(encoding="utf-8"))
        model = bm25s.BM25.load(str(target), show_progress=False) if ids else None
        return LexicalIndex(generation, ids, model)
    return build_lexical_index(catalogue, bm25_dir)
