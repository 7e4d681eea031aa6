"""Logins for the 报告管理 (admin) and 引用核对 (staff) tabs: credentials from settings, server-side session tokens.

The citizen chat stays open to everyone, so the app does not use ``launch(auth=...)``; instead
each protected tab logs in by itself and every one of its handlers calls ``require`` on its
own :class:`AdminAuth` / :class:`StaffAuth` (admins may log in to 引用核对 too).
Tokens live only in this process (a restart logs everyone out) and expire after ``ttl_s``.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time

from index.config import Settings
from index.errors import DisclosureError

log = logging.getLogger(__name__)

DISABLED_MESSAGE = "管理功能未开启。请设置环境变量 DISCLOSURE_ADMIN_USER 和 DISCLOSURE_ADMIN_PASSWORD 后重新启动应用。"
STAFF_DISABLED_MESSAGE = (
    "引用核对功能未开启。请设置环境变量 DISCLOSURE_STAFF_USER 和 DISCLOSURE_STAFF_PASSWORD"
    "（或管理员账号 DISCLOSURE_ADMIN_USER / DISCLOSURE_ADMIN_PASSWORD）后重新启动应用。"
)


class SessionAuth:
    """Checks configured accounts and hands out expiring session tokens (one role per instance)."""

    role = "session"
    disabled_message = DISABLED_MESSAGE
    login_needed = "需要登录（或登录已过期），请先登录。"

    def __init__(self, accounts: list[tuple[str | None, str | None]], ttl_s: float = 8 * 3600) -> None:
        self._accounts = [(user, password) for user, password in accounts if user and password]
        self.ttl_s = ttl_s
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._accounts)

    def _matches(self, user: str | None, password: str | None) -> bool:
        given_user = (user or "").encode("utf-8")
        given_password = (password or "").encode("utf-8")
        ok = False
        for known_user, known_password in self._accounts:  # compare with every account: no early exit
            user_ok = hmac.compare_digest(given_user, (known_user or "").encode("utf-8"))
            password_ok = hmac.compare_digest(given_password, (known_password or "").encode("utf-8"))
            ok = ok or (user_ok and password_ok)
        return ok

    def login(self, user: str | None, password: str | None) -> str:
        """A new session token for the right credentials; DisclosureError otherwise."""
        if not self.enabled:
            raise DisclosureError(self.disabled_message)
        if not self._matches(user, password):
            log.warning("%s login failed for user %r", self.role, user)
            raise DisclosureError("用户名或密码错误。")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = time.monotonic() + self.ttl_s
        log.info("%s %r logged in", self.role, user)
        return token

    def logout(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def is_valid(self, token: str | None) -> bool:
        if not self.enabled or not token or not isinstance(token, str):
            return False
        now = time.monotonic()
        with self._lock:
            for known, expiry in list(self._sessions.items()):
                if expiry < now:
                    del self._sessions[known]
            return any(hmac.compare_digest(token.encode(), known.encode()) for known in self._sessions)

    def require(self, token: str | None) -> None:
        """Raise unless ``token`` is a live session (every handler of the role calls this first)."""
        if not self.enabled:
            raise DisclosureError(self.disabled_message)
        if not self.is_valid(token):
            raise DisclosureError(self.login_needed)


class AdminAuth(SessionAuth):
    """The admin account (``DISCLOSURE_ADMIN_USER`` / ``DISCLOSURE_ADMIN_PASSWORD``) for 报告管理."""

    role = "admin"
    disabled_message = DISABLED_MESSAGE
    login_needed = "需要管理员登录（或登录已过期），请先登录。"

    def __init__(self, settings: Settings, ttl_s: float = 8 * 3600) -> None:
        super().__init__([(settings.admin_user, settings.admin_password)], ttl_s)


class StaffAuth(SessionAuth):
    """Staff (``DISCLOSURE_STAFF_USER`` / ``DISCLOSURE_STAFF_PASSWORD``) and admins, for 引用核对.

    The Q&A log holds citizens' questions: reading it, exporting it and recording verdicts all
    need a staff session; with no account configured the tab is off.
    """

    role = "staff"
    disabled_message = STAFF_DISABLED_MESSAGE
    login_needed = "需要核对人员登录（或登录已过期），请先登录。"

    def __init__(self, settings: Settings, ttl_s: float = 8 * 3600) -> None:
        super().__init__(
            [(settings.staff_user, settings.staff_password), (settings.admin_user, settings.admin_password)], ttl_s
        )
