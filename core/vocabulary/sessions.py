"""Words of sign-in sessions: the notice when a session has ended, and a disabled user's refused action."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "session.ended": {"zh": "登录已失效（长时间未操作、已退出或账号已停用），请重新登录。",
                      "en": "Your sign-in has ended (idle too long, signed out, or the account was disabled); "
                            "please sign in again."},
    "error.user_disabled": {"zh": "账号“{user}”已停用，不能再执行操作", "en": "the account '{user}' is disabled and "
                                                                  "may no longer act"},
}
