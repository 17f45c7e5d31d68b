"""A bulletin as a sequence of blocks (headings, paragraphs, tables, an image) that the DOCX and PDF writers
both render, so the two formats cannot say different things."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """A table of text cells: the header row, then the rows; ``note`` is printed under it; ``widths``
    the columns' relative widths (default equal)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Image:
    """A PNG image and its caption; ``width_cm`` on the page."""

    png: bytes
    caption: str
    width_cm: float = 15.0


Block = Heading | Paragraph | Table | Image


@dataclass(frozen=True)
class Document:
    """An official document (公文): issuing body, document number, title, date line, the blocks."""

    issuer: str
    number: str
    title: str
    issued_on: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
