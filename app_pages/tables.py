"""Tables as a page shows them: every missing value as '—', never Python's None, nan or NaT."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from core.vocabulary import MISSING

TIME_FORMAT = "%Y-%m-%d %H:%M"


def _number_text(value: float, decimals: int | None) -> str:
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def shown_table(frame: pd.DataFrame, decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` for st.dataframe, which writes 'None' in every empty cell: times become text to the
    minute (Beijing time, as stored), and a number column with an empty cell becomes text with ``decimals``
    places (whole numbers as such when not given); every empty cell reads '—'. Full number columns stay
    numbers, so they still sort and take the page's number format."""
    decimals = decimals or {}
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        timed = pd.api.types.is_datetime64_any_dtype(values)
        # Yes/no columns are drawn as check boxes, empty or not.
        if pd.api.types.is_bool_dtype(values) or not timed and not values.isna().any():
            continue
        if timed:
            shown[column] = [MISSING if pd.isna(value) else f"{value:{TIME_FORMAT}}" for value in values]
        elif pd.api.types.is_numeric_dtype(values):
            shown[column] = [MISSING if pd.isna(value) else _number_text(value, decimals.get(column))
                             for value in values]
        else:
            shown[column] = [MISSING if value is None or (not isinstance(value, str) and pd.isna(value)) else value
                             for value in values]
    return shown


def table_config(shown: pd.DataFrame, headers: Mapping[str, str],
                 number_formats: Mapping[str, str] | None = None) -> dict[str, object]:
    """st.dataframe's column_config for a shown_table: each column's header, and its printf-style number format
    (``number_formats``) where the column is still numeric."""
    number_formats = number_formats or {}
    return {column: st.column_config.NumberColumn(header, format=number_formats[column])
            if column in number_formats and pd.api.types.is_numeric_dtype(shown[column]) else header
            for column, header in headers.items()}
