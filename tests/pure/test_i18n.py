"""The vocabulary: every key in both languages with the same placeholders, every code labelled, Terms and
errors rendered in the reader's language, mistakes reported."""
from __future__ import annotations

import string

import pytest

from core.errors import BadInputError, ConflictError
from core.policy import Role
from core.vocabulary import LANGUAGES, VOCABULARY, bilingual, label, term, translate
from hotspots.schema import HotspotKind
from hotspots.tasks import TASK_KINDS, Action, TaskState


def test_every_entry_exists_in_every_language_with_the_same_placeholders():
    for key, texts in VOCABULARY.items():
        assert set(texts) == set(LANGUAGES), key
        fields = {lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
                  for lang, text in texts.items()}
        assert all(text.strip() for text in texts.values()), key
        assert fields["zh"] == fields["en"], key


@pytest.mark.parametrize(("domain", "codes"), [
    ("hotspot_kind", [kind.value for kind in HotspotKind]), ("task_kind", TASK_KINDS),
    ("task_state", [state.value for state in TaskState]), ("task_action", [action.value for action in Action]),
    ("role", [role.value for role in Role])])
def test_every_code_a_user_can_see_has_a_label_in_both_languages(domain, codes):
    for code in codes:
        assert f"{domain}.{code}" in VOCABULARY, (domain, code)
        assert label(domain, code, "zh") != code or code in ("I", "II", "III")


def test_mobile_sources_are_labelled_as_such_not_as_a_monitoring_survey():
    assert label("hotspot_kind", "mobile", "zh") == "移动源"


def test_translate_fills_placeholders_renders_terms_and_rejects_unknowns():
    assert "7" in translate("map_summary", "en", townships=7, stations=1, zones=0)
    assert translate("map_title", "zh") != translate("map_title", "en")
    refusal = translate("error.task_state_forbids", "zh", state=term("task_state.closed"),
                        action=term("task_action.assign"), expected=[term("task_state.pending")])
    assert refusal == "状态为“已办结”的交办单不能“交办”（需为：待交办）"
    assert label("task_state", None, "zh") == "—"
    with pytest.raises(KeyError, match="no vocabulary entry"):
        translate("no_such_key", "zh")
    with pytest.raises(KeyError, match="unknown language"):
        translate("map_title", "fr")


def test_errors_render_in_the_readers_language_with_where_they_were_found():
    error = BadInputError("error.unknown_grade", file="list.csv", row=3, field="grade", grade="IV",
                          known=["I", "II", "III"])
    assert error.render("zh") == "文件 list.csv，第 3 行，字段“grade”：没有“IV”这个等级；可选：I、II、III"
    assert error.render("en") == "file list.csv, row 3, field 'grade': unknown grade 'IV'; one of I, II, III"
    assert str(error) == f"{error.render('zh')} / {error.render('en')}"
    # A field of a page's form is named as the page labels it, never by its code.
    empty = BadInputError("error.text_required", field="description")
    assert empty.render("zh").startswith("字段“现场情况”") and empty.render("en").startswith("field 'What was seen'")
    conflict = ConflictError("error.task_state_forbids", state=term("task_state.closed"),
                             action=term("task_action.assign"), expected=[])
    assert conflict.render("en") == "cannot assign a task that is closed (it must be: —)"
    assert bilingual("popup_yes") == "是 / yes"
