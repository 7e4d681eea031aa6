"""The one user-facing error type, shown by the CLI and the UI as a plain message."""

from __future__ import annotations


class DisclosureError(Exception):
    """A problem the user can act on: the message names the file or setting and the reason."""


class IngestError(DisclosureError):
    """A file that cannot be indexed; ``str(err)`` names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str]]:
        # pickled across the reader worker's process boundary (index.load.worker)
        return (type(self), (self.source, self.reason))
