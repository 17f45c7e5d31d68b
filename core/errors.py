"""The exceptions Lantian raises, rooted at LantianError, carrying what a person needs to act."""
from __future__ import annotations


class LantianError(Exception):
    """Root of every error this project raises on purpose."""


class BadInputError(LantianError):
    """Input that cannot be accepted; names the file, row (or feature) and field when known."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None):
        self.file, self.row, self.field, self.reason = file, row, field, message
        where = ", ".join(part for part in (
            f"file {file}" if file else "",
            f"row {row}" if row is not None else "",
            f"field '{field}'" if field else "",
        ) if part)
        super().__init__(f"{where}: {message}" if where else message)


class PermissionDeniedError(LantianError):
    """The acting user's role or township does not allow the action."""


class ConflictError(LantianError):
    """The thing was changed by someone else, or the action does not fit its current state."""


class StoreBusyError(LantianError):
    """Another process holds the store for writing longer than we were willing to wait."""
