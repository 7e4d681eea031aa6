"""The assistant: question in, checked answer with verified citations out.

>>> assistant = Assistant(doctest_settings)
>>> assistant.ask("常州市机关事务管理局的联系电话是多少？").answer
'常州市机关事务管理局2021年度报告中，联系电话是0519-85685811[1]。'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.answer import AnswerContext, abstain_text, answer_extractive, values_in_scope
from assistant.answer.candidates import CandidateCache
from assistant.cite import ReportTexts, verify_citations
from assistant.llm.answer import answer_with_llm
from assistant.llm.backends import make_chat_model
from assistant.plaintext import plain_text
from assistant.query import QueryAnalysis, analyse, issuer_index
from assistant.retrieve import HybridRetriever
from assistant.types import Answer, Passage
from index.config import Settings
from index.models import ocr_note
from index.storage.catalogue import ReportRecord
from index.storage.snapshot import Snapshot
from index.storage.store import Store
from index.text.tokenize import tokenize

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions from one data directory (a reader: it never writes the index)."""

    def __init__(self, settings: Settings, store: Store | None = None, *, k: int = 8) -> None:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        self.settings = settings
        self.store = store or Store(settings)
        self.retriever = HybridRetriever(store=self.store, k=k)
        self.texts = ReportTexts(self.store.catalogue)
        self.values = CandidateCache()  # candidate values per report, built once (assistant.answer)
        self._chat_model: BaseChatModel | None = None
        self._chat_model_loaded = False

    def warm_up(self) -> None:
        """Load the embedder, BM25, the issuer index, the vectors and jieba now rather than on the first question."""
        self.store.check_model()
        snapshot = self.store.snapshot()
        issuer_index(self.store)
        self.store.embeddings.embed_query("预热")
        if snapshot.dense_ready:
            self.store.vectors.warm()  # open Chroma and load its vectors now, not on the first question
        tokenize("政府信息公开")

    @property
    def chat_model(self) -> BaseChatModel | None:
        """The configured LLM (None when no LLM is configured)."""
        if not self._chat_model_loaded:
            self._chat_model = make_chat_model(self.settings)
            self._chat_model_loaded = True
        return self._chat_model

    def analyse(
        self,
        question: str,
        *,
        issuer: str | None = None,
        year: int | None = None,
        context: dict[str, Any] | None = None,
    ) -> QueryAnalysis:
        return analyse(
            question,
            list(self.store.snapshot().reports),
            issuer=issuer,
            year=year,
            context=context,
            index=issuer_index(self.store),
        )

    def _llm_passages(self, extractive: Answer, passages: list[Passage]) -> list[Passage]:
        """The retrieved passages, with the chunks the extractive answer cites put first (the LLM must see them)."""
        wanted: list[Passage] = []
        for c in extractive.citations:
            if any(p.report_id == c.report_id and p.start <= c.start < p.end for p in wanted):
                continue
            chunk = next(
                (p for p in self.retriever.report_passages(c.report_id) if p.start <= c.start < p.end),
                None,
            )
            if chunk is not None:
                wanted.append(chunk)
        ids = {p.chunk_id for p in wanted}
        return (wanted + [p for p in passages if p.chunk_id not in ids])[: max(len(passages), len(wanted))]

    def ask(
        self,
        question: str,
        *,
        issuer: str | None = None,
        year: int | None = None,
        context: dict[str, Any] | None = None,
        use_llm: bool = False,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer ``question``; ``context`` carries the previous turn's issuer/year for follow-ups."""
        question = (question or "").strip()
        if not question:
            raise ValueError("question is empty")
        self.store.check_model()
        t0 = time.perf_counter()
        snapshot = self.store.snapshot()  # one view of the catalogue for the whole question
        reports = list(snapshot.reports)
        analysis = analyse(
            question,
            reports,
            issuer=issuer,
            year=year,
            context=context,
            index=issuer_index(self.store),
        )
        # a typed value of named reports is found among every value of those reports: retrieval only
        # breaks ties there, and BM25 does that without embedding the question (most of ask's time)
        dense = use_llm or not values_in_scope(analysis)
        passages = self.retriever.search(analysis, snapshot=snapshot, dense=dense)
        t1 = time.perf_counter()
        ctx = AnswerContext(reports, self.store.catalogue, self.texts, self.values, snapshot)
        answer = answer_extractive(analysis, passages, ctx)
        # a comparison that found no figure says what is missing (no number, no citation): its text stays
        says_missing = analysis.comparison is not None and answer.abstained and bool(answer.answer)
        comparing = analysis.comparison is not None  # its arithmetic is not the LLM's to restate
        chat_model = self.chat_model if use_llm and not answer.abstained and not comparing else None
        if chat_model is not None:
            given = self._llm_passages(answer, passages)
            answer = answer_with_llm(question, given, answer, chat_model, on_token=on_token)
        answer.citations = verify_citations(self.texts, answer.citations)
        for citation in answer.citations:
            report = snapshot.report(citation.report_id)
            citation.ocr = ocr_note(report.warnings) if report is not None else None
        if not answer.abstained and not answer.citations:
            log.error("every citation of the answer to %r failed verification: abstaining", question)
            answer.abstained = True
        if answer.abstained:
            issuers = analysis.issuers or sorted(
                {r.issuer or "" for rid in analysis.report_ids if (r := snapshot.report(rid)) is not None}
            )
            by_issuer = snapshot.derived("reports_by_issuer", lambda: _reports_by_issuer(snapshot))
            years = [r.year for issuer in issuers for r in by_issuer.get(issuer, ()) if r.year]
            if not says_missing:
                answer.answer = abstain_text(analysis, years, issuers)
            answer.citations = []
            answer.passages = passages
        answer.answer = plain_text(answer.answer)  # citizens get plain text; quotes stay verbatim
        answer.kind = analysis.kind
        t2 = time.perf_counter()
        answer.timings_ms = {
            "retrieve": (t1 - t0) * 1000,
            "answer": (t2 - t1) * 1000,
            "total": (t2 - t0) * 1000,
        }
        return answer


def _reports_by_issuer(snapshot: Snapshot) -> dict[str, list[ReportRecord]]:
    out: dict[str, list[ReportRecord]] = {}
    for r in snapshot.reports:
        out.setdefault(r.issuer or "", []).append(r)
    return out
