"""Streamlit's own widget texts on a Chinese page, in Debian's chromium at 1440×900 and 390×844: the choices'
placeholders, the date fields' yyyy/mm/dd and their labels, the open calendar, a form's "Press Ctrl+Enter" hint, the number
fields' steps, the tables' toolbar, the sidebar and the page list all read in Chinese on the supervisor's
hotspot list, and in English again once the reader switches to English."""
from __future__ import annotations

import re

import pytest

from app_pages.page_scripts import TRANSLATED_WIDGETS
from core.vocabulary import translate
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app_support import demo_copy, new_offline_context, running_app, sign_in

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
WAIT_MS = 60_000
# Latin words the page's own content uses inside these widgets: units, pollutants, file types, key names.
LATIN_ALLOWED = {"PM", "AQI", "CO", "NO", "SO", "WGS", "CSV", "PNG", "MB", "JPG", "WEBP", "Ctrl", "Enter", "Esc"}
# Every text node and label inside Streamlit's widgets (less the Material icons, which show as pictures).
_WIDGET_WORDS = """selectors => {
  const words = [];
  for (const widget of document.querySelectorAll(selectors)) {
    const walker = document.createTreeWalker(widget, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const parent = walker.currentNode.parentElement;
      if (parent && !parent.closest('[data-testid=stIconMaterial], script, style')) words.push(walker.currentNode.nodeValue);
    }
    for (const element of [widget, ...widget.querySelectorAll('[aria-label], [title], [placeholder]')])
      for (const attribute of ['aria-label', 'title', 'placeholder']) words.push(element.getAttribute(attribute) || '');
  }
  return words.join(' ');
}"""
# The supervisor's hotspot list holds a form with a text area, a choice that takes new options, a date field,
# a date range, number fields, a multiselect and tables.
HOTSPOTS_PAGE_WIDGETS = ('[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]',
                         '[data-testid="stDateInput"]', '[data-testid="stNumberInput"]', '[data-testid="stForm"]')


@pytest.fixture(scope="module")
def app_url(demo_store, tmp_path_factory: pytest.TempPathFactory) -> str:
    # A copy: signing in writes a session row, and the session's demo store must stay as built.
    folder = tmp_path_factory.mktemp("texts")
    with running_app(demo_copy(demo_store, folder), folder / "app.log") as url:
        yield url


# The sidebar and the page's text hold the page's own words (user names, the 中文 / English switch): there only
# the sidebar's own label, its buttons and the page list are Streamlit's.
CHECKED_WIDGETS = [widget for widget in TRANSLATED_WIDGETS
                   if not re.search("stSidebar|stMarkdownContainer|stCaptionContainer", widget)] + [
    '[data-testid="stSidebarHeader"]', '[data-testid="stSidebarNav"]']


def _latin_words(page) -> set[str]:
    shown = page.evaluate(_WIDGET_WORDS, ", ".join(CHECKED_WIDGETS))
    sidebar = page.locator('[data-testid="stSidebar"]').get_attribute("aria-label")
    return set(re.findall(r"[A-Za-z]{2,}", f"{shown} {sidebar}")) - LATIN_ALLOWED


def _sidebar(page, opened: bool):
    """The sidebar, opened or folded away as asked (a phone draws it over the page)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if (sidebar.get_attribute("data-collapsed") == "true") == opened:
        button = '[data-testid="stExpandSidebarButton"]' if opened else '[data-testid="stSidebarCollapseButton"] button'
        page.locator(button).click()
        page.wait_for_function("wanted => document.querySelector('[data-testid=stSidebar]')"
                               ".getAttribute('data-collapsed') === wanted",
                               arg="false" if opened else "true", timeout=WAIT_MS)
    return sidebar


@pytest.mark.parametrize("size", list(SIZES))
def test_streamlit_widget_texts_read_in_chinese(app_url, browser, size: str):
    chromium, blocked = browser
    page = new_offline_context(chromium, blocked, viewport=SIZES[size]).new_page()
    name, password = next((a[0], a[1]) for a in DEMO_ACCOUNTS if a[0] == "duban")
    sign_in(page, app_url, name, password)
    _sidebar(page, opened=True).locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=translate("hotspots_page", "zh")).click()
    if size == "phone":  # a chosen page leaves the sidebar over it: close it as a person does
        _sidebar(page, opened=False)
    for widget in HOTSPOTS_PAGE_WIDGETS:
        page.locator(widget).first.wait_for(state="attached", timeout=WAIT_MS)
    instructions = page.locator(".st-key-assign_instructions textarea")
    instructions.fill("三日内冲洗道路")
    page.locator('[data-testid="InputInstructions"]').first.wait_for(timeout=WAIT_MS)
    page.get_by_text(translate("streamlit_text.submit_form_ctrl_enter", "zh"), exact=True).wait_for(timeout=WAIT_MS)
    page.get_by_text(translate("streamlit_text.year_field", "zh"), exact=True).first.wait_for(timeout=WAIT_MS)
    page.get_by_placeholder(translate("streamlit_text.choose_option", "zh"), exact=True).first.wait_for(
        timeout=WAIT_MS)
    # The deadline's open calendar: its name, its month buttons and its keyboard hint.
    page.locator('[data-testid="stForm"] [data-testid="stDateInputCalendarButton"]').first.click()
    calendar = page.locator('[data-testid="stDateInputCalendar"]')
    calendar.get_by_role("button", name=translate("streamlit_text.next_month", "zh"), exact=True).wait_for(
        timeout=WAIT_MS)
    assert calendar.get_by_text(translate("streamlit_text.calendar_keys", "zh"), exact=True).count() == 1
    latin = _latin_words(page)
    assert latin == set(), sorted(latin)
    page.keyboard.press("Escape")
    calendar.wait_for(state="detached", timeout=WAIT_MS)

    # Switching to English gives Streamlit's texts back as Streamlit wrote them.
    _sidebar(page, opened=True).locator('[data-testid="stRadio"]').get_by_text("English", exact=True).click()
    page.get_by_text("yyyy", exact=True).first.wait_for(timeout=WAIT_MS)
    assert page.get_by_placeholder("Choose an option", exact=True).count() > 0
    page.context.close()
