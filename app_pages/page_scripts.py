"""Scripts every page carries: Streamlit's own widget texts in the reader's language, the sidebar folded
away once after sign-in on a phone, and a phone-sized page title."""
from __future__ import annotations

import json
import re

import streamlit as st

from core.vocabulary.fieldwork import STREAMLIT_TEXTS

FOLD_SIDEBAR_KEY = "fold_sidebar_once"
SCRIPTS_KEY = "page_scripts"
# Streamlit's own breakpoint: below it the sidebar is drawn over the page instead of beside it.
PHONE_MAX_WIDTH_PX = 767.98
# A phone's page title: 乡镇空气质量地图 on one line at 390 px (Streamlit's own 2.75rem takes two).
PHONE_TITLE_REM = 1.6
# Only inside Streamlit's widgets that carry its own texts, and only a text that reads exactly as one of them:
# a page's own content is never changed.
TRANSLATED_WIDGETS = tuple(f'[data-testid="{widget}"]' for widget in (
    "stFileUploader", "stCameraInput", "stDialog", "stForm", "InputInstructions", "stTextInput", "stTextArea",
    "stSelectbox", "stMultiSelect", "stDateInput", "stNumberInput", "stElementToolbar", "stSidebar",
    "stExpandSidebarButton", "stSkipToContent", "stHeaderActionElements", "stVegaLiteChart",
    # Icons in a page's text are named "<icon> icon" for screen readers; only those exact names are matched.
    "stMarkdownContainer", "stCaptionContainer")) + (
    # The open list of a choice and the calendar are drawn in a layer of their own, outside the widget.
    '[data-baseweb="popover"]', '[data-testid="stDateInputCalendar"]')
_JS_SPECIALS = re.compile(r"[.*+?^${}()|\[\]\\/]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Streamlit writes these texts from its frontend, with no API to change them. The script finds each text node
# and label attribute inside those widgets that reads exactly as one of them and shows the translation; it
# keeps the original, so switching back to English restores it.
_TRANSLATE_SCRIPT = """
<script>
(() => {
  const state = window.lantianStreamlitTexts = window.lantianStreamlitTexts
    || {texts: new Map(), attributes: new Map(), rules: [], observer: null};
  state.rules = RULES.map(([pattern, replacement]) => [new RegExp(pattern), replacement]);
  const inside = WIDGETS;
  const ATTRIBUTES = ["aria-label", "aria-roledescription", "title", "placeholder"];
  // A text may hold another (a date field's "year, {label} start date"): each pass translates one layer.
  const PASSES = 3;
  const translation = (text) => {
    const original = text.trim();
    let core = original;
    for (let pass = 0; pass < PASSES; pass++) {
      const rule = state.rules.find(([pattern]) => pattern.test(core));
      if (!rule) break;
      core = core.replace(rule[0], rule[1]);
    }
    return core === original ? text : text.replace(original, () => core);
  };
  const visitText = (node) => {
    const changed = translation(node.nodeValue);
    if (changed === node.nodeValue) return;
    if (!state.texts.has(node)) state.texts.set(node, node.nodeValue);
    node.nodeValue = changed;
  };
  const visitElement = (element) => {
    for (const attribute of ATTRIBUTES) {
      const value = element.getAttribute(attribute);
      const changed = value === null ? value : translation(value);
      if (changed === value) continue;
      const originals = state.attributes.get(element) || new Map();
      if (!originals.has(attribute)) originals.set(attribute, value);
      state.attributes.set(element, originals);
      element.setAttribute(attribute, changed);
    }
  };
  const visit = (root) => {
    const element = root.nodeType === Node.ELEMENT_NODE ? root : root.parentElement;
    if (!element) return;
    if (!element.closest(inside)) {
      if (root.nodeType === Node.ELEMENT_NODE) root.querySelectorAll(inside).forEach(visit);
      return;
    }
    if (root.nodeType === Node.TEXT_NODE) { visitText(root); return; }
    visitElement(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.nodeType === Node.TEXT_NODE) visitText(node); else visitElement(node);
    }
  };
  if (state.observer) state.observer.disconnect();
  // A new language (or none to translate, in English): Streamlit's own texts first come back as they were.
  state.texts.forEach((original, node) => { node.nodeValue = original; });
  state.attributes.forEach((originals, element) => originals.forEach((original, attribute) =>
    element.setAttribute(attribute, original)));
  state.texts.clear();
  state.attributes.clear();
  if (!state.rules.length) return;
  visit(document.body);
  state.observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === "childList") mutation.addedNodes.forEach(visit); else visit(mutation.target);
    }
    // Forget what Streamlit has removed from the page since.
    state.texts.forEach((_, node) => { if (!node.isConnected) state.texts.delete(node); });
    state.attributes.forEach((_, element) => { if (!element.isConnected) state.attributes.delete(element); });
  });
  state.observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                         attributes: true, attributeFilter: ATTRIBUTES});
})();
</script>
"""

_FOLD_SCRIPT = """
<script>
(() => {
  if (!window.matchMedia("(max-width: MAX_WIDTHpx)").matches) return;
  const started = Date.now();
  const fold = () => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (sidebar && sidebar.getAttribute("data-collapsed") === "true") return;
    if (sidebar && button) { button.click(); return; }
    if (Date.now() - started < 5000) window.setTimeout(fold, 100);
  };
  fold();
})();
</script>
"""


def streamlit_text_rules(lang: str) -> list[tuple[str, str]]:
    """For each of Streamlit's own texts (core.vocabulary.fieldwork.STREAMLIT_TEXTS): a JavaScript regular
    expression matching its English text whole, its placeholders as named groups, and its text in ``lang``
    with ``$<name>`` where each goes. None in English: Streamlit's own texts are English already."""
    if lang == "en":
        return []
    rules = []
    for entry in STREAMLIT_TEXTS.values():
        # str.split with a group keeps the placeholders' names at the odd places.
        parts = _PLACEHOLDER.split(entry["en"])
        pattern = "".join(f"(?<{part}>.+?)" if place % 2 else _JS_SPECIALS.sub(r"\\\g<0>", part)
                          for place, part in enumerate(parts))
        rules.append((f"^{pattern}$", _PLACEHOLDER.sub(r"$<\1>", entry[lang].replace("$", "$$"))))
    return rules


def _script_literal(value: object) -> str:
    """``value`` as a JavaScript literal with no "<" in it: Streamlit's HTML sanitiser drops a script whose
    text holds "<" before a letter or "/" (as the rules' named groups do)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def fold_sidebar_after_sign_in() -> None:
    """Ask the next run to fold the sidebar away if the screen is a phone's (called on a successful sign-in)."""
    st.session_state[FOLD_SIDEBAR_KEY] = True


def page_scripts(lang: str) -> None:
    """Put this run's scripts in a hidden container at the sidebar's foot: Streamlit's widget texts in
    ``lang`` on every run, and the phone's sidebar fold on the run right after a sign-in."""
    # The container is hidden: the scripts run all the same, and the page keeps its layout. A page's title
    # keeps to one line on a phone, so what the page is for starts on its first screen.
    st.html(f"<style>.st-key-{SCRIPTS_KEY} {{display: none;}} @media (max-width: {PHONE_MAX_WIDTH_PX}px) "
            f"{{[data-testid='stHeading'] h1 {{font-size: {PHONE_TITLE_REM}rem;}}}}</style>")
    with st.sidebar.container(key=SCRIPTS_KEY):
        st.html(_TRANSLATE_SCRIPT.replace("RULES", _script_literal(streamlit_text_rules(lang)))
                .replace("WIDGETS", _script_literal(", ".join(TRANSLATED_WIDGETS))), unsafe_allow_javascript=True)
        if st.session_state.pop(FOLD_SIDEBAR_KEY, False):
            st.html(_FOLD_SCRIPT.replace("MAX_WIDTH", str(PHONE_MAX_WIDTH_PX)), unsafe_allow_javascript=True)
