"""Start the Disclosure Assistant web app: ``python app.py [--host H] [--port P]``.

Settings come from ``DISCLOSURE_*`` variables (see index/config.py); the UI lives in assistant/ui/.
"""

from __future__ import annotations

import argparse
import logging
import sys

from index.config import Settings
from index.errors import DisclosureError


def main(argv: list[str] | None = None) -> int:
    """Parse --host/--port, configure logging, launch the app."""
    parser = argparse.ArgumentParser(description="政府信息公开年报问答 web app")
    parser.add_argument("--host", default=None, help="bind address (default 127.0.0.1 or DISCLOSURE_HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default 7860 or DISCLOSURE_PORT)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "jieba", "urllib3", "bm25s", "trafilatura", "pdfminer", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        settings = settings.with_(host=args.host or settings.host, port=args.port or settings.port)
        from assistant.ui.app import launch

        launch(settings)
    except DisclosureError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
