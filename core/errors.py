"""The exceptions Lantian raises, rooted at LantianError: a vocabulary key, its values, and what a person needs
to act (file, row, field), rendered in the reader's language."""
from __future__ import annotations

from typing import Any


class LantianError(Exception):
    """Root of every error this project raises on purpose.

    ``key`` names the message in core.vocabulary (``error.*``); ``values`` fill its placeholders and may
    be Terms (a state, a role) rendered in the reader's language. ``render(lang)`` is what a page shows;
    ``str()`` is Chinese and English, as the command line prints it."""

    def __init__(self, key: str, /, **values: Any):
        self.key, self.values = key, values
        super().__init__(key)

    def message(self, lang: str) -> str:
        """The message alone, without where it was found."""
        from core.vocabulary import translate

        return translate(self.key, lang, **self.values)

    def render(self, lang: str) -> str:
        return self.message(lang)

    def __str__(self) -> str:
        from core.vocabulary import both_languages

        return both_languages(self.render)


class BadInputError(LantianError):
    """Input that cannot be accepted; names the file, the row (or, with ``unit='feature'``, the feature)
    and the field when known."""

    def __init__(self, key: str, /, *, file: str | None = None, row: int | None = None, field: str | None = None,
                 unit: str = "row", **values: Any):
        self.file, self.row, self.field, self.unit = file, row, field, unit
        super().__init__(key, **values)

    def render(self, lang: str) -> str:
        from core.vocabulary import label, translate

        # A file's field is named by its header, as the file has it; a page's field as the page labels it.
        field = self.field if self.file else label("input_field", self.field, lang)
        parts = [translate("where.file", lang, file=self.file) if self.file else "",
                 translate(f"where.{self.unit}", lang, row=self.row) if self.row is not None else "",
                 translate("where.field", lang, field=field) if self.field else ""]
        where = translate("where.separator", lang).join(part for part in parts if part)
        message = self.message(lang)
        return translate("where.message", lang, where=where, message=message) if where else message


class PermissionDeniedError(LantianError):
    """The acting user's role or township does not allow the action."""


class ConflictError(LantianError):
    """The thing was changed by someone else, or the action does not fit its current state."""


class StoreBusyError(LantianError):
    """Another process holds the store for writing longer than we were willing to wait."""


class SignInThrottledError(LantianError):
    """Too many failed sign-ins of an account or from a client: the next attempt has to wait."""


class StoreFileError(LantianError):
    """The store file cannot be used: damaged, not a DuckDB file, another program's database, or a full disk."""


class SetupError(LantianError):
    """The machine lacks something installed that a feature needs (a CJK font for a PDF)."""
