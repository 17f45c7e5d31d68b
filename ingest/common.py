"""What every importer shares: reading text tables (CSV in UTF-8 or GBK, Excel, Parquet), recognising
headers, parsing numbers, collecting bad rows, refusing or skipping them, and the report an import returns."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from charset_normalizer import from_bytes
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from tqdm import tqdm

from core.errors import BadInputError
from core.timeutil import BEIJING, now_beijing
from core.vocabulary import Term, term, translate
from hotspots.exports import defuse_formulas

# Files smaller than this read too fast for a progress bar to help.
PROGRESS_MIN_BYTES = 1_000_000
# The non-UTF-8 encodings Chinese registers come in, and how much less garbled (charset-normalizer's chaos)
# one reading must be than the other for the file to be read at all.
LEGACY_ENCODINGS = ("gb18030", "big5")
ENCODING_MARGIN = 0.005
# The years a measurement, a fire point or an event can plausibly carry; later than a day from now is a typo.
EARLIEST_TIME = pd.Timestamp("1980-01-01")
FUTURE_ALLOWANCE = pd.Timedelta(days=1)
# Characters no register has reason to hold (tab, line feed and carriage return are allowed in cells).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# Searched for instead of stripping a copy of a file of a hundred megabytes.
_VISIBLE_BYTE = re.compile(rb"\S")
# Every byte but those characters: deleting them from UTF-8 text leaves only its control characters (a
# multi-byte UTF-8 sequence never holds a byte below 0x80).
_NOT_CONTROL_BYTES = bytes(sorted(set(range(256)) - {*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f}))
NULL_TOKENS = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "-", "--", "—", "#N/A"]
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class ImportReport:
    """What one import did: rows (points, features) new, updated, unchanged and rejected.

    ``what`` names what was imported (``imported.*``); ``flagged`` counts stored rows with a non-zero
    quality flag; ``notes`` are lines a person should read (stations without coordinates, repaired
    polygons, ignored columns...), each rendered with ``note.render(lang)``; ``rejected_files`` are the
    CSVs holding rejected rows with their reasons (only with skip_bad_rows), ``rejected_downloads`` the
    same for an upload, as (name, bytes).
    """

    what: Term
    files: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    flagged: int = 0
    notes: list[Term] = field(default_factory=list)
    rejected_files: list[Path] = field(default_factory=list)
    # An upload's rejected-rows files, kept in memory (name, CSV bytes): their folder is gone after it.
    rejected_downloads: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.new + self.updated + self.unchanged

    def render(self, lang: str) -> str:
        """The summary, so a report can stand as a value in a message (rendered in its reader's language)."""
        return self.summary(lang)

    def summary(self, lang: str = "zh") -> str:
        """One line for the CLI and the upload page, in ``lang``."""
        files = self.files[0] if len(self.files) == 1 else term("note.file_count", count=len(self.files))
        line = translate("note.import_summary", lang, what=self.what, files=files, new=self.new,
                         updated=self.updated, unchanged=self.unchanged, rejected=self.rejected)
        if self.flagged:
            line += translate("note.import_flagged", lang, count=self.flagged)
        if self.rejected_files:
            line += translate("note.rejected_rows_in", lang, files=[str(path) for path in self.rejected_files])
        return line


def header_key(name: str) -> str:
    """A header reduced to what identifies it: 'PM2.5(μg/m³)', 'pm2_5' and 'PM25' all give 'pm25'."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", text)
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", text)


def header_unit(name: str) -> str | None:
    """'ug' or 'mg' when a header states a mass concentration unit, else None."""
    text = unicodedata.normalize("NFKC", str(name)).lower()
    if re.search(r"(μg|µg|ug|微克)", text):
        return "ug"
    if re.search(r"(mg|毫克)", text):
        return "mg"
    return None


def find_column(columns: Iterable[str], aliases: Sequence[str]) -> str | None:
    """The first column whose header_key is one of ``aliases`` (in the aliases' order of preference)."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(header_key(column), column)
    for alias in aliases:
        if alias in by_key:
            return by_key[alias]
    return None


def decoded_utf8(path: Path) -> bytes:
    """The file's bytes as UTF-8 without BOM, whether it was saved as UTF-8 (BOM or not), UTF-16
    with BOM, or GBK/GB18030 (what Chinese Excel writes by default)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BadInputError("error.file_unreadable", file=str(path), reason=error.strerror) from error
    if not _VISIBLE_BYTE.search(raw):
        raise BadInputError("error.file_empty", file=str(path))
    if raw.startswith(UTF8_BOM):
        return raw[len(UTF8_BOM):]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").encode("utf-8")
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    return _decoded_chinese(raw, path).encode("utf-8")


def _decoded_chinese(raw: bytes, path: Path) -> str:
    """Text that is not UTF-8: GB18030 (GBK, what Chinese Excel writes) or Big5 (traditional characters,
    from Taiwan or Hong Kong). Many Big5 files decode as GB18030 too, into nonsense, so
    charset-normalizer judges which reading is text; when it cannot tell, the file is refused."""
    readings = {match.encoding: match.chaos for match in from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS))}
    if not readings:
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError as error:
            raise BadInputError("error.undecodable_text", file=str(path), offset=error.start) from error
        raise BadInputError("error.encoding_unclear", file=str(path))
    ranked = sorted(readings.items(), key=lambda item: item[1])
    if len(ranked) > 1 and ranked[1][1] - ranked[0][1] < ENCODING_MARGIN:
        raise BadInputError("error.encoding_unclear", file=str(path))
    return raw.decode(ranked[0][0])


class ProblemLog:
    """Problems found in one input file, each tied to a data row (or feature) and a field.

    ``labels`` gives, for each data row position, the number a person sees: the line number in a
    CSV file (the header is line 1) or the feature index in a vector file. Each problem's reason is a
    Term (``reason.*``), rendered in the reader's language.
    """

    def __init__(self, path: Path, labels: np.ndarray, unit: str = "row",
                 original_rows: Callable[[np.ndarray], pd.DataFrame] | None = None):
        self.path, self.labels, self.unit = path, labels, unit
        self.original_rows = original_rows
        self._frames: list[pd.DataFrame] = []

    def add(self, positions: np.ndarray | Sequence[int], field: str, values: Iterable, reason: Term) -> None:
        """Record ``reason`` for ``field`` at data-row ``positions`` (values: what was found there)."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        self._frames.append(pd.DataFrame({
            "position": positions, "row": self.labels[positions] if positions.max() < len(self.labels)
            else positions, "field": field,
            "value": [None if pd.isna(value) else str(value) for value in values], "reason": reason}))

    def add_unplaced(self, row: int, field: str, value: str, reason: Term) -> None:
        """Record a problem on a line that never became a data row (e.g. a truncated line)."""
        self._frames.append(pd.DataFrame({"position": [-1], "row": [row], "field": [field],
                                          "value": [value], "reason": [reason]}))

    def problems(self) -> pd.DataFrame:
        if not self._frames:
            return pd.DataFrame(columns=["position", "row", "field", "value", "reason"])
        return pd.concat(self._frames, ignore_index=True).sort_values("row", kind="stable")

    def __bool__(self) -> bool:
        return bool(self._frames)

    def bad_positions(self) -> np.ndarray:
        positions = self.problems()["position"].to_numpy(dtype=np.int64)
        return np.unique(positions[positions >= 0])

    def rejected_count(self) -> int:
        return int(self.problems()["row"].nunique())

    def first_error(self) -> BadInputError:
        problems = self.problems()
        first = problems.iloc[0]
        more = len(problems) - 1
        return BadInputError("error.rows_refused", file=str(self.path), row=int(first["row"]), field=first["field"],
                             unit=self.unit, reason=first["reason"],
                             found="" if first["value"] is None else term("problem.found", value=first["value"]),
                             more=term("problem.more", count=more) if more else "",
                             units=term(f"unit.{self.unit}s"))

    def rejected_frame(self) -> pd.DataFrame:
        """One line per rejected row: its number, the fields and reasons ('中文 / English'), then its
        original values."""
        problems = self.problems()
        problems["reason"] = problems["reason"].map(str)
        grouped = problems.groupby("row", sort=True).agg(
            position=("position", "max"),
            field=("field", lambda fields: "; ".join(dict.fromkeys(fields))),
            value=("value", lambda values: "; ".join(str(v) for v in values if v is not None)),
            reason=("reason", lambda reasons: "; ".join(dict.fromkeys(reasons)))).reset_index()
        grouped = grouped.rename(columns={"row": self.unit})
        placed = grouped["position"] >= 0
        if self.original_rows is not None and placed.any():
            original = self.original_rows(grouped.loc[placed, "position"].to_numpy()).reset_index(drop=True)
            original.index = grouped.index[placed]
            grouped = grouped.join(original.add_prefix("original_"))
        return grouped.drop(columns="position")


def settle_problems(logs: Sequence[ProblemLog], skip_bad_rows: bool) -> int:
    """Refuse the import (raise the first problem) unless skipping; returns rows to be rejected."""
    if not skip_bad_rows:
        for log in logs:
            if log:
                raise log.first_error()
        return 0
    return sum(log.rejected_count() for log in logs if log)


def write_rejected(logs: Sequence[ProblemLog], fallback_dir: Path) -> list[Path]:
    """Write ``<input stem>.rejected.csv`` beside each input that had rejected rows (or into
    ``fallback_dir`` when the input's folder is read-only); returns the files written. Logs of the
    slices of one input (read_table_slices) go into that input's one file."""
    by_path: dict[Path, list[ProblemLog]] = {}
    for log in logs:
        if log:
            by_path.setdefault(log.path, []).append(log)
    written: list[Path] = []
    for path, group in by_path.items():
        frame = defuse_formulas(pd.concat([log.rejected_frame() for log in group], ignore_index=True))
        target = path.with_name(f"{path.stem}.rejected.csv")
        try:
            frame.to_csv(target, index=False, encoding="utf-8-sig")
        except OSError:
            fallback_dir.mkdir(parents=True, exist_ok=True)
            target = fallback_dir / f"{path.stem}.rejected.csv"
            frame.to_csv(target, index=False, encoding="utf-8-sig")
        written.append(target)
    return written


@dataclass
class TextTable:
    """A tabular input file read with every column as text, ready for validated conversion."""

    path: Path
    table: pa.Table
    log: ProblemLog

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    def __len__(self) -> int:
        return self.table.num_rows


DUPLICATE_MARK = "#"


def _header_names(data: bytes, path: Path, allow_duplicates: bool) -> list[str]:
    end = data.find(b"\n")
    first_line = data[:end if end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    return _unique_names([name.strip() for name in next(csv.reader([first_line]))], path, allow_duplicates, 1)


def _unique_names(names: list[str], path: Path, allow_duplicates: bool, row: int) -> list[str]:
    """The header's names, a repeated NAME refused (or, when allowed, its second copy called NAME#2)."""
    if not any(names):
        raise BadInputError("error.no_column_names", file=str(path), row=row)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates and not allow_duplicates:
        raise BadInputError("error.repeated_columns", file=str(path), row=row, columns=duplicates)
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}{DUPLICATE_MARK}{seen[name]}")
    return unique


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


EXCEL_SUFFIXES = (".xlsx", ".xlsm")
OLD_EXCEL_SUFFIXES = (".xls", ".et")


def is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def is_table(path: Path) -> bool:
    """Whether the file is one of the table formats every register accepts (CSV/TXT, Excel, Parquet)."""
    return path.suffix.lower() in (".csv", ".txt", *EXCEL_SUFFIXES, ".parquet", ".pq")


def read_text_table(path: Path | str, *, progress: bool = False, allow_duplicate_columns: bool = False,
                    sheet: str | None = None) -> TextTable:
    """Read a CSV (UTF-8 or GBK), Excel (.xlsx: the first sheet, or ``sheet`` by name or 1-based number)
    or Parquet file with every column as text.

    A repeated column name is refused unless ``allow_duplicate_columns``; then the second copy
    of NAME is called NAME#2 and the caller decides.

    Lines with too few or too many fields (a truncated last line, a stray comma) become problems
    in the table's log, tied to their line number, instead of silently filled with blanks. Rows are
    numbered as the file shows them: the CSV line (header = 1) or the Excel row.
    """
    path = Path(path)
    if is_parquet(path):
        return next(_parquet_slices(path, rows=None, typed=False))
    if is_excel(path):
        source = _excel_table(path, sheet, allow_duplicate_columns)
        flag_control_characters(source)
        return source
    if path.suffix.lower() in OLD_EXCEL_SUFFIXES:
        raise BadInputError("error.old_excel", file=str(path))
    data = decoded_utf8(path)
    names = _header_names(data, path, allow_duplicate_columns)
    header_end = data.find(b"\n")
    if header_end < 0 or not _VISIBLE_BYTE.search(data, header_end + 1):
        raise BadInputError("error.no_data_rows", file=str(path))
    invalid: list[tuple[int, str, int, int]] = []

    def note_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    with tqdm.wrapattr(io.BytesIO(data), "read", total=len(data), desc=path.name, unit="B",
                       unit_scale=True, leave=False, file=sys.stderr,
                       disable=not progress or len(data) < PROGRESS_MIN_BYTES) as stream:
        try:
            table = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(names))],
                                               skip_rows=1, use_threads=False, block_size=1 << 20),
                parse_options=pacsv.ParseOptions(invalid_row_handler=note_invalid),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"c{i}": pa.string() for i in range(len(names))},
                    null_values=NULL_TOKENS, strings_can_be_null=True, quoted_strings_can_be_null=True))
        except pa.ArrowInvalid as error:
            raise BadInputError("error.unreadable_csv", file=str(path), detail=str(error)) from error
    table = table.rename_columns(names)
    # Arrow numbers invalid rows by their line in the file (header = 1); they shift later rows.
    skipped = sorted(number for number, *_ in invalid)
    labels = np.arange(table.num_rows, dtype=np.int64) + 2
    for line in skipped:
        labels[labels >= line] += 1
    log = ProblemLog(path, labels, original_rows=_row_reader(table))
    for number, text, expected, actual in invalid:
        log.add_unplaced(number, "(whole row)", text[:200],
                         term("reason.wrong_field_count", expected=expected, actual=actual))
    source = TextTable(path, table, log)
    if data.translate(None, _NOT_CONTROL_BYTES):   # 0.04 s on 100 MB, where scanning every column took 0.6 s
        flag_control_characters(source)
    last_line_kept = table.num_rows > 0 and (not skipped or skipped[-1] < labels[-1])
    if not data.rstrip(b"\r").endswith(b"\n") and last_line_kept:
        flag_cut_last_value(source)
    return source


# The last value of a file without a final newline is compared with this many values above it.
CUT_VALUE_CONTEXT_ROWS = 10_000
# Values written by machines (numbers, codes, times): digits, Latin letters and punctuation only.
MACHINE_VALUE = r"^[0-9A-Za-z .:/+\-_TZ]+$"


def value_forms(values: pa.Array) -> pa.Array:
    """The form of each text: every digit as 9 and every Latin letter as a ('35.1' → '99.9')."""
    return pc.replace_substring_regex(pc.replace_substring_regex(values, "[0-9]", "9"), "[A-Za-z]", "a")


def flag_cut_last_value(source: TextTable) -> None:
    """The file ends without a newline, so its last line may have been cut off mid-value. Its last field is
    a problem of the last row when it is a machine-written value (MACHINE_VALUE) whose form (value_forms)
    no other value of the column has but which begins one of theirs — '35' below '35.1'-like values,
    '2025-01-01 12:0' below full times; a form the column holds elsewhere ('35' among '35', '135.2') is kept,
    and so is an empty last field (real station-hour files end with one)."""
    if source.table.num_rows < 2:
        return
    name = source.columns[-1]
    column = source.table[name].combine_chunks()
    last = column[-1].as_py()
    if last is None or not re.match(MACHINE_VALUE, last):
        return
    above = column.slice(max(0, len(column) - 1 - CUT_VALUE_CONTEXT_ROWS), min(len(column) - 1,
                                                                            CUT_VALUE_CONTEXT_ROWS))
    forms = set(pc.unique(value_forms(above.drop_null())).to_pylist())
    last_form = value_forms(pa.array([last])).to_pylist()[0]
    longer = sorted(form for form in forms if form.startswith(last_form) and form != last_form)
    if last_form not in forms and longer:
        source.log.add([source.table.num_rows - 1], name, [last], term("reason.cut_last_value", form=longer[0]))


def flag_control_characters(source: TextTable) -> None:
    """Every text cell holding a control character (NUL, escape, ...) becomes a problem of its row."""
    for name in source.columns:
        column = source.table[name]
        if not pa.types.is_string(column.type):
            continue
        hit = pc.fill_null(pc.match_substring_regex(column, CONTROL_CHARACTERS), False).to_numpy(zero_copy_only=False)
        if hit.any():
            rows = np.flatnonzero(hit)
            shown = [repr(value)[1:-1][:80] for value in column.take(pa.array(rows)).to_pylist()]
            source.log.add(rows, name, shown, term("reason.control_characters"))


def excel_cell_text(value: object) -> str | None:
    """An Excel cell as the text a CSV of it would hold: whole numbers without '.0' (a code typed as
    1001 stays '1001'), other numbers in full, dates and times in ISO form, the null words blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value).strip()
    return None if text in NULL_TOKENS else text


def _worksheet(book, sheet: str | None, path: Path):
    if sheet is None:
        return book.worksheets[0]
    if sheet in book.sheetnames:
        return book[sheet]
    if sheet.strip().isdigit() and 1 <= int(sheet) <= len(book.worksheets):
        return book.worksheets[int(sheet) - 1]
    raise BadInputError("error.unknown_sheet", file=str(path), field="sheet", sheet=sheet, sheets=book.sheetnames)


def _excel_table(path: Path, sheet: str | None, allow_duplicates: bool) -> TextTable:
    """The sheet as text: the header is the first row with two or more cells filled (a title row above it,
    as official registers have, is passed over); empty rows are left out; each row keeps its Excel number."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise BadInputError("error.unreadable_excel", file=str(path), detail=str(error)) from error
    try:
        rows = _worksheet(book, sheet, path).iter_rows(values_only=True)
        header_row, header = 0, None
        for number, values in enumerate(rows, start=1):
            cells = [excel_cell_text(value) for value in values]
            if sum(cell is not None for cell in cells) >= 2:
                header_row, header = number, cells
                break
        if header is None:
            raise BadInputError("error.no_column_names", file=str(path), row=1)
        while header and header[-1] is None:
            header.pop()
        names = _unique_names([name or f"column_{get_column_letter(index + 1)}" for index, name in enumerate(header)],
                              path, allow_duplicates, header_row)
        labels, columns = [], [[] for _ in names]
        for number, values in enumerate(rows, start=header_row + 1):
            cells = [excel_cell_text(value) for value in values[:len(names)]]
            if all(cell is None for cell in cells):
                continue
            labels.append(number)
            for index, column in enumerate(columns):
                column.append(cells[index] if index < len(cells) else None)
    finally:
        book.close()
    if not labels:
        raise BadInputError("error.no_data_rows", file=str(path))
    table = pa.table({name: pa.array(column, type=pa.string()) for name, column in zip(names, columns)})
    log = ProblemLog(path, np.asarray(labels, dtype=np.int64), original_rows=_row_reader(table))
    return TextTable(path, table, log)


def _row_reader(table: pa.Table) -> Callable[[np.ndarray], pd.DataFrame]:
    """Reads the original text of rows only for the rows that are rejected."""
    return lambda positions: table.take(pa.array(positions, type=pa.int64())).to_pandas()


def read_table_slices(path: Path | str, *, rows: int, progress: bool = False,
                      sheet: str | None = None) -> Iterator[TextTable]:
    """A Parquet file as consecutive slices of at most ``rows`` rows, numeric and date/time columns
    kept in their types (parse_numbers and parse_times read them without going through text), each
    slice with its own log numbered by the row in the whole file; any other file as one TextTable
    from read_text_table. Large Parquet files are thus read in bounded memory."""
    path = Path(path)
    if is_parquet(path):
        yield from _parquet_slices(path, rows=rows, typed=True, progress=progress)
    else:
        yield read_text_table(path, progress=progress, sheet=sheet)


def _kept_type(column: pa.ChunkedArray, typed: bool) -> pa.ChunkedArray:
    kind = column.type
    if typed and (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
                  or pa.types.is_timestamp(kind) or pa.types.is_date(kind)):
        return column
    return pc.cast(column, pa.string())


def _parquet_slices(path: Path, rows: int | None, typed: bool, progress: bool = False) -> Iterator[TextTable]:
    try:
        source = pq.ParquetFile(path)
        total = source.metadata.num_rows
    except (pa.ArrowInvalid, OSError) as error:
        raise BadInputError("error.unreadable_parquet", file=str(path), detail=str(error)) from error
    if total == 0:
        raise BadInputError("error.no_rows", file=str(path))
    slices = [source.read()] if rows is None else (pa.Table.from_batches([batch]) for batch in
                                                   source.iter_batches(batch_size=rows))
    first = 0
    # A bar over the slices of a large file: each is read, checked and stored before the next is read; every
    # slice is shown (a slice takes seconds, so tqdm's own rate limit would only hide steps).
    with tqdm(total=total, desc=path.name, unit="rows", unit_scale=True, mininterval=0, miniters=1,
              disable=not progress or rows is None or total <= rows) as bar:
        for table in slices:
            kept = pa.table({name: _kept_type(column, typed) for name, column in zip(table.column_names, table.columns)})
            labels = np.arange(first, first + kept.num_rows, dtype=np.int64) + 1
            first += kept.num_rows
            yield TextTable(path, kept, ProblemLog(path, labels, original_rows=_row_reader(kept)))
            bar.update(kept.num_rows)


def parse_numbers(source: TextTable, column: str, field_name: str | None = None) -> np.ndarray:
    """The column as float64 (NaN where blank); text that is not a number becomes a problem."""
    values = source.table[column]
    try:
        numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = values.to_pandas().str.strip()
        parsed = pd.to_numeric(text, errors="coerce")
        bad = parsed.isna() & text.notna() & (text != "")
        source.log.add(np.flatnonzero(bad.to_numpy()), field_name or column, text[bad],
                       term("reason.expected_number"))
        numbers = parsed.to_numpy(dtype=float, na_value=np.nan)
    # "inf" and "1e999" read as numbers; no measurement is infinite.
    infinite = np.isinf(numbers)
    if infinite.any():
        source.log.add(np.flatnonzero(infinite), field_name or column, numbers[infinite],
                       term("reason.expected_number"))
        numbers = np.where(infinite, np.nan, numbers)
    return numbers


def parse_times(source: TextTable, column: str) -> pd.Series:
    """The column as naive Beijing-time timestamps; texts with a UTC offset (…Z, …+00:00) are converted
    to Beijing time, texts without one are taken as Beijing time; unreadable texts become problems.
    A typed date or timestamp column (Parquet) is taken as it is, a zoned one converted to Beijing time."""
    values = source.table[column]
    if pa.types.is_timestamp(values.type) or pa.types.is_date(values.type):
        if pa.types.is_date(values.type):
            values = pc.cast(values, pa.timestamp("s"))
        return _plausible_times(source, column, to_beijing_naive(values.to_pandas()))
    try:   # ISO times without an offset, as machines write them: Arrow reads them ten times faster than pandas
        return _plausible_times(source, column, pc.cast(pc.utf8_trim_whitespace(values), pa.timestamp("us")).to_pandas())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = values.to_pandas().str.strip()
    # Parsed apart: pandas refuses a column that mixes offsets, or offsets and none.
    zoned = text.str.contains(_UTC_OFFSET, regex=True, na=False)
    times = pd.concat([to_beijing_naive(_read_times(text[zoned], utc=True)),
                       _read_times(text[~zoned], utc=False)]).reindex(text.index)
    bad = times.isna() & text.notna() & (text != "")
    source.log.add(np.flatnonzero(bad.to_numpy()), column, text[bad], term("reason.expected_time"))
    return _plausible_times(source, column, times, text)


def _plausible_times(source: TextTable, column: str, times: pd.Series, shown: pd.Series | None = None) -> pd.Series:
    """``times`` with those before 1980 or later than a day from now made problems (and NaT): year 1, 1900
    or 9999 is a typo, and would break the daily aggregates."""
    latest = pd.Timestamp(now_beijing()).tz_localize(None) + FUTURE_ALLOWANCE
    outside = times.notna() & ((times < EARLIEST_TIME) | (times > latest))
    if outside.any():
        values = (shown if shown is not None else times.astype(str))[outside]
        source.log.add(np.flatnonzero(outside.to_numpy()), column, values,
                       term("reason.time_out_of_range", earliest=f"{EARLIEST_TIME:%Y-%m-%d}",
                            latest=f"{latest:%Y-%m-%d %H:%M}"))
        times = times.where(~outside)
    return times


_UTC_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


def _read_times(text: pd.Series, utc: bool) -> pd.Series:
    times = pd.to_datetime(text, errors="coerce", utc=utc)
    unread = times.isna() & text.notna() & (text != "")
    if unread.any():
        # The fast path reads one format, guessed from the first value; the rest get a second look.
        times = times.where(~unread, pd.to_datetime(text[unread], errors="coerce", format="mixed", utc=utc))
    return times


def to_beijing_naive(times: pd.Series) -> pd.Series:
    """Timestamps with a time zone converted to naive Beijing time (fixed UTC+8: the tz database's
    Asia/Shanghai would apply China's 1986–1991 summer time); naive ones are kept as given."""
    if getattr(times.dt, "tz", None) is not None:
        return times.dt.tz_convert(BEIJING).dt.tz_localize(None)
    return times


def keep_rows(frame: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """The frame without the rows (by position) that have problems."""
    bad = log.bad_positions()
    if bad.size == 0:
        return frame
    keep = np.ones(len(frame), dtype=bool)
    keep[bad[bad < len(frame)]] = False
    return frame.iloc[np.flatnonzero(keep)]


def missing_columns_error(path: Path, what: Term | str, aliases: Sequence[str],
                          columns: Sequence[str]) -> BadInputError:
    """The refusal of a file lacking a column: ``what`` is a Term (``column.*``) or the header itself."""
    return BadInputError("error.missing_column", file=str(path), row=1, what=what, expected=list(aliases),
                         found=list(columns))


def first_items(values: Iterable, limit: int = 8) -> list:
    """The first ``limit`` values and, past them, 'and 12 more': a list for short report notes, joined
    by the vocabulary in the reader's language."""
    items = [str(item) for item in values]
    return items[:limit] + ([term("note.more_items", count=len(items) - limit)] if len(items) > limit else [])
