"""Sign-in throttling: a growing delay and a temporary lock per account and per client, kept in memory."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleRule:
    """When failed sign-ins start to cost waiting time, and when they lock a key out.

    After ``free_failures`` failures each further failure makes the next attempt wait ``delay_s`` seconds,
    doubling with every failure up to ``max_delay_s``; ``lock_after`` failures lock the key for ``lock_s``
    seconds, during which even the right password is refused. A success clears the key."""

    free_failures: int
    delay_s: float
    max_delay_s: float
    lock_after: int
    lock_s: float

    def wait_after(self, failures: int) -> float:
        """Seconds the next attempt must wait after ``failures`` consecutive failures."""
        if failures >= self.lock_after:
            return self.lock_s
        if failures <= self.free_failures:
            return 0.0
        return min(self.delay_s * 2 ** (failures - self.free_failures - 1), self.max_delay_s)


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0


class SignInThrottle:
    """Consecutive failures by key (``account:NAME``, ``client:ADDRESS``), each with its own rule; safe to
    share between Streamlit's threads. ``clock`` is monotonic seconds."""

    def __init__(self, rules: dict[str, ThrottleRule], clock: Callable[[], float] = time.monotonic):
        self._rules, self._clock = rules, clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def wait_s(self, keys: dict[str, str]) -> float:
        """Seconds left before any of ``keys`` (kind -> value) may try again; 0 when all may."""
        now = self._clock()
        with self._lock:
            waits = [self._rules[kind].wait_after(record.failures) - (now - record.last_failure)
                     for kind, value in keys.items() if (record := self._records.get((kind, value)))]
        return max([0.0, *waits])

    def failed(self, keys: dict[str, str]) -> None:
        """Count one failed attempt against every key."""
        now = self._clock()
        with self._lock:
            for kind, value in keys.items():
                record = self._records.setdefault((kind, value), _Record())
                if now - record.last_failure > self._rules[kind].lock_s:
                    record.failures = 0  # a failure long after the last one starts the count again
                record.failures += 1
                record.last_failure = now

    def succeeded(self, keys: dict[str, str]) -> None:
        """Forget the failures of every key."""
        with self._lock:
            for kind, value in keys.items():
                self._records.pop((kind, value), None)
