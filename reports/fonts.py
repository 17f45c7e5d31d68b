"""The installed CJK font a PDF and the bulletin's map embed, found through fontconfig."""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from core.errors import SetupError

# Preferred families first: what scripts/test.sh installs (fonts-wqy-microhei), then other common ones.
PREFERRED = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """The file of an installed font that covers Chinese (fontconfig's ``:lang=zh``), preferred families
    first; None when there is none (or no fontconfig)."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(["fc-list", ":lang=zh", "family", "file"], capture_output=True, text=True,
                             check=False).stdout.splitlines()
    found = {}
    for line in listing:
        file, _, families = line.partition(":")
        if file.lower().endswith((".ttf", ".ttc")):  # reportlab embeds TrueType outlines only
            for family in families.strip().split(","):
                found.setdefault(family.strip(), Path(file.strip()))
    for family in PREFERRED:
        if family in found:
            return found[family]
    return next(iter(found.values()), None)


def require_cjk_font() -> Path:
    """cjk_font_path, or SetupError saying no Chinese font is installed."""
    path = cjk_font_path()
    if path is None:
        raise SetupError("error.no_cjk_font")
    return path
