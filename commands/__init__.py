"""The command line: one module of subcommands per subject, each calling the same functions the app calls."""
from __future__ import annotations

from collections.abc import Callable


def both_languages(render: Callable[[str], str]) -> str:
    """'中文 / English' of a text that renders itself per language (a report's summary, a note's render),
    as the command line prints it."""
    chinese, english = render("zh"), render("en")
    return chinese if chinese == english else f"{chinese} / {english}"
