"""The daily air of an alert's area: its townships' daily PM2.5 and AQI averaged into one series per day."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from data.stations import township_daily_aggregates
from data.store import Store
from stations.aqi import daily_aqi
from stations.daily import finish_daily

DAILY_VALUES = ["so2", "no2", "pm10", "pm25", "co", "o3_8h", "o3_1h"]


def area_daily(store: Store, first_day: date, last_day: date, area_codes: Sequence[str] = ()) -> pd.DataFrame:
    """Per Beijing date in first_day…last_day: the mean over the area's townships (every township when
    ``area_codes`` is empty) of their valid daily values (GB 3095 validity; µg/m³, CO mg/m³), then the
    daily AQI of those means under the edition in force that day. Columns date, pm25, aqi, townships
    (how many had a valid PM2.5). Days without data are absent."""
    with store.read() as con:
        aggregates = township_daily_aggregates(con, first_day, last_day)
    daily = finish_daily(aggregates, key="township_code")
    if len(area_codes):
        daily = daily[daily["township_code"].isin(list(area_codes))]
    if daily.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "pm25": pd.Series(dtype=float),
                             "aqi": pd.Series(dtype=float), "townships": pd.Series(dtype=int)})
    means = daily.groupby("date")[DAILY_VALUES].mean().reset_index()
    means["townships"] = daily.groupby("date")["pm25"].count().to_numpy()
    means["aqi"] = daily_aqi(means)["aqi"].to_numpy(dtype=float)
    return means[["date", "pm25", "aqi", "townships"]]
