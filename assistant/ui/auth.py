"""Admin login for the 报告管理 tab: credentials from settings, server-side session tokens.

The citizen chat stays open to everyone, so the app does not use ``launch(auth=...)``; instead
the admin tab logs in by itself and every admin handler calls :meth:`AdminAuth.require`.
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


class AdminAuth:
    """Checks the configured admin credentials and hands out expiring session tokens."""

    def __init__(self, settings: Settings, ttl_s: float = 8 * 3600) -> None:
        self._user = settings.admin_user or ""
        self._password = settings.admin_password or ""
        self.ttl_s = ttl_s
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._user and self._password)

    def login(self, user: str | None, password: str | None) -> str:
        """A new session token for the right credentials; DisclosureError otherwise."""
        if not self.enabled:
            raise DisclosureError(DISABLED_MESSAGE)
        user_ok = hmac.compare_digest((user or "").encode("utf-8"), self._user.encode("utf-8"))
        password_ok = hmac.compare_digest((password or "").encode("utf-8"), self._password.encode("utf-8"))
        if not (user_ok and password_ok):
            log.warning("admin login failed for user %r", user)
            raise DisclosureError("用户名或密码错误。")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = time.monotonic() + self.ttl_s
        log.info("admin %r logged in", user)
        return token

    def logout(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def is_valid(self, token: str | None) -> bool:
        if not self.enabled or not token:
            return False
        now = time.monotonic()
        with self._lock:
            for known, expiry in list(self._sessions.items()):
                if expiry < now:
                    del self._sessions[known]
            return any(hmac.compare_digest(token.encode(), known.encode()) for known in self._sessions)

    def require(self, token: str | None) -> None:
        """Raise unless ``token`` is a live admin session (every admin handler calls this first)."""
        if not self.enabled:
            raise DisclosureError(DISABLED_MESSAGE)
        if not self.is_valid(token):
            raise DisclosureError("需要管理员登录（或登录已过期），请先登录。")
