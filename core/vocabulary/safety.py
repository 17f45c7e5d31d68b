"""Words of sign-in throttling, error references, store checks and input hygiene (issue 20)."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "error.signin_throttled": {"zh": "登录失败次数过多，请 {seconds} 秒后再试",
                               "en": "too many failed sign-ins: try again in {seconds} s"},
}
