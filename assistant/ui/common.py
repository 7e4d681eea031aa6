"""Gradio glue shared by the tabs: user-facing errors, concurrency groups, the staff login row, progress adapter."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
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
#: Events of the staff tabs: off the public API, two at a time in the review group's queue.
STAFF_EVENTS: dict[str, Any] = {"api_visibility": "private", "concurrency_id": REVIEW_GROUP, "concurrency_limit": 2}


@dataclass
class StaffLogin:
    """A staff tab's login row: account, password, log in / log out buttons and the status line."""

    user: gr.Textbox
    password: gr.Textbox
    login: gr.Button
    logout: gr.Button
    status: gr.Markdown

    def on_login(self, fn: Callable[..., Any], outputs: list[Any]) -> None:
        """Run ``fn(user, password)`` on the button and on Enter in the password box."""
        for event in (self.login.click, self.password.submit):
            event(fn, inputs=[self.user, self.password], outputs=outputs, **STAFF_EVENTS)


def staff_login_row(prefix: str, login_label: str, logout_label: str) -> StaffLogin:
    """Lay out the login row; element ids are ``{prefix}-user``, ``-password``, ``-login``, ``-logout``, ``-status``."""
    with gr.Row():
        user = gr.Textbox(label="核对人员账号", scale=2, elem_id=f"{prefix}-user")
        password = gr.Textbox(label="核对人员密码", type="password", scale=2, elem_id=f"{prefix}-password")
        login = gr.Button(login_label, variant="primary", scale=1, elem_id=f"{prefix}-login")
        logout = gr.Button(logout_label, scale=1, elem_id=f"{prefix}-logout")
    status = gr.Markdown("未登录。", elem_id=f"{prefix}-status")
    return StaffLogin(user, password, login, logout, status)


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
