"""Detection shows its steps on stderr when asked (the CLI asks when stderr is a terminal), and nothing otherwise."""
from __future__ import annotations

import datetime as dt

import pytest

from core.vocabulary import translate
from data.store import Store
from hotspots.engine import DETECT_STEPS, detect
from tests.conftest import DEMO_YEAR

DAY = dt.date(DEMO_YEAR, 6, 1)


def test_detection_shows_each_step_in_chinese_and_ends_full(demo_store: Store, capsys: pytest.CaptureFixture) -> None:
    detect(demo_store, DAY, DAY, write_rasters=False, progress=True)
    bar = capsys.readouterr().err
    for step in DETECT_STEPS:
        assert translate(f"progress.detect.{step}", "zh") in bar
    assert f"{len(DETECT_STEPS)}/{len(DETECT_STEPS)}" in bar


def test_detection_is_silent_unless_asked(demo_store: Store, capsys: pytest.CaptureFixture) -> None:
    detect(demo_store, DAY, DAY, write_rasters=False)
    assert capsys.readouterr().err == ""
