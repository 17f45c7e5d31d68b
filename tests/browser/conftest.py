"""The browser tier's shared fixture: Debian's chromium with every non-local request blocked, and checked."""
from __future__ import annotations

import pytest

from tests.app_support import offline_chromium


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest):
    """(chromium, blocked) for one test module, started with the module's CHROMIUM_EXTRA_ARGS if it has any
    (e.g. a fake camera); the module fails if the app asked the internet for anything."""
    with offline_chromium(getattr(request.module, "CHROMIUM_EXTRA_ARGS", ())) as (chromium, blocked):
        yield chromium, blocked
    assert blocked == [], f"the app asked the internet for {blocked}"
