"""Gradio glue shared by the tabs: user-facing errors, concurrency groups, progress adapter."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from index.errors import DisclosureError

log = logging.getLogger(__name__)

#: Chat and /ask share one queue group; admin jobs (ingest, delete, re-index) another with a
#: single slot, so a long re-index never holds up the citizens' questions.
CHAT_GROUP = "chat"
CHAT_LIMIT = 4
ADMIN_GROUP = "admin"
REVIEW_GROUP = "review"


def shown_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a DisclosureError into a gr.Error (a plain message in the UI, no traceback)."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except DisclosureError as exc:
                raise gr.Error(str(exc)) from exc

        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DisclosureError as exc:
            raise gr.Error(str(exc)) from exc

    return wrapper


def progress_callback(progress: gr.Progress, label: str) -> Callable[[float, float, str], None]:
    """Adapt the Indexer's progress(done, total, message) calls to a Gradio progress bar."""

    def update(done: float, total: float, message: str) -> None:
        progress((done / total) if total else 0.0, desc=f"{label}：{message}")

    return update
