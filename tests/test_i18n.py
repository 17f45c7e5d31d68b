"""Interface strings: every key in both languages, placeholders filled, mistakes reported."""
from __future__ import annotations

import string

import pytest

from core.errors import LantianError
from core.vocabulary import LANGUAGES, STRINGS, translate


def test_every_string_exists_in_every_language_with_the_same_placeholders():
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        fields = {lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
                  for lang, text in texts.items()}
        assert all(text.strip() for text in texts.values()), key
        assert fields["zh"] == fields["en"], key


def test_translate_fills_placeholders_and_rejects_unknowns():
    assert "7" in translate("map_summary", "en", townships=7, stations=1, zones=0)
    assert translate("map_title", "zh") != translate("map_title", "en")
    with pytest.raises(LantianError, match="no interface string"):
        translate("no_such_key", "zh")
    with pytest.raises(LantianError, match="unknown language"):
        translate("map_title", "fr")
