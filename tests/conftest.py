"""Shared fixtures: a data directory per test, a built index shared by the answer tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.config import Settings

TESTS = Path(__file__).resolve().parent
SEED = TESTS / "data" / "changzhou-jgsw-2021.txt"
SHARED = TESTS.parents[1] / "shared"
SHARED_CORPUS = SHARED / "corpus"
SHARED_QA = SHARED / "eval" / "dev_qa.jsonl"

needs_shared = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not present")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data directory at this test's tmp_path, so no test touches a real index."""
    data = tmp_path / "data"
    monkeypatch.setenv("DISCLOSURE_DATA_DIR", str(data))
    for name in (
        "DISCLOSURE_EMBEDDING_MODEL",
        "DISCLOSURE_CHROMA_HOST",
        "DISCLOSURE_LLM_BASE_URL",
        "DISCLOSURE_LLM_GGUF",
    ):
        monkeypatch.delenv(name, raising=False)
    return data


@pytest.fixture
def settings(_data_dir: Path) -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One index (seed report + two years of a written report + one other body), built once."""
    from index.ingest import Indexer
    from tests.factories import template_report, write_report

    root = tmp_path_factory.mktemp("built")
    reports = root / "reports"
    reports.mkdir()
    shutil.copy(SEED, reports / SEED.name)
    write_report(reports, "shili-2022.txt", template_report(year=2022, new_requests=12))
    write_report(
        reports,
        "shili-2023.txt",
        template_report(year=2023, new_requests=47, phone="0510-22223333", info_fee="全年收取信息处理费120元。"),
    )
    write_report(
        reports,
        "other-2023.txt",
        template_report(issuer="样本县交通运输局", year=2023, new_requests=5, phone="0799-7654321"),
        encoding="gb18030",
    )
    settings = Settings.from_env().with_(data_dir=root / "data")
    results = Indexer(settings).ingest([reports])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    yield settings
