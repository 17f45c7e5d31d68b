"""A register's columns described once: the headers that may hold each field, how its text is read and
checked, and the header and example row its template shows."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.vocabulary import Term, term
from ingest.common import TextTable, find_column, header_key, missing_columns_error, parse_numbers, parse_times

# What officials write for yes and no in a checklist column (六个百分百, 是否苫盖 ...).
YES_WORDS = frozenset({"是", "有", "已", "√", "✓", "✔", "y", "yes", "true", "1", "达标", "合格", "落实", "已落实",
                       "到位", "已覆盖", "覆盖", "已苫盖", "苫盖"})
NO_WORDS = frozenset({"否", "无", "未", "×", "✗", "✘", "n", "no", "false", "0", "不达标", "未达标", "不合格",
                      "未落实", "不到位", "未覆盖", "未苫盖"})


# Longest text a cell may hold: a name or a note, never a pasted file that every visitor would be sent.
MAX_TEXT_CHARS = 1000


@dataclass(frozen=True)
class Reader:
    """Text → stored value of a coded field (None when the text is not one), what a person should have
    written instead, and the stored dtype ('object' or 'Int64')."""

    read: Callable[[str], object]
    expected: Term
    dtype: str = "object"


def vocabulary_reader(mapping: Mapping[str, str], expected: Term) -> Reader:
    """A Reader looking the text up (stripped, lower case) in ``mapping``."""
    return Reader(lambda text: mapping.get(text.strip().lower()), expected)


def yes_no(text: str) -> bool | None:
    """True or False for what officials write as yes or no (是/否, √/×, 达标/未达标 ...), else None."""
    word = text.strip().lower()
    return True if word in YES_WORDS else False if word in NO_WORDS else None


@dataclass(frozen=True)
class Field:
    """One stored column: the headers that may hold it (header_key form, preferred first), how its text is
    read (text, number, integer, time, date, boolean, or a Reader), whether a row needs it, the range a
    number must lie in, the longest text (``max_chars``), and what its template shows: ``header`` (an accepted header, with its unit;
    default the first alias) and ``example``; ``label`` names it in messages (a ``column.*`` key)."""

    name: str
    aliases: tuple[str, ...]
    reader: str | Reader = "text"
    required: bool = False
    bounds: tuple[float, float] | None = None
    header: str | None = None
    example: str | None = None
    label: str | None = None  # the vocabulary key naming the field in a message (default: its header)
    max_chars: int = MAX_TEXT_CHARS  # longest text accepted: a name or a note, never a pasted file sent to every visitor

    def __post_init__(self):
        # The template's header is always one the importer reads.
        if self.header is not None and header_key(self.header) not in self.aliases:
            object.__setattr__(self, "aliases", (*self.aliases, header_key(self.header)))

    @property
    def template_header(self) -> str:
        return self.header or self.aliases[0]


def text_values(source: TextTable, column: str, max_chars: int = MAX_TEXT_CHARS) -> pd.Series:
    """A column as stripped text, blanks as None; a text longer than ``max_chars`` is a problem of its row."""
    values = source.table[column].to_pandas().str.strip().astype(object)
    long = values.str.len() > max_chars
    if long.any():
        source.log.add(np.flatnonzero(long.to_numpy()), column, values[long].str.slice(0, 40) + "…",
                       term("reason.text_too_long", max=max_chars, length=int(values[long].str.len().max())))
    return values.where(values.notna() & (values != ""), None)


def read_field(source: TextTable, column: str | None, item: Field, rows: int) -> pd.Series:
    """The field's values (None, NaN or NaT where blank or absent); problems go to the source's log."""
    log = source.log
    if column is None:
        return pd.Series([None] * rows, dtype=object)
    text = text_values(source, column, item.max_chars)
    if item.required:
        blank = text.isna()
        log.add(np.flatnonzero(blank.to_numpy()), column, text[blank], term("reason.expected_field", field=column))
    if item.reader == "text":
        return text
    if item.reader == "time":
        return parse_times(source, column)
    if item.reader == "date":
        days = pd.to_datetime(text, errors="coerce")
        bad = days.isna() & text.notna()
        log.add(np.flatnonzero(bad.to_numpy()), column, text[bad], term("reason.expected_date_example"))
        return days.dt.date.astype(object).where(days.notna(), None)
    if item.reader in ("number", "integer"):
        values = parse_numbers(source, column)
        if item.reader == "integer":
            fractional = ~np.isnan(values) & (values != np.round(values))
            log.add(np.flatnonzero(fractional), column, values[fractional], term("reason.expected_whole_number"))
        if item.bounds:
            low, high = item.bounds
            outside = ~np.isnan(values) & ((values < low) | (values > high))
            log.add(np.flatnonzero(outside), column, values[outside], term("reason.expected_range", low=low, high=high))
        series = pd.Series(values)
        return series.round().astype("Int64") if item.reader == "integer" else series
    reader = Reader(yes_no, term("reason.expected_yes_no")) if item.reader == "boolean" else item.reader
    values = text.map(lambda value: None if pd.isna(value) else reader.read(value))
    bad = values.isna() & text.notna()
    log.add(np.flatnonzero(bad.to_numpy()), column, text[bad], reader.expected)
    return values.astype(reader.dtype)


def read_fields(source: TextTable, fields: Sequence[Field], *, optional: Sequence[str] = ()) -> tuple[pd.DataFrame,
                                                                                                     dict[str, str]]:
    """Every field of ``fields`` read from ``source`` (one column each, in order) and the column each
    was found in. A required field whose column is missing refuses the file, unless it is named in
    ``optional`` (the caller derives it, e.g. an id made from the row's other values)."""
    columns = source.columns
    frame = pd.DataFrame(index=range(len(source)))
    found: dict[str, str] = {}
    for item in fields:
        column = find_column(columns, item.aliases)
        if column is None and item.required and item.name not in optional:
            what = term(item.label) if item.label else item.template_header
            raise missing_columns_error(source.path, what, item.aliases, columns)
        if column is not None:
            found[item.name] = column
        frame[item.name] = read_field(source, column, item, len(source)).set_axis(frame.index)
    return frame, found


def aliases_of(*headers: str) -> tuple[str, ...]:
    """Headers as they are written (Chinese, English, with units) in the header_key form find_column matches."""
    return tuple(dict.fromkeys(header_key(header) for header in headers))


def spelled(mapping: Mapping[str, str], code: object) -> object:
    """How an official writes ``code`` in a register: the first Chinese word ``mapping`` reads as it
    (diesel → 柴油), else the code itself (None stays None)."""
    if code is None or (isinstance(code, float) and np.isnan(code)):
        return None
    for word, value in mapping.items():
        if value == code and any("\u4e00" <= char <= "\u9fff" for char in word):
            return word
    return code
