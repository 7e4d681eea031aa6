"""One data directory: catalogue, Chroma vectors, BM25 index and the stored copies of reports.

Layout of ``data_dir``::

    catalogue.sqlite3   reports, chunks, facts, embedding cache, Q&A log
    chroma/             Chroma PersistentClient (unless a Chroma server is configured)
    bm25/gen-N/         bm25s index of generation N
    files/              a copy of every ingested file, named by its sha256
    writer.lock         held by the one process that writes
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.config import Settings
from index.errors import DisclosureError
from index.storage.catalogue import Catalogue
from index.storage.embed import make_embeddings, resolve_model_name
from index.storage.lexical import LexicalIndex, load_lexical_index
from index.storage.vectors import CachedEmbeddings, VectorStore, make_client

log = logging.getLogger(__name__)


class Store:
    """Open handles on one data directory, shared by the writer and the readers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = settings.data_dir
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DisclosureError(f"cannot create the data directory {self.data_dir}: {exc}") from exc
        self.files_dir = self.data_dir / "files"
        self.bm25_dir = self.data_dir / "bm25"
        self.catalogue = Catalogue(self.data_dir / "catalogue.sqlite3")
        self.model_name = resolve_model_name(settings.embedding_model)
        self._embeddings: CachedEmbeddings | None = None
        self._vectors: VectorStore | None = None
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()

    @property
    def embeddings(self) -> CachedEmbeddings:
        if self._embeddings is None:
            inner = make_embeddings(self.model_name, self.settings.embedding_device)
            self._embeddings = CachedEmbeddings(inner, self.model_name, self.catalogue)
        return self._embeddings

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            client = make_client(self.data_dir, self.settings.chroma_host, self.settings.chroma_port)
            self._vectors = VectorStore(client, self.embeddings)
        return self._vectors

    def indexed_model(self) -> str | None:
        """The embedding model the index was built with (None for an empty, new index)."""
        return self.catalogue.get_meta("embedding_model")

    def check_model(self) -> None:
        """Refuse to mix vector spaces: the configured model must be the one the index was built with."""
        built = self.indexed_model()
        if built is not None and built != self.model_name and self.catalogue.reports(state=None):
            raise DisclosureError(
                f"the index in {self.data_dir} was built with embedding model {built!r}, but "
                f"{self.model_name!r} is configured (DISCLOSURE_EMBEDDING_MODEL); run `disclosure reindex` "
                "to rebuild it with the configured model, or configure the model it was built with"
            )

    def lexical(self) -> LexicalIndex:
        """The BM25 index of the current generation, reloaded when a writer has changed it."""
        generation = self.catalogue.generation()
        with self._lexical_lock:
            if self._lexical is None or self._lexical.generation != generation:
                self._lexical = load_lexical_index(self.catalogue, self.bm25_dir)
            return self._lexical

    def set_lexical(self, index: LexicalIndex) -> None:
        with self._lexical_lock:
            self._lexical = index

    def status(self) -> dict[str, Any]:
        reports = self.catalogue.reports()
        return {
            "data_dir": str(self.data_dir),
            "reports": len(reports),
            "chunks": sum(r.chunk_count for r in reports),
            "embedding_model": self.indexed_model() or self.model_name,
            "generation": self.catalogue.generation(),
        }


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's single-writer lock, or fail at once with a clear message."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "writer.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            raise DisclosureError(
                f"the index in {data_dir} is being written by another process (pid {holder}); "
                "only one writer at a time: wait for it to finish and try again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock
