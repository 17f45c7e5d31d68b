"""The visitor's interface language, kept in Streamlit's session state, and the `t` accessor."""
from __future__ import annotations

import re

import streamlit as st

from core.vocabulary import DEFAULT_LANGUAGE, LANGUAGES, translate

LANGUAGE_KEY = "lang"
# Characters Streamlit's Markdown gives a meaning: CommonMark's, plus :colour[…]/:material/…: directives and $ maths.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:=&])")


def current_language() -> str:
    """'zh' (the default) or 'en', as picked in the sidebar."""
    return st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """The interface string ``key`` in the current language (see core.vocabulary)."""
    return translate(key, current_language(), **values)


def language_picker() -> None:
    """The sidebar's 中文 / English switch; its value lives under LANGUAGE_KEY."""
    st.sidebar.radio(t("language"), options=list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                     key=LANGUAGE_KEY, horizontal=True)


def escape_markdown(text: object) -> str:
    """``text`` with every character Streamlit's Markdown would interpret backslash-escaped, so typed
    titles, names, feedback and error messages show as written (no links, images or emphasis)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
