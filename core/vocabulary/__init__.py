"""The one vocabulary: every word a user reads, in Chinese (first) and English, looked up by key.

Keys come in three tables that are merged here, and a key may appear in only one of them:
``interface`` (page titles, labels, hints), ``codes`` (the label of every stored code a user can see,
keyed ``<domain>.<code>``, e.g. ``hotspot_kind.mobile``) and ``messages`` (errors and notices, keyed
``error.*`` and ``note.*``). ``translate`` fills ``{name}`` placeholders; a value that is itself a
``Term`` (or an error) is rendered in the same language, so a message can name a state or a role.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.vocabulary.assessment import ENTRIES as ASSESSMENT_ENTRIES
from core.vocabulary.cards import ENTRIES as CARD_ENTRIES
from core.vocabulary.codes import CODES
from core.vocabulary.emergency import ENTRIES as EMERGENCY_ENTRIES
from core.vocabulary.fieldwork import ENTRIES as FIELD_ENTRIES
from core.vocabulary.fires import ENTRIES as FIRE_ENTRIES
from core.vocabulary.grid import ENTRIES as GRID_ENTRIES
from core.vocabulary.handoff import ENTRIES as HANDOFF_ENTRIES
from core.vocabulary.interface import INTERFACE
from core.vocabulary.maps import ENTRIES as MAP_ENTRIES
from core.vocabulary.messages import MESSAGES
from core.vocabulary.registers import ENTRIES as REGISTER_ENTRIES
from core.vocabulary.safety import ENTRIES as SAFETY_ENTRIES
from core.vocabulary.sessions import ENTRIES as SESSION_ENTRIES

DEFAULT_LANGUAGE = "zh"
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
MISSING = "—"


def _code_entries() -> dict[str, dict[str, str]]:
    return {f"{domain}.{code}": {"zh": zh, "en": en}
            for domain, labels in CODES.items() for code, (zh, en) in labels.items()}


def _merged(*tables: Mapping[str, Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for table in tables:
        repeated = set(merged) & set(table)
        if repeated:
            raise KeyError(f"vocabulary keys defined twice: {sorted(repeated)}")
        merged.update(table)
    return merged


VOCABULARY: dict[str, Mapping[str, str]] = _merged(INTERFACE, _code_entries(), MESSAGES, FIRE_ENTRIES,
                                                   REGISTER_ENTRIES, HANDOFF_ENTRIES,
                                                   GRID_ENTRIES, EMERGENCY_ENTRIES,
                                                   SAFETY_ENTRIES, ASSESSMENT_ENTRIES,
                                                   CARD_ENTRIES, MAP_ENTRIES, SESSION_ENTRIES, FIELD_ENTRIES)


@dataclass(frozen=True)
class Term:
    """A vocabulary key with its placeholder values, rendered later in the reader's language."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return translate(self.key, lang, **self.values)

    def __str__(self) -> str:
        return both_languages(self.render)


def term(key: str, **values: Any) -> Term:
    """A Term for ``key``: a message, label or string to be rendered in whichever language reads it."""
    return Term(key, values)


def code_term(domain: str, code: object) -> Term | str:
    """The Term labelling ``code`` of ``domain`` (``hotspot_kind``, ``task_state``, ...), or the code
    itself when the vocabulary has no label for it (free text from a register, such as an industry
    written in Chinese)."""
    key = f"{domain}.{code}"
    return Term(key) if key in VOCABULARY else str(code)


def _missing(code: object) -> bool:
    try:
        return code is None or bool(code != code)  # NaN is the only value unequal to itself
    except TypeError:  # pandas' NA refuses to be a bool
        return True


def label(domain: str, code: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of ``code`` in ``domain`` in ``lang``; '—' for a missing code, the code itself when
    the vocabulary does not know it."""
    if _missing(code):
        return MISSING
    found = code_term(domain, getattr(code, "value", code))
    return found.render(lang) if isinstance(found, Term) else found


LIST_SEPARATOR = {"zh": "、", "en": ", "}


def _rendered(value: Any, lang: str) -> Any:
    if isinstance(value, Term):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR[lang].join(str(_rendered(item, lang)) for item in value) or MISSING
    render = getattr(value, "render", None)  # errors carry their own message
    return render(lang) if callable(render) else value


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The text of ``key`` in ``lang`` ('zh' or 'en') with ``{name}`` placeholders filled from ``values``
    (Terms and errors among them rendered in ``lang``, lists joined with 、 or ,). An unknown key or language is a programming
    error (KeyError)."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    try:
        text = VOCABULARY[key][lang]
    except KeyError:
        raise KeyError(f"no vocabulary entry {key!r} in {lang!r}") from None
    return text.format(**{name: _rendered(value, lang) for name, value in values.items()}) if values else text


def both_languages(render: Callable[[str], str]) -> str:
    """'中文 / English' of a text that renders itself per language (a Term, an error, a report's summary),
    as the command line prints it and files read by either keep it; one text when both are the same."""
    chinese, english = render("zh"), render("en")
    return chinese if chinese == english else f"{chinese} / {english}"


def bilingual(key: str, **values: Any) -> str:
    """'中文 / English' of ``key`` with its values."""
    return both_languages(lambda lang: translate(key, lang, **values))
