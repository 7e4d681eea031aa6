"""OCR on a realistic scan: a real PDF report rasterised, read back by OCR, and its eval questions asked.

    python bench/ocr.py --pdf ../shared/corpus2/nf01.pdf --reports DIR \
        --qa ../shared/eval/dev2_qa.jsonl --qa own_qa.jsonl [--manifest M] [--data-dir D] [--json OUT]

1. The PDF's pages are rendered at ``--dpi`` in grey, turned by ``--angle`` degrees and saved as
   JPEG images (``--quality``) in a new PDF without a text layer: what a scanner makes.
2. The scan is read by OCR page by page (time per page, CPU seconds a page: this process and its
   Tesseract children, which does not depend on the machine's load; words, mean confidence).
3. The folder ``--reports`` is copied with the scan in place of the original (same file name),
   indexed (``--data-dir`` reuses an index: only the scan is read again) and every question of
   the ``--qa`` files about that file is asked. A question counts as answered when the answer is
   right (the scoring of ``disclosure eval``) with a verified citation into the scan's OCR text;
   an unanswerable one when the assistant abstains.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.evaluate.run import run_eval
from index.config import Settings
from index.limits import Limits, reading_under
from index.load.ocr import OcrResult, ocr_pdf_pages


def make_scan(source: Path, target: Path, *, dpi: int, angle: float, quality: int) -> int:
    """``source`` rasterised to an image-only PDF at ``target``; returns the page count."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(source))
    pages = []
    for i in range(len(document)):
        image = document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if angle:
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pages.append(image)
    document.close()
    pages[0].save(target, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    return len(pages)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the Tesseract runs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=Path, required=True, help="a real report with a text layer")
    parser.add_argument("--reports", type=Path, help="the folder of reports it belongs to (default: only the scan)")
    parser.add_argument("--qa", type=Path, action="append", default=[], help="eval question files (repeatable)")
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--data-dir", type=Path, help="reuse this index (only the scan is read again)")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--angle", type=float, default=0.3, help="skew of the scan in degrees")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality of the scanned pages")
    parser.add_argument("--json", type=Path, help="write the figures and every answer here")
    parser.add_argument(
        "--original", action="store_true", help="ask the questions of the original (text layer) instead, for comparison"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    name = args.pdf.name
    out: dict[str, Any] = {"pdf": str(args.pdf), "dpi": args.dpi, "angle": args.angle, "quality": args.quality}
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        if args.reports:
            for path in sorted(args.reports.iterdir()):
                if path.is_file() and path.name != name:
                    shutil.copy(path, folder / path.name)
        scan = folder / name
        if args.original:
            shutil.copy(args.pdf, scan)
        pages = 0 if args.original else make_scan(args.pdf, scan, dpi=args.dpi, angle=args.angle, quality=args.quality)

        started, cpu_before = time.monotonic(), _cpu_seconds()
        with reading_under(Limits(timeout_s=3600)):
            result = ocr_pdf_pages(scan.read_bytes(), list(range(1, pages + 1))) if pages else OcrResult([])
        seconds, cpu = time.monotonic() - started, _cpu_seconds() - cpu_before
        out["ocr"] = {
            "pages": pages,
            "seconds": round(seconds, 1),
            "seconds_per_page": [round(p.seconds, 1) for p in result.pages],
            "cpu_seconds_per_page": round(cpu / pages, 1) if pages else None,
            "words": result.words,
            "mean_confidence": round(result.mean_confidence or 0.0, 1),
        }
        if pages:
            print(
                f"OCR: {pages} pages in {seconds:.1f} s ({seconds / pages:.1f} s a page: "
                f"{', '.join(f'{p.seconds:.1f}' for p in result.pages)}; {cpu / pages:.1f} CPU s a page), "
                f"{result.words} words, "
                f"mean confidence {result.mean_confidence or 0:.1f}%"
            )

        questions = [
            item
            for qa in args.qa
            for item in (json.loads(line) for line in qa.read_text(encoding="utf-8").splitlines() if line.strip())
            if item["file"] == name
        ]
        if not questions:
            print(f"no questions about {name} in {', '.join(map(str, args.qa)) or 'no --qa file'}")
            return 0
        qa_path = Path(tmp) / "qa.jsonl"
        qa_path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
        settings = Settings.from_env()
        report = run_eval(settings, [folder], qa_path, data_dir=args.data_dir, manifest=args.manifest)
        scanned = next((r for r in report.ingest if r.source == name), None)
        if scanned is None or not scanned.ok:
            print(f"the scan was not indexed: {scanned.error if scanned else 'missing'}")
            return 1
        rows = []
        for item, row in zip(questions, report.rows, strict=True):
            into_scan = [c for c in row["citations"] if c["source"] == name]
            if item["kind"] == "unanswerable":
                ok = bool(row["abstained"])
            else:
                ok = bool(row.get("_correct")) and bool(into_scan)
            rows.append({"id": item["id"], "kind": item["kind"], "ok": ok, "gold": item["answer"], **row})
            mark = "ok  " if ok else "MISS"
            print(
                f"{mark} {item['id']:9} {item['kind']:12} gold={item['answer'][:30]!r:34} answer={row['answer'][:60]!r}"
            )
        answered = sum(r["ok"] for r in rows)
        print(
            f"{answered}/{len(rows)} = {answered / len(rows):.0%} of {name}'s questions answered with a verified "
            f"citation into its {'text' if args.original else 'OCR text'} (unanswerable ones: abstained); invalid citations: "
            f"{report.metrics.get('invalid_citations', 0)}"
        )
        out["answered"] = answered
        out["questions"] = len(rows)
        out["rows"] = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
