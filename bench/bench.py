"""Benchmark: ingest throughput, warm ``ask`` latency, peak RSS and index size at several corpus sizes.

Not a test: it prints a Markdown table (and the machine it ran on) to stdout, progress to stderr.

    python bench/bench.py --sizes 30,300 [--questions 40] [--json out.json] [--workdir DIR]

Corpus: the real reports in ``../shared/corpus`` (the .docx template skipped) or, without it, the
bundled sample report plus reports from ``tests/factories.template_report``. Larger sizes are made
by replicating those reports under synthetic issuers (distinct Chinese place names) and shifted
years: the issuer's name, its place and the place's stem are rewritten everywhere in the text, the
report year and the publish year are shifted together, and a title line is prepended only when the
rewritten text would not otherwise parse to the new issuer and year. Size N is the first N of one
fixed sequence, so smaller corpora are subsets of larger ones; the first copy of each source is the
original file itself.

Each size runs in its own fresh subprocess (own data directory, own empty embedding cache), so the
peak RSS of one size is not the peak of another. The embedding cache is keyed by chunk text, and
replicas share every chunk that names neither the issuer nor a shifted year with earlier copies of
the same source: the table shows how many chunk embeddings were computed and how many came from the
cache, and a separate "cold" embedder rate (fresh texts, no cache) lets a reader extrapolate to a
corpus of distinct reports.

One file of about 700 lines on purpose: it is a standalone script (run as ``python bench/bench.py``,
re-invoking itself per size), not part of the packages, so corpus replication, the child process
and the report writer stay together.
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

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

log = logging.getLogger("bench")

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLE_REPORTS = ROOT / "assistant" / "sample_reports"
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
    """The k-th synthetic two-character place stem (distinct for k < len(PLACE_CHARS) ** 2)."""
    n = len(PLACE_CHARS)
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


def run_size(n: int, workdir: Path, n_questions: int, repeats: int) -> dict[str, object]:
    """Everything for one corpus size; runs in its own subprocess."""
    from tqdm import tqdm

    from assistant.service import Assistant
    from index.config import Settings
    from index.ingest import Indexer
    from index.storage.store import Store

    root = workdir / f"size-{n}"
    if root.exists():
        shutil.rmtree(root)
    reports_dir, data_dir = root / "reports", root / "data"
    t0 = time.perf_counter()
    sources, origin = load_sources()
    counts = build_corpus(sources, n, reports_dir)
    build_s = time.perf_counter() - t0

    settings = Settings.from_env().with_(data_dir=data_dir, chroma_host=None)
    store = Store(settings)
    t0 = time.perf_counter()
    store.embeddings.inner.embed_query("预热")  # model load outside the timed ingest
    _ = store.vectors
    load_s = time.perf_counter() - t0

    bar = tqdm(total=n, desc=f"ingest {n}", unit="report", file=sys.stderr, leave=False)

    def progress(done: float, total: float, message: str) -> None:
        bar.update(int(done) - bar.n)

    t0 = time.perf_counter()
    results = Indexer(settings, store).ingest([reports_dir], progress)
    ingest_s = time.perf_counter() - t0
    bar.close()
    emb = store.embeddings
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    chunks = sum(r.chunks for r in results)
    pairs = {(r.issuer, r.year) for r in results if r.ok}

    assistant = Assistant(settings, store)
    assistant.warm_up()
    reports = store.catalogue.reports()
    questions = make_questions(reports, n_questions)
    for _, q, _, _ in questions[:5]:  # warm-up: first touches of every code path
        assistant.ask(q)
    lat: list[float] = []
    answered = on_target = named_answered = 0
    by_kind: dict[str, list[float]] = {}
    for rep in range(repeats):
        for kind, q, issuer, year in tqdm(
            questions, desc=f"ask {n} ({rep + 1}/{repeats})", file=sys.stderr, leave=False
        ):
            t = time.perf_counter()
            ans = assistant.ask(q)
            ms = (time.perf_counter() - t) * 1000
            lat.append(ms)
            by_kind.setdefault(kind, []).append(ms)
            if rep == 0 and not ans.abstained:
                answered += 1
                if issuer and issuer in q and kind != "unanswerable":
                    named_answered += 1
                    same_year = str(year) not in q or all(c.year == year for c in ans.citations)
                    if all(c.issuer == issuer for c in ans.citations) and same_year:
                        on_target += 1
    data_bytes = dir_size(data_dir)
    parts = {name: dir_size(data_dir / name) for name in ("chroma", "bm25", "files") if (data_dir / name).is_dir()}
    parts["catalogue.sqlite3"] = sum(p.stat().st_size for p in data_dir.glob("catalogue.sqlite3*"))  # with -wal
    return {
        "size": n,
        "origin": origin,
        "sources": len(sources),
        "replicas": counts,
        "build_corpus_s": build_s,
        "model_load_s": load_s,
        "statuses": statuses,
        "chunks": chunks,
        "issuer_year_pairs": len(pairs),
        "issuers": len({p[0] for p in pairs}),
        "ingest_s": ingest_s,
        "reports_per_s": n / ingest_s,
        "chunks_per_s": chunks / ingest_s,
        "embeddings_computed": emb.computed,
        "embeddings_cached": emb.cache_hits,
        "questions": len(questions),
        "ask_samples": len(lat),
        "ask_p50_ms": percentile(lat, 50),
        "ask_p95_ms": percentile(lat, 95),
        "ask_mean_ms": statistics.fmean(lat),
        "ask_max_ms": max(lat),
        "ask_p50_by_kind_ms": {k: percentile(v, 50) for k, v in sorted(by_kind.items())},
        "answered": answered,
        "named_answered": named_answered,
        "named_answered_on_issuer": on_target,
        "peak_rss_mib": peak_rss_mib(),
        "index_bytes": data_bytes,
        "index_parts_bytes": parts,
    }


def run_cold(n_texts: int) -> dict[str, object]:
    """The embedder alone on distinct chunk texts (no cache): what a corpus of new reports costs."""
    from index.chunk import chunk_report
    from index.config import Settings
    from index.parse import parse_report
    from index.storage.embed import make_embeddings
    from index.text.searchform import build_search_form

    sources, _ = load_sources()
    texts: list[str] = []
    for s in sources:
        form = build_search_form(s.text)
        for c in chunk_report(s.text, form, parse_report(s.text, form).sections):
            if c.search_text not in texts:
                texts.append(c.search_text)
    k = 0
    while len(texts) < n_texts:  # too few distinct chunks: the same texts under other issuer names
        src = texts[k % len(texts)]
        texts.append(f"{place_stem(10_000 + k)}区人民政府：{src}")
        k += 1
    texts = texts[:n_texts]
    settings = Settings.from_env()
    t0 = time.perf_counter()
    emb = make_embeddings(settings.embedding_model, settings.embedding_device)
    emb.embed_query("预热")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, len(texts), 16):  # the batch size CachedEmbeddings uses
        emb.embed_documents(texts[i : i + 16])
    embed_s = time.perf_counter() - t0
    return {
        "texts": len(texts),
        "mean_chars": statistics.fmean(len(t) for t in texts),
        "model": settings.embedding_model,
        "model_load_s": load_s,
        "embed_s": embed_s,
        "chunks_per_s": len(texts) / embed_s,
        "s_per_chunk": embed_s / len(texts),
        "peak_rss_mib": peak_rss_mib(),
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


def render(
    results: list[dict[str, object]],
    cold: dict[str, object] | None,
    m: dict[str, object],
    started: float,
    load_end: tuple[float, float, float],
) -> str:
    load = ", ".join(f"{x:.2f}" for x in m["loadavg"])  # type: ignore[union-attr]
    load2 = ", ".join(f"{x:.2f}" for x in load_end)
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['ram_gib']:.1f} GiB RAM, Python {m['python']}, {m['os']}.",
        f"Load average at start {load}, at end {load2} (other jobs share the cores: figures are noisy). "
        f"Run took {(time.time() - started) / 60:.1f} min; {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
    ]
    if results:
        r0 = results[0]
        lines.append(
            f"Corpus: {r0['origin']}, replicated under synthetic issuers and shifted years. "
            "Each size ran in a fresh subprocess with an empty data directory and embedding cache."
        )
        lines.append("")
        head = "| | " + " | ".join(f"{r['size']:,} reports" for r in results) + " |"
        lines += [head, "| --- |" + " ---: |" * len(results)]

        def row(label: str, fn) -> None:  # type: ignore[no-untyped-def]
            lines.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

        row(
            "indexed / failed",
            lambda r: (
                f"{r['statuses'].get('indexed', 0) + r['statuses'].get('replaced', 0)} / {r['statuses'].get('failed', 0)}"
            ),
        )
        row("distinct issuers / issuer-year pairs", lambda r: f"{r['issuers']} / {r['issuer_year_pairs']}")
        row("chunks", lambda r: f"{r['chunks']:,}")
        row("ingest time", lambda r: f"{r['ingest_s']:.1f} s")
        row("ingest throughput", lambda r: f"{r['reports_per_s']:.2f} reports/s, {r['chunks_per_s']:.1f} chunks/s")
        row(
            "chunk embeddings computed / from cache",
            lambda r: f"{r['embeddings_computed']:,} / {r['embeddings_cached']:,}",
        )
        row("`ask` p50 / p95 (warm)", lambda r: f"{r['ask_p50_ms']:.0f} ms / {r['ask_p95_ms']:.0f} ms")
        row(
            "`ask` samples (questions × passes)",
            lambda r: f"{r['ask_samples']} ({r['questions']} × {r['ask_samples'] // max(1, r['questions'])})",
        )
        row("questions answered (not abstained)", lambda r: f"{r['answered']} / {r['questions']}")
        row("peak RSS (fresh process)", lambda r: f"{r['peak_rss_mib']:.0f} MiB")
        row("index size on disk", lambda r: fmt_mib(r["index_bytes"]))
        row(
            "… catalogue (with WAL) / chroma / bm25 / stored files",
            lambda r: " / ".join(
                fmt_mib(r["index_parts_bytes"].get(k, 0)) for k in ("catalogue.sqlite3", "chroma", "bm25", "files")
            ),
        )
        row("model load (not in ingest time)", lambda r: f"{r['model_load_s']:.1f} s")
        lines.append("")
    if cold:
        lines.append(
            f"Cold embedding rate ({cold['model']}, {cold['texts']} distinct chunks of {cold['mean_chars']:.0f} chars "
            f"on average, no cache, batches of 16): **{cold['chunks_per_s']:.1f} chunks/s** "
            f"({cold['s_per_chunk']:.2f} s per chunk)."
        )
        for r in results:
            per_report = r["chunks"] / r["size"]
            lines.append(
                f"- {r['size']:,} reports: {r['embeddings_cached']:,} of {r['chunks']:,} chunk embeddings came from the "
                f"cache; {r['size']:,} *distinct* reports of {per_report:.1f} chunks each would need about "
                f"{r['chunks'] / cold['chunks_per_s'] / 60:.1f} min of embedding alone at the cold rate."
            )
        lines.append("")
    lines.append(
        "Latency is wall time around `Assistant.ask` (extractive answerer, no LLM), after `warm_up()` and "
        "five warm-up questions; p95 of so few samples is close to the maximum."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------------- main


def child(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir)
    out = (
        run_cold(args.cold_texts)
        if args.child == "cold"
        else run_size(int(args.child), workdir, args.questions, args.repeats)
    )
    Path(args.child_out).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


def spawn(kind: str, workdir: Path, args: argparse.Namespace) -> dict[str, object]:
    out = workdir / f"result-{kind}.json"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--child-out",
        str(out),
        "--workdir",
        str(workdir),
        "--questions",
        str(args.questions),
        "--repeats",
        str(args.repeats),
        "--cold-texts",
        str(args.cold_texts),
    ]
    if args.verbose:
        cmd.append("-v")
    log.info("running %s", kind)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    log.info("%s done in %.0f s", kind, time.perf_counter() - t0)
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", action="append", default=None, help="comma-separated corpus sizes; may repeat (default 30,300)"
    )
    parser.add_argument("--questions", type=int, default=40, help="questions per size (default 40)")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes over the questions (default 2)")
    parser.add_argument("--cold-texts", type=int, default=64, help="distinct chunks for the cold embedding rate")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold embedding rate")
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
    if args.plan:
        print(plan(sizes))
        return 0
    started = time.time()
    m = machine()
    keep = args.workdir is not None
    workdir = Path(args.workdir) if keep else Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        cold = None if args.no_cold else spawn("cold", workdir, args)
        results = [spawn(str(n), workdir, args) for n in sizes]
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    table = render(results, cold, m, started, os.getloadavg())
    print(table)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": m, "cold": cold, "sizes": results}, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
