"""The real corpus in ../shared: every file indexes, metadata matches, and the eval targets hold."""

from __future__ import annotations

import json

import pytest

from assistant.evaluate.run import run_eval
from index.config import Settings
from tests.conftest import SHARED, SHARED_CORPUS, SHARED_QA, needs_shared

pytestmark = [needs_shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_eval(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("shared-eval")
    settings = Settings.from_env().with_(data_dir=data)
    return run_eval(settings, SHARED_CORPUS, SHARED_QA, data_dir=data), settings


def test_every_file_indexes_and_round_trips(corpus_eval) -> None:  # type: ignore[no-untyped-def]
    report, settings = corpus_eval
    assert all(r.ok for r in report.ingest), [(r.source, r.error) for r in report.ingest if not r.ok]
    from index.storage.store import Store

    store = Store(settings)
    for rec in store.catalogue.reports():
        text = store.catalogue.report_text(rec.id)
        for chunk in store.catalogue.ready_chunks_of(rec.id):
            assert text[chunk.start : chunk.end] == chunk.text


def test_issuer_and_year_match_the_sources(corpus_eval) -> None:  # type: ignore[no-untyped-def]
    report, _ = corpus_eval
    expected = [
        json.loads(line) for line in (SHARED / "eval" / "corpus_sources.jsonl").read_text("utf-8").splitlines() if line
    ]
    got = {r.source: (r.issuer, r.year) for r in report.ingest}
    reports = [e for e in expected if e["issuer"]]
    hits = [e for e in reports if got.get(e["file"]) == (e["issuer"], e["year"])]
    misses = [(e["file"], e["issuer"], got.get(e["file"])) for e in reports if e not in hits]
    assert len(hits) / len(reports) >= 0.9, misses


def test_eval_targets(corpus_eval) -> None:  # type: ignore[no-untyped-def]
    report, _ = corpus_eval
    m = report.metrics
    assert m["accuracy_overall"] >= 0.90, m
    assert m["accuracy_by_kind"]["contact"]["accuracy"] >= 0.95, m
    assert m["abstention_accuracy"] >= 0.85, m
    assert m["citation_hit_rate"] >= 0.95, m
    assert m["invalid_citations"] == 0, m
