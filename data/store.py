"""The one DuckDB store file: a read connection kept per process, writes that wait for the lock, migrations, spatial."""
from __future__ import annotations

import copy
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import duckdb_extension_spatial
import pandas as pd

from core.errors import BadInputError, StoreBusyError, StoreFileError
from core.logs import logger
from core.policy import User
from core.settings import get_settings
from data.users import check_acting_user

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SPATIAL_EXTENSION = (Path(duckdb_extension_spatial.__file__).parent / "extensions"
                     / f"v{duckdb.__version__}" / "spatial.duckdb_extension")

# DuckDB lets one process hold the file for writing and then refuses every other process;
# within one process it refuses a connection whose read-only setting differs from an open one.
# Both are transient when every connection is short-lived, so they are retried, not reported.
FIRST_PAUSE_S = 0.05
LOG = logger("store")
_TRANSIENT_MARKERS = ("Could not set lock", "Conflicting lock", "different configuration")
# Nothing is fetched at run time: a foreign file (SQLite, say) must not make DuckDB download a reader for it.
CONNECTION_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_DISK_FULL_MARKERS = ("No space left on device", "Disk full", "disk is full")
# A process keeps its read-only connection while reads keep coming. It lets go of the file after this long
# without a read (so a writer that does not signal, such as DuckDB's own CLI, gets in), at once when a
# Lantian writer of any process signals that it waits (a fresh marker file beside the store), before the
# process writes itself, and when the file changed underneath it.
KEEP_IDLE_S = 5.0
WAITING_WRITER_FRESH_S = 2.0  # a waiting writer touches its marker at least every 0.5 s
WATCH_INTERVAL_S = 0.05


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's spatial extension from the installed wheel, with no network."""
    con.execute(f"LOAD '{SPATIAL_EXTENSION.as_posix()}'")


def _is_transient(error: duckdb.Error) -> bool:
    return any(marker in str(error) for marker in _TRANSIENT_MARKERS)


def _is_disk_full(error: duckdb.Error) -> bool:
    return any(marker in str(error).splitlines()[0] for marker in _DISK_FULL_MARKERS)


def _file_error(path: Path, error: duckdb.Error) -> StoreFileError:
    """The clear message for a store file DuckDB cannot use: disk full, or damaged / not a DuckDB file."""
    detail = str(error).splitlines()[0]
    if _is_disk_full(error):
        LOG.error("store %s: disk full (%s)", path, detail)
        return StoreFileError("error.store_disk_full", path=str(path), folder=str(path.parent))
    LOG.error("store %s cannot be read: %s", path, detail)
    return StoreFileError("error.store_damaged", path=str(path), detail=detail)


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as error:  # a failed write (disk full) may have ended the transaction already
        LOG.warning("rollback after a failed write: %s", str(error).splitlines()[0])


def bound_memory(con: duckdb.DuckDBPyConnection, megabytes: int) -> None:
    """Keep this connection's DuckDB within ``megabytes`` (joins, aggregates and an open
    transaction's appended rows spill to a temporary folder beside the store instead)."""
    con.execute(f"SET memory_limit = '{int(megabytes)}MB'")


def _file_identity(path: Path) -> tuple | None:
    """What changes when anything but this process's own read-only connection touches the file."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _writer_waits(marker: Path) -> bool:
    try:
        return time.time() - marker.stat().st_mtime < WAITING_WRITER_FRESH_S
    except FileNotFoundError:
        return False


class KeptReader:
    """One process's read-only DuckDB connection to a store file, shared by its threads as a cursor per
    read: a read then costs a cursor (about a millisecond), not opening the file and loading spatial
    (50-500 ms). A watcher thread lets the file go as KEEP_IDLE_S describes; a read that finds it let
    go, or the file changed, opens it again."""

    def __init__(self, path: Path, waiting_marker: Path):
        self.path = path
        self.waiting_marker = waiting_marker
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple | None = None
        self._spatial = False
        self._active = 0
        self._retiring = False
        self._last_used = 0.0

    def cursor(self, store: Store, spatial: bool) -> duckdb.DuckDBPyConnection | None:
        """A cursor on the kept connection, opened now if need be; None while it is being let go and reads
        are still in progress on it (a writer waits, or the file changed): the caller then reads through a
        connection of its own. Every cursor is given back with done()."""
        if _writer_waits(self.waiting_marker):
            self.release()
            if self._active:
                return None  # reads in progress here: this one reads beside them rather than wait on them
            # Writers go first: the file is opened again once the writer has it (and then once it is done).
            deadline = time.monotonic() + store.busy_timeout_s
            while _writer_waits(self.waiting_marker) and time.monotonic() < deadline:
                time.sleep(WATCH_INTERVAL_S)
        with self._lock:
            if self._con is not None and (self._retiring or self._identity != _file_identity(self.path)):
                if self._active:
                    return None
                self._close()
            if self._con is None:
                self._con = store._connect(read_only=True)
                self._identity = _file_identity(self.path)
                self._spatial = False
                self._retiring = False
                threading.Thread(target=self._watch, args=(self._con,), daemon=True,
                                 name=f"store-reader {self.path.name}").start()
            if spatial and not self._spatial:
                load_spatial(self._con)  # into the database instance, so every later cursor has it
                self._spatial = True
            self._active += 1
            self._last_used = time.monotonic()
            return self._con.cursor()

    def done(self, cursor: duckdb.DuckDBPyConnection, file_failed: bool) -> None:
        """Give back a cursor from cursor(); after a read the file failed, it is opened afresh next time."""
        cursor.close()
        with self._lock:
            self._active -= 1
            self._last_used = time.monotonic()
            if file_failed:
                self._retiring = True
            if self._retiring and not self._active:
                self._close()

    def release(self) -> None:
        """Let go of the file as soon as the reads in progress are done (at once when there are none)."""
        with self._lock:
            if self._con is None:
                return
            self._retiring = True
            if not self._active:
                self._close()

    def _close(self) -> None:
        self._con.close()
        self._con = None

    def _watch(self, con: duckdb.DuckDBPyConnection) -> None:
        while True:
            time.sleep(WATCH_INTERVAL_S)
            with self._lock:
                if self._con is not con:
                    return
                idle = not self._active and time.monotonic() - self._last_used > KEEP_IDLE_S
            if idle or _writer_waits(self.waiting_marker):
                self.release()


_KEPT_READERS: dict[Path, KeptReader] = {}
_KEPT_READERS_LOCK = threading.Lock()


def kept_reader(path: Path, waiting_marker: Path) -> KeptReader:
    """This process's KeptReader of the store file at ``path`` (resolved)."""
    with _KEPT_READERS_LOCK:
        return _KEPT_READERS.setdefault(path, KeptReader(path, waiting_marker))


class Store:
    """A DuckDB file shared by the app and the CLI.

    Readers share one read-only connection per process and file (KeptReader), let go of as soon as
    another process waits to write. Writers open read-write inside one transaction and wait (up to
    ``busy_timeout_s``) while another process holds the file, touching a marker beside it the whole time
    so that readers let go; a long-lived app process therefore never locks out a scheduled import.
    """

    def __init__(self, path: Path | str | None = None, busy_timeout_s: float | None = None):
        settings = get_settings()
        self.path = Path(path if path is not None else settings.db).expanduser().resolve()
        self.busy_timeout_s = settings.busy_timeout_s if busy_timeout_s is None else busy_timeout_s
        self.acting: User | None = None  # set by acting_as: the user every write re-reads

    # The store owns every file that belongs to it; nothing else builds these paths.
    @property
    def files_dir(self) -> Path:
        """Folder beside the store for rasters, attachments, tiles and logs that belong to it."""
        return self.path.parent / f"{self.path.stem}_files"

    @property
    def wal_path(self) -> Path:
        """DuckDB's write-ahead log beside the database file (present while writes are not yet checkpointed)."""
        return self.path.with_name(self.path.name + ".wal")

    @property
    def rasters_dir(self) -> Path:
        return self.files_dir / "rasters"

    @property
    def own_landcover_path(self) -> Path:
        """Where the store keeps a land-cover GeoTIFF of its own (imported, or the demo's)."""
        return self.rasters_dir / "landcover.tif"

    @property
    def landcover_path(self) -> Path:
        """The land-cover GeoTIFF every reader uses: LANTIAN_LANDCOVER_PATH when set, else the store's own."""
        configured = get_settings().landcover_path
        return Path(configured) if configured else self.own_landcover_path

    def surface_path(self, period: str) -> Path:
        """The PM2.5 surface GeoTIFF the engine writes for a period such as '2025-03'."""
        return self.rasters_dir / f"pm25_{period}.tif"

    def satellite_path(self, period: str) -> Path:
        """An imported satellite PM2.5 GeoTIFF of a period, used instead of interpolating the stations."""
        return self.rasters_dir / f"satellite_pm25_{period}.tif"

    @property
    def attachments_dir(self) -> Path:
        """Photos and other files attached to tasks, under generated names."""
        return self.files_dir / "attachments"

    @property
    def logs_dir(self) -> Path:
        return self.files_dir / "logs"

    @property
    def tiles_dir(self) -> Path:
        """Local base-map tile sets (`cli.py tiles import`), one folder of z/x/y files per set."""
        return self.files_dir / "tiles"

    @property
    def waiting_writer_marker(self) -> Path:
        """The file a writer kept waiting by the lock touches, so that other processes' readers let go."""
        return self.path.with_name(self.path.name + ".writer-waiting")

    def version(self) -> tuple[int, int]:
        """Modification times (ns) of the database file and its write-ahead log: a cache key that changes
        whenever any process writes."""
        return tuple(path.stat().st_mtime_ns if path.exists() else 0 for path in (self.path, self.wal_path))

    def acting_as(self, user: User) -> Store:
        """This store for ``user``'s change: every write transaction opened through it first re-reads the
        user (data.users.check_acting_user), so a user disabled, or given another role or township, since
        their page was loaded is refused in the very transaction that would have made the change."""
        acting = copy.copy(self)
        acting.acting = user
        return acting

    def exists(self) -> bool:
        return self.path.exists()

    def ensure_free_space(self, needed_bytes: int) -> None:
        """Refuse, before anything is written, a change expected to need ``needed_bytes`` more than the
        store's disk has free: a StoreFileError naming the store, the space needed and the space free."""
        folder = next(parent for parent in (self.path.parent, *self.path.parents) if parent.exists())
        free = shutil.disk_usage(folder).free
        if needed_bytes > free:
            LOG.error("store %s: %d bytes needed, %d free on the disk of %s", self.path, needed_bytes, free, folder)
            raise StoreFileError("error.store_space_needed", path=str(self.path), folder=str(folder),
                                 needed=f"{needed_bytes / 2**20:.1f}", free=f"{free / 2**20:.1f}")

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        if read_only and not self.path.exists():
            raise BadInputError("error.no_store", file=str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.busy_timeout_s
        pause = FIRST_PAUSE_S
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only, config=CONNECTION_CONFIG)
            except (duckdb.IOException, duckdb.ConnectionException) as error:
                if not _is_transient(error):
                    raise _file_error(self.path, error) from error
                if not read_only:
                    self.waiting_writer_marker.touch()
                if time.monotonic() >= deadline:
                    if not read_only:
                        self.waiting_writer_marker.unlink(missing_ok=True)
                    LOG.error("store %s still busy after %.0f s: giving up", self.path, self.busy_timeout_s)
                    raise StoreBusyError("error.store_busy", path=str(self.path),
                                         seconds=self.busy_timeout_s) from error
                if pause == FIRST_PAUSE_S:
                    LOG.info("store %s is busy (another process writes): waiting up to %.0f s", self.path,
                             self.busy_timeout_s)
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
            else:
                if not read_only:
                    self.waiting_writer_marker.unlink(missing_ok=True)
                return con

    def release(self) -> None:
        """Let go of this process's kept read connection to the file (once the reads in progress end),
        as a write does first; for a caller about to hand the file to a writer that does not signal."""
        kept_reader(self.path, self.waiting_writer_marker).release()

    @contextmanager
    def read(self, spatial: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor for one unit of work: on the process's kept connection, or on a connection
        of its own (closed on exit) while a writer waits for the file."""
        kept = kept_reader(self.path, self.waiting_writer_marker)
        cursor = kept.cursor(self, spatial)
        if cursor is None:
            with self._own_read(spatial) as con:
                yield con
            return
        file_failed = False
        try:
            yield cursor
        except (duckdb.IOException, duckdb.FatalException) as error:
            file_failed = True
            raise _file_error(self.path, error) from error
        finally:
            kept.done(cursor, file_failed)

    @contextmanager
    def _own_read(self, spatial: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._connect(read_only=True)
        try:
            if spatial:
                load_spatial(con)
            yield con
        except (duckdb.IOException, duckdb.FatalException) as error:
            raise _file_error(self.path, error) from error
        finally:
            con.close()

    @contextmanager
    def write(self, spatial: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside one transaction: committed on success, rolled back
        on any exception (Ctrl-C included), so nothing is ever half-written."""
        self.release()
        con = self._connect(read_only=False)
        try:
            if spatial:
                load_spatial(con)
            con.execute("BEGIN TRANSACTION")
            try:
                if self.acting is not None:
                    check_acting_user(con, self.acting)
                yield con
            except BaseException:
                _roll_back(con)
                raise
            con.execute("COMMIT")
        except (duckdb.IOException, duckdb.FatalException) as error:
            raise _file_error(self.path, error) from error
        except duckdb.TransactionException as error:
            if not _is_disk_full(error):
                raise
            # A commit whose write-ahead log cannot be written: nothing of the transaction was kept.
            raise _file_error(self.path, error) from error
        finally:
            con.close()

    def migrate(self) -> list[str]:
        """Apply the migrations in data/migrations that this file lacks; returns their names."""
        applied: list[str] = []
        with self.write() as con:
            con.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                        "applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())")
            done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
            if not done and con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "AND table_name <> 'schema_migrations'").fetchone()[0]:
                raise StoreFileError("error.store_foreign", path=str(self.path))
            for script in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
                version = int(script.name[:4])
                if version in done:
                    continue
                con.execute(script.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                            [version, script.stem])
                applied.append(script.stem)
        return applied

    def schema_version(self) -> int:
        with self.read() as con:
            if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                               "AND table_name = 'schema_migrations'").fetchone()[0]:
                raise StoreFileError("error.store_foreign", path=str(self.path))
            return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]

    def row_counts(self) -> dict[str, int]:
        """Rows in every table of the store, by table name."""
        with self.read() as con:
            tables = [row[0] for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "ORDER BY table_name").fetchall()]
            # Table names come from the catalogue, never from user input.
            return {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    for table in tables}


def read_holdings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the store holds: one row per data table with its row count and, where the table has times,
    the first and last (naive Beijing time)."""
    return con.execute(
        "SELECT 'townships' AS data, count(*) AS rows, NULL::TIMESTAMP AS first, NULL::TIMESTAMP AS last FROM townships "
        "UNION ALL SELECT 'stations', count(*), NULL, NULL FROM stations "
        "UNION ALL SELECT 'observations', count(*), min(time), max(time) FROM observations "
        "UNION ALL SELECT 'zones', count(*), NULL, NULL FROM zones "
        "UNION ALL SELECT 'fire_points', count(*), min(time), max(time) FROM fire_points "
        "UNION ALL SELECT 'dust_sources', count(*), NULL, NULL FROM dust_sources "
        "UNION ALL SELECT 'dust_readings', count(*), min(date)::TIMESTAMP, max(date)::TIMESTAMP FROM dust_readings "
        "UNION ALL SELECT 'enterprises', count(*), NULL, NULL FROM enterprises "
        "UNION ALL SELECT 'rasters', count(*), NULL, NULL FROM rasters "
        "UNION ALL SELECT 'hotspots', count(*), min(start_time), max(end_time) FROM hotspots "
        "UNION ALL SELECT 'tasks', count(*), min(created_at), max(created_at) FROM tasks"
    ).df()
