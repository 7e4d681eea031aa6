"""The dense side of the index: a Chroma collection filled with our own embeddings.

Chroma runs embedded (``PersistentClient`` in the data directory) or as a server
(``chroma run`` + ``HttpClient``) when ``DISCLOSURE_CHROMA_HOST`` is set. Vectors are always
computed by our embedder (never Chroma's downloading default) and cached by text hash in
the catalogue, so re-indexing the same text costs nothing.

An embedded client keeps the HNSW index in memory as it was when the client was opened (plus
what this client wrote): vectors another process adds later are unknown to it, and a query
filtered to their report fails inside Chroma (``InternalError: Error finding id``). So every
:class:`VectorStore` remembers the catalogue's ``vectors_version`` and the reports whose vectors
it is known to hold; the :class:`~index.storage.store.Store` reopens a stale one, and searches
only ever filter to reports the open client knows.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from index.errors import DisclosureError
from index.storage.catalogue import Catalogue

log = logging.getLogger(__name__)

COLLECTION = "chunks"
COLLECTION_METADATA = {"hnsw:space": "cosine"}
_OPEN_LOCK = threading.Lock()


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with the catalogue's per-text vector cache."""

    def __init__(self, inner: Embeddings, model_name: str, catalogue: Catalogue, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.inner = inner
        self.model_name = model_name
        self.catalogue = catalogue
        self.batch_size = batch_size
        self.progress: Callable[[int], None] | None = None
        self.cache_hits = 0
        self.computed = 0
        self.embed_seconds = 0.0  # time spent inside the model (not the cache)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [v.tolist() for v in self.embed_arrays(texts)]

    def embed_arrays(self, texts: list[str]) -> list[np.ndarray]:
        """Vectors as float32 arrays (no Python float lists on the hot path)."""
        shas = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        cached = self.catalogue.cached_vectors(self.model_name, list(set(shas)))
        missing: dict[str, int] = {}
        for i, sha in enumerate(shas):
            if sha not in cached and sha not in missing:
                missing[sha] = i
        self.cache_hits += len(texts) - len(missing)
        todo = list(missing.items())
        for i in range(0, len(todo), self.batch_size):
            part = todo[i : i + self.batch_size]
            t0 = time.perf_counter()
            vectors = self.inner.embed_documents([texts[j] for _, j in part])
            self.embed_seconds += time.perf_counter() - t0
            new = []
            for (sha, _), vec in zip(part, vectors):
                blob = np.asarray(vec, dtype=np.float32).tobytes()
                cached[sha] = blob
                new.append((sha, blob))
            self.catalogue.store_vectors(self.model_name, new)  # per batch: a crash keeps what was computed
            self.computed += len(part)
            if self.progress is not None:
                self.progress(len(part))
        return [np.frombuffer(cached[sha], dtype=np.float32) for sha in shas]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def make_client(data_dir: Path, chroma_host: str | None, chroma_port: int) -> Any:
    """A new embedded PersistentClient on ``data_dir/chroma`` (its own, fresh view), or an HttpClient."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_host:
        try:
            client = chromadb.HttpClient(host=chroma_host, port=chroma_port, settings=settings)
            client.heartbeat()
        except Exception as exc:
            raise DisclosureError(f"cannot reach the Chroma server at {chroma_host}:{chroma_port}: {exc}") from exc
        return client
    path = str(data_dir / "chroma")
    with _OPEN_LOCK:
        # Chroma shares one in-memory system per path and process; a client opened before another
        # process wrote would stay stale, so each open starts its own (older clients keep theirs).
        SharedSystemClient._identifier_to_system.pop(path, None)
        return chromadb.PersistentClient(path=path, settings=settings)


class VectorStore:
    """Chroma collection of chunk vectors, keyed by chunk id, as one client sees it."""

    def __init__(self, client: Any, *, shared: bool, seen_version: int, known: Iterable[str]) -> None:
        self.client = client
        #: True for a server: every client sees every write at once, nothing is ever stale
        self.shared = shared
        #: the catalogue's ``vectors_version`` this client's view includes
        self.seen_version = seen_version
        #: reports whose vectors this client is known to hold (safe to filter a query to)
        self.known: frozenset[str] = frozenset(known)
        self.opened_at = time.monotonic()
        self.collection = self._collection()
        self._searchable: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None

    def searchable(self, allowed: frozenset[str]) -> frozenset[str]:
        """The reports of ``allowed`` (a snapshot's dense-ready set) this client can search (cached per set)."""
        if self.shared:
            return allowed
        cached = self._searchable
        if cached is not None and cached[0] is allowed and cached[1] is self.known:
            return cached[2]
        known = self.known
        safe = allowed if allowed <= known else allowed & known
        self._searchable = (allowed, known, safe)
        return safe

    def warm(self) -> None:
        """Load the collection's vectors into memory now (in the server, for a server): the first read of
        them takes ~0.5 s at 100k vectors, which the first question would otherwise wait for."""
        self.collection.get(limit=1, include=["embeddings"])

    def _collection(self) -> Any:
        return self.client.get_or_create_collection(COLLECTION, embedding_function=None, metadata=COLLECTION_METADATA)

    def add(self, ids: list[str], vectors: list[np.ndarray], metadatas: list[dict[str, Any]]) -> None:
        """Upsert vectors (idempotent: a resumed run may add the same ids again)."""
        for i in range(0, len(ids), 256):
            self.collection.upsert(
                ids=ids[i : i + 256],
                embeddings=np.vstack(vectors[i : i + 256]) if vectors[i : i + 256] else [],
                metadatas=metadatas[i : i + 256],
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 500):
            self.collection.delete(ids=ids[i : i + 500])

    def update_metadata(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        """Replace the metadata of existing vectors (ids without a vector are skipped)."""
        have = self.existing_ids(ids)
        pairs = [(i, m) for i, m in zip(ids, metadatas) if i in have]
        for n in range(0, len(pairs), 500):
            part = pairs[n : n + 500]
            self.collection.update(ids=[i for i, _ in part], metadatas=[m for _, m in part])

    def existing_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            found.update(self.collection.get(ids=ids[i : i + 500], include=[])["ids"])
        return found

    def all_ids(self) -> set[str]:
        out: set[str] = set()
        offset, page = 0, 20_000
        while True:
            ids = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            out.update(ids)
            if len(ids) < page:
                return out
            offset += page

    def count(self) -> int:
        return int(self.collection.count())

    def search(self, query_vector: list[float], k: int, report_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, optionally within reports.

        ``report_ids`` must be reports this client knows (:attr:`known`): Chroma fails on a filter
        that selects vectors its in-memory index has not seen.
        """
        where: dict[str, Any] | None = None
        if report_ids is not None:
            if not report_ids:
                return []
            where = {"report_id": {"$in": list(report_ids)}} if len(report_ids) > 1 else {"report_id": report_ids[0]}
        result = self.collection.query(query_embeddings=[query_vector], n_results=k, where=where, include=["distances"])
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances)]

    def nearest_among(self, query_vector: list[float], k: int, chunk_ids: list[str]) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest of ``chunk_ids``, computed exactly.

        For a question scoped to a few reports this reads their vectors by id and ranks them here:
        Chroma's filtered HNSW query walks most of the graph to find a handful of allowed vectors,
        so its cost grows with the whole collection (0.2-0.9 s at 100k vectors), this one does not.
        """
        import numpy as np

        if not chunk_ids or k <= 0:
            return []
        found = self.collection.get(ids=list(chunk_ids), include=["embeddings"])
        ids = list(found["ids"])
        if not ids:
            return []
        matrix = np.asarray(found["embeddings"], dtype=np.float32)
        query = np.asarray(query_vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query))
        sims = (matrix @ query) / np.where(norms > 0, norms, 1.0)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(ids[i], float(sims[i])) for i in order]

    def reset(self) -> None:
        """Drop and recreate the collection (used when the embedding model changes)."""
        if any(getattr(c, "name", c) == COLLECTION for c in self.client.list_collections()):
            self.client.delete_collection(COLLECTION)
        self.collection = self._collection()
        self.known = frozenset()
