"""Logging: imports, sign-ins (success and failure), task actions and store-busy waits reach the rotating log
file beside the store, and a refused import is logged as refused."""
from __future__ import annotations

import threading
import time

import pytest

from accounts.users import add_user, authenticate
from core.errors import BadInputError
from core.logs import LOG_FILE, configure_logging
from core.policy import SYSTEM_USER, Role
from data.store import Store
from hotspots import task_service
from ingest.service import import_files
from tests.tasks_support import SUPERVISOR, T0, region  # noqa: F401 (fixture)


@pytest.fixture
def log_file(region: Store):  # noqa: F811
    configure_logging(region.logs_dir)
    yield region.logs_dir / LOG_FILE
    configure_logging(None)


def test_imports_sign_ins_and_task_actions_are_logged(region: Store, log_file, tmp_path):  # noqa: F811
    stations = tmp_path / "stations.csv"
    stations.write_text("code,name,kind,lon,lat\nS1,一号站,micro,112.55,35.15\n", encoding="utf-8")
    import_files(region, SYSTEM_USER, "stations", [stations])
    broken = tmp_path / "broken.csv"
    broken.write_text("code,name,kind,lon,lat\nS2,二号站,micro,35.15,112.55\n", encoding="utf-8")
    with pytest.raises(BadInputError):
        import_files(region, SYSTEM_USER, "stations", [broken])
    add_user(region, SYSTEM_USER, "duban", "long enough", Role.SUPERVISOR)
    assert authenticate(region, "duban", "long enough") is not None
    assert authenticate(region, "duban", "wrong password") is None
    assert authenticate(region, "nobody", "wrong password") is None
    task = task_service.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)

    text = log_file.read_text(encoding="utf-8")
    assert "import stations by system: stations.csv" in text and "1 new" in text
    assert "import stations by system refused" in text and "broken.csv" in text
    assert "sign-in of 'duban' (supervisor)" in text
    assert "sign-in refused for 'duban': wrong password" in text
    assert "sign-in refused for 'nobody'" in text
    assert f"task {task.id}: create by {SUPERVISOR.name} (supervisor) -> pending" in text
    assert "long enough" not in text and "wrong password'" not in text  # passwords never reach the log


def test_waiting_for_another_process_lock_is_logged(region: Store, log_file):  # noqa: F811
    release = threading.Event()

    def hold_the_lock() -> None:
        with region.write() as con:
            con.execute("SELECT 1")
            release.wait(10)

    # Another *process* would hold DuckDB's file lock; within one process a writer blocks a read-only
    # connection the same way, which is what the retry loop waits out.
    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    time.sleep(0.3)
    threading.Timer(0.5, release.set).start()
    with Store(region.path, busy_timeout_s=10).read() as con:
        con.execute("SELECT 1")
    holder.join()
    assert "is busy (another process writes): waiting up to 10 s" in log_file.read_text(encoding="utf-8")
