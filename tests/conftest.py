"""Shared test fixtures (temporary real DuckDB stores, the demo region, the real public data) and the tier
markers: each test is marked by the folder it lives in (pure, store, app, browser, reliability), so `pytest -m pure`
runs the fast tier alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from data.store import Store

REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "real"
DEMO_SEED = 7
DEMO_YEAR = 2025
TIERS = ("pure", "store", "app", "browser", "reliability")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = next((part for part in Path(item.fspath).parts[::-1] if part in TIERS), None)
        if tier is None:
            raise pytest.UsageError(f"{item.nodeid} is in no test tier folder ({', '.join(TIERS)})")
        item.add_marker(tier)


@pytest.fixture(autouse=True)
def fresh_sign_in_limits() -> None:
    """Each test starts with no failed sign-ins counted against any account or client."""
    from accounts.users import reset_sign_in_limits

    reset_sign_in_limits()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty, migrated store in a temporary DuckDB file."""
    fresh = Store(tmp_path / "lantian.duckdb", busy_timeout_s=5)
    fresh.migrate()
    return fresh


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The demo region with its year's hotspots detected, as the app's first start and `python cli.py demo`
    build it; built once per test session. Tests must not write to it."""
    from ingest.demo import build_demo_store

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_store(path, seed=DEMO_SEED, year=DEMO_YEAR)
    return Store(path, busy_timeout_s=30)


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/real, read in place (never copied into the repository)."""
    assert REAL_DATA.is_dir(), f"the real public test data is expected at {REAL_DATA}"
    return REAL_DATA
