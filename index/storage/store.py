"""One data directory: catalogue, Chroma vectors, BM25 index and the stored copies of reports.

Layout of ``data_dir``::

    catalogue.sqlite3   reports, chunks, facts, jobs, embedding cache, Q&A log
    chroma/             Chroma PersistentClient (unless a Chroma server is configured)
    bm25/lex-<id>/      published bm25s index (the catalogue's ``meta.lexical`` names the current one)
    files/              a copy of every ingested file, named by its sha256
    writer.lock         held by the one process that writes

Readers (any number, in any process) call :meth:`Store.snapshot` once per question: it costs one
small query while nothing changed, and reloads the report list, the BM25 index and the dense
state when a writer (in this process or another) has published a change. An embedded Chroma
client made stale by another process's writes is reopened in the background, and meanwhile
searched only within the reports it is known to hold.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.config import Settings
from index.errors import DisclosureError
from index.storage.catalogue import Catalogue
from index.storage.embed import make_embeddings, resolve_model_name
from index.storage.lexical import LexicalIndex, load_lexical_index
from index.storage.snapshot import Snapshot
from index.storage.vectors import CachedEmbeddings, VectorStore, make_client

log = logging.getLogger(__name__)

#: A stale embedded Chroma client is reopened at most this often (it reloads the HNSW index).
REOPEN_INTERVAL_S = 5.0
#: a scoped dense search over at most this many chunks ranks them exactly (vectors read by id)
#: instead of a filtered HNSW query, whose cost grows with the whole collection
EXACT_SCOPE_CHUNKS = 1500


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
        self._vectors_lock = threading.Lock()
        self._reopening = False
        self._snapshot: Snapshot | None = None
        self._snapshot_lock = threading.Lock()
        #: a stale embedded Chroma client is reopened (in the background) at most this often
        self.reopen_interval_s = REOPEN_INTERVAL_S

    @property
    def embeddings(self) -> CachedEmbeddings:
        if self._embeddings is None:
            inner = make_embeddings(self.model_name, self.settings.embedding_device)
            self._embeddings = CachedEmbeddings(inner, self.model_name, self.catalogue)
        return self._embeddings

    def use_embeddings(self, embeddings: CachedEmbeddings) -> None:
        """Use this embedder instead of the configured one (the bench's stand-in vectors)."""
        self._embeddings = embeddings

    # -- dense index ----------------------------------------------------------------------
    @property
    def vectors(self) -> VectorStore:
        """The Chroma collection as this process sees it (opened on first use)."""
        vectors = self._vectors
        if vectors is None:
            with self._vectors_lock:
                if self._vectors is None:
                    self._vectors = self._open_vectors()
                vectors = self._vectors
        return vectors

    def _open_vectors(self) -> VectorStore:
        # What the client will hold is read *before* opening it, so it can only hold more.
        with self.catalogue.read() as conn:
            version = self.catalogue.versions(conn).vectors_version
            known = self.catalogue.dense_ready_ids(conn)
        client = make_client(self.data_dir, self.settings.chroma_host, self.settings.chroma_port)
        return VectorStore(client, shared=bool(self.settings.chroma_host), seen_version=version, known=known)

    def vectors_for_writing(self) -> VectorStore:
        """The collection, reopened first if another process changed it (the writer must see it all)."""
        vectors = self.vectors
        if not vectors.shared and self.catalogue.versions().vectors_version != vectors.seen_version:
            with self._vectors_lock:
                self._vectors = vectors = self._open_vectors()
        return vectors

    def wrote_vectors(self, version: int, added: Iterable[str] = (), removed: Iterable[str] = ()) -> None:
        """The writer published ``version`` through this store's client: its view stays current."""
        vectors = self.vectors
        vectors.seen_version = version
        vectors.known = (vectors.known | frozenset(added)) - frozenset(removed)

    def reopen_vectors(self) -> VectorStore:
        """Open a fresh client now (after Chroma reported a view it cannot serve)."""
        with self._vectors_lock:
            self._vectors = self._open_vectors()
            return self._vectors

    def _maybe_reopen(self, snapshot: Snapshot) -> None:
        """Start reopening a stale embedded client in the background (readers keep the old one meanwhile)."""
        vectors = self._vectors
        if (
            vectors is None
            or vectors.shared
            or vectors.seen_version >= snapshot.versions.vectors_version
            or self._reopening
            or time.monotonic() - vectors.opened_at < self.reopen_interval_s
        ):
            return
        with self._vectors_lock:
            if self._reopening:
                return
            self._reopening = True

        def run() -> None:
            try:
                fresh = self._open_vectors()
                fresh.warm()  # here, not on the first question that uses it
                with self._vectors_lock:
                    current = self._vectors
                    if current is None or current.seen_version < fresh.seen_version:
                        self._vectors = fresh
                log.info("reopened the Chroma collection at vectors version %d", fresh.seen_version)
            except Exception:
                log.exception("reopening the Chroma collection failed; keeping the current client")
            finally:
                self._reopening = False

        threading.Thread(target=run, name="chroma-reopen", daemon=True).start()

    def dense_search(
        self, snapshot: Snapshot, query_vector: list[float], k: int, scope: list[str] | None
    ) -> list[tuple[str, float]]:
        """Nearest chunks among the snapshot's dense-ready reports (within ``scope`` when given).

        Hits of other reports (pending vectors, leftovers of an interrupted writer, reports
        deleted since the client opened) are dropped, so a reader never sees them.
        """
        from chromadb.errors import InternalError

        allowed = snapshot.dense_ready
        if not allowed:
            return []
        self._maybe_reopen(snapshot)
        for attempt in range(2):
            vectors = self.vectors
            safe = vectors.searchable(allowed)
            try:
                if scope is not None:
                    ids = sorted(r for r in scope if r in safe)
                    chunk_ids = snapshot.lexical.chunks_of(ids)
                    if not ids:
                        hits = []
                    elif len(chunk_ids) <= EXACT_SCOPE_CHUNKS:
                        hits = vectors.nearest_among(query_vector, k, chunk_ids)
                    else:
                        hits = vectors.search(query_vector, k, ids)
                else:
                    hits = vectors.search(query_vector, k + 32, None)
            except InternalError as exc:
                if attempt:
                    raise
                log.warning("Chroma cannot serve this query from its current view (%s): reopening", exc)
                self.reopen_vectors()
                continue
            return [(cid, sim) for cid, sim in hits if cid.rsplit("-", 1)[0] in safe][:k]
        return []

    # -- model ----------------------------------------------------------------------------
    def indexed_model(self) -> str | None:
        """The embedding model the index was built with (None for an empty, new index)."""
        return self.catalogue.get_meta("embedding_model")

    def check_model(self) -> None:
        """Refuse to mix vector spaces: the configured model must be the one the index was built with."""
        built = self.indexed_model()
        if (
            built is not None
            and built != self.model_name
            and self.catalogue.conn.execute("SELECT 1 FROM reports LIMIT 1").fetchone()
        ):
            raise DisclosureError(
                f"the index in {self.data_dir} was built with embedding model {built!r}, but "
                f"{self.model_name!r} is configured (DISCLOSURE_EMBEDDING_MODEL); run `disclosure reindex` "
                "to rebuild it with the configured model, or configure the model it was built with"
            )

    # -- readers --------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The current catalogue view (see :mod:`index.storage.snapshot`); cheap while nothing changed."""
        versions = self.catalogue.versions()
        snap = self._snapshot
        if snap is not None and snap.versions == versions:
            return snap
        with self._snapshot_lock:
            snap = self._snapshot
            if snap is not None and snap.versions == versions:
                return snap
            snap = self._load_snapshot(snap)
            self._snapshot = snap
            return snap

    def _load_snapshot(self, previous: Snapshot | None) -> Snapshot:
        for attempt in range(3):
            with self.catalogue.read() as conn:
                versions = self.catalogue.versions(conn)
                dense = self.catalogue.dense_ready_ids(conn)
                same = (
                    previous is not None
                    and previous.versions.generation == versions.generation
                    and previous.versions.lexical == versions.lexical
                )
                reports = [] if same else self.catalogue.reports(conn=conn)
            if previous is not None and same:
                return previous.with_dense(versions, dense)
            try:
                lexical = self._load_lexical(versions.lexical, previous, versions.generation)
            except DisclosureError:
                if attempt == 2 or self.catalogue.versions().lexical == versions.lexical:
                    raise
                continue  # a writer published a newer index (and removed this one) meanwhile
            log.info("catalogue snapshot: generation %d, %d reports", versions.generation, len(reports))
            return Snapshot.build(versions, reports, lexical, dense)
        raise AssertionError("unreachable")

    def _load_lexical(self, name: str | None, previous: Snapshot | None, generation: int) -> LexicalIndex:
        if previous is not None and previous.lexical.name == name:
            return previous.lexical
        if name is None and generation and (self.bm25_dir / f"gen-{generation}").is_dir():
            name = f"gen-{generation}"  # a data directory written before ``meta.lexical`` existed
        return load_lexical_index(self.bm25_dir, name)

    def lexical(self) -> LexicalIndex:
        """The published BM25 index of the current snapshot."""
        return self.snapshot().lexical

    def status(self) -> dict[str, Any]:
        snap = self.snapshot()
        return {
            "data_dir": str(self.data_dir),
            "reports": len(snap.reports),
            "chunks": sum(r.chunk_count for r in snap.reports),
            "embedding_model": self.indexed_model() or self.model_name,
            "generation": snap.generation,
            "dense": self.catalogue.dense_counts(),
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
