"""The dense side of the index: a Chroma collection filled with our own embeddings.

Chroma runs embedded (``PersistentClient`` in the data directory) or as a server
(``chroma run`` + ``HttpClient``) when ``DISCLOSURE_CHROMA_HOST`` is set. Vectors are always
computed by our embedder (never Chroma's downloading default) and cached by text hash in
the catalogue, so re-indexing the same text costs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from index.errors import DisclosureError
from index.storage.catalogue import Catalogue

log = logging.getLogger(__name__)

COLLECTION = "chunks"


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with the catalogue's per-text vector cache."""

    def __init__(self, inner: Embeddings, model_name: str, catalogue: Catalogue) -> None:
        self.inner = inner
        self.model_name = model_name
        self.catalogue = catalogue
        self.progress: Callable[[int], None] | None = None
        self.cache_hits = 0
        self.computed = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        shas = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        cached = self.catalogue.cached_vectors(self.model_name, shas)
        missing = [i for i, sha in enumerate(shas) if sha not in cached]
        self.cache_hits += len(texts) - len(missing)
        new: list[tuple[str, bytes]] = []
        batch = 16
        for i in range(0, len(missing), batch):
            idx = missing[i : i + batch]
            vectors = self.inner.embed_documents([texts[j] for j in idx])
            for j, vec in zip(idx, vectors):
                blob = np.asarray(vec, dtype=np.float32).tobytes()
                cached[shas[j]] = blob
                new.append((shas[j], blob))
            self.computed += len(idx)
            if self.progress is not None:
                self.progress(len(idx))
        if new:
            self.catalogue.store_vectors(self.model_name, new)
        return [np.frombuffer(cached[sha], dtype=np.float32).tolist() for sha in shas]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def make_client(data_dir: Path, chroma_host: str | None, chroma_port: int) -> Any:
    """An embedded PersistentClient in ``data_dir/chroma``, or an HttpClient to a server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_host:
        try:
            return chromadb.HttpClient(host=chroma_host, port=chroma_port, settings=settings)
        except Exception as exc:
            raise DisclosureError(f"cannot reach the Chroma server at {chroma_host}:{chroma_port}: {exc}") from exc
    return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=settings)


class VectorStore:
    """Chroma collection of chunk vectors, keyed by chunk id."""

    def __init__(self, client: Any, embeddings: Embeddings) -> None:
        self.client = client
        self.embeddings = embeddings
        self.store = Chroma(
            collection_name=COLLECTION,
            embedding_function=embeddings,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )

    @property
    def collection(self) -> Any:
        return self.store._collection  # langchain-chroma exposes no public handle for get/count

    def add(self, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]]) -> None:
        for i in range(0, len(ids), 256):
            self.store.add_texts(texts=texts[i : i + 256], metadatas=metadatas[i : i + 256], ids=ids[i : i + 256])

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 500):
            self.store.delete(ids=ids[i : i + 500])

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
        return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        return int(self.collection.count())

    def search(self, query_vector: list[float], k: int, report_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, optionally within reports."""
        if self.count() == 0:
            return []
        where: dict[str, Any] | None = None
        if report_ids is not None:
            if not report_ids:
                return []
            where = {"report_id": {"$in": list(report_ids)}} if len(report_ids) > 1 else {"report_id": report_ids[0]}
        result = self.collection.query(query_embeddings=[query_vector], n_results=k, where=where, include=["distances"])
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances)]

    def reset(self) -> None:
        """Drop and recreate the collection (used when the embedding model changes)."""
        with contextlib.suppress(Exception):  # the collection may not exist; Chroma's error type varies by version
            self.client.delete_collection(COLLECTION)
        self.store = Chroma(
            collection_name=COLLECTION,
            embedding_function=self.embeddings,
            client=self.client,
            collection_metadata={"hnsw:space": "cosine"},
        )
