"""Data anomalies for supervisors: flat-lined sensors, PM2.5 above PM10, sudden drops that look like interference."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.quality import PM25_EXCESS_MIN_UGM3, PM25_EXCESS_RATIO
from hotspots.config import HotspotConfig
from hotspots.episodes import merge_runs

ANOMALY_POLLUTANTS = ("pm25", "pm10", "so2", "no2", "o3", "co")
COLUMNS = ["anomaly", "station_code", "pollutant", "start", "end", "hours", "flagged_hours", "peak", "measure"]


def _episodes(hours: pd.DataFrame, anomaly: str, pollutant: str | None, min_hours: int, max_gap: int,
              measure: str) -> pd.DataFrame:
    """Merge flagged station-hours (station_code, time, value) into anomaly episodes."""
    if hours.empty:
        return pd.DataFrame(columns=COLUMNS)
    hours = hours.copy()
    hours["episode"] = merge_runs(hours, ["station_code"], max_gap, min_hours)
    hours = hours[hours["episode"] >= 0]
    if hours.empty:
        return pd.DataFrame(columns=COLUMNS)
    grouped = hours.groupby("episode")
    frame = pd.DataFrame({"station_code": grouped["station_code"].first(), "start": grouped["time"].min(),
                          "end": grouped["time"].max(), "flagged_hours": grouped.size(),
                          "peak": grouped["value"].max()})
    frame["anomaly"], frame["pollutant"], frame["measure"] = anomaly, pollutant, measure
    frame["hours"] = ((frame["end"] - frame["start"]) / pd.Timedelta(hours=1)).astype("int64") + 1
    return frame.reset_index(drop=True)[COLUMNS]


def _previous_hours(observations: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Each station's values of ``columns`` in the hour before (NaN when that hour is missing): one
    sort by station and time for every column, each shifted by a row where the row before is the
    same station an hour earlier."""
    station = pd.factorize(observations["station_code"])[0]
    time = observations["time"].to_numpy()
    order = np.lexsort((time, station))
    station, time = station[order], time[order]
    follows = np.r_[False, (station[1:] == station[:-1]) & (time[1:] - time[:-1] == np.timedelta64(1, "h"))]
    previous = {}
    for column in columns:
        shifted = np.full(len(order), np.nan)
        shifted[1:] = observations[column].to_numpy(dtype=float)[order][:-1]
        shifted[~follows] = np.nan
        previous[column] = np.empty(len(order))
        previous[column][order] = shifted
    return pd.DataFrame(previous, index=observations.index)


def flatlines(observations: pd.DataFrame, previous: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Flat-lined sensors: runs of ≥ flatline_min_hours hours in which at least
    flatline_min_pollutants pollutants repeat the previous hour's value exactly. ``previous`` is
    _previous_hours of the observations. ``peak`` is the number of pollutants flat in the run's
    flattest hour; ``measure`` says what was counted."""
    present = [p for p in ANOMALY_POLLUTANTS if p in observations]
    flat = pd.Series(0, index=observations.index)
    for pollutant in present:
        flat += (observations[pollutant] == previous[pollutant]).astype(int)
    hours = observations.loc[flat >= config.flatline_min_pollutants, ["station_code", "time"]].copy()
    hours["value"] = flat[hours.index].astype(float)
    return _episodes(hours, "flatline", None, config.flatline_min_hours, 0, "pollutants repeating")


def pm25_above_pm10(observations: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Runs of ≥ pm25_excess_hours hours with PM2.5 above PM10 beyond measurement error (the rule of
    data.quality: over 20 % and over 10 µg/m³). ``peak`` is the largest PM2.5/PM10 ratio."""
    excess = ((observations["pm25"] > observations["pm10"] * PM25_EXCESS_RATIO)
              & (observations["pm25"] - observations["pm10"] > PM25_EXCESS_MIN_UGM3)).fillna(False)
    hours = observations.loc[excess, ["station_code", "time"]].copy()
    hours["value"] = (observations.loc[excess, "pm25"] / observations.loc[excess, "pm10"]).to_numpy()
    return _episodes(hours, "pm25_above_pm10", "pm25", config.pm25_excess_hours, config.max_gap_hours,
                     "PM2.5/PM10")


def sudden_drops(observations: pd.DataFrame, previous: pd.DataFrame, medians: pd.DataFrame,
                 config: HotspotConfig) -> pd.DataFrame:
    """PM readings that collapse while the network does not (a sprinkler or fog cannon beside the inlet,
    a blocked inlet): below drop_to_median × the same-hour network median and below
    drop_from_previous × the station's previous hour, with the median ≥ drop_min_median µg/m³.
    Consecutive low hours after the drop join it. ``previous`` is _previous_hours of the observations
    (pm25 and pm10 at least). ``peak`` is the lowest value / median."""
    parts = []
    for pollutant in ("pm25", "pm10"):
        median = observations["time"].map(medians.set_index("time")[f"{pollutant}_median"])
        value = observations[pollutant]
        low = (value < config.drop_to_median * median) & (median >= config.drop_min_median)
        onset = low & (value < config.drop_from_previous * previous[pollutant])
        low, onset = low.fillna(False), onset.fillna(False)
        # Keep the low hours of a station-run only if the run began with a sudden drop.
        ordered = observations.loc[low].sort_values(["station_code", "time"])
        run = (ordered.groupby("station_code")["time"].diff() != pd.Timedelta(hours=1)).cumsum()
        began = onset[ordered.index].groupby(run.to_numpy()).transform("first").to_numpy()
        kept = ordered.index[began]
        hours = observations.loc[kept, ["station_code", "time"]].copy()
        hours["value"] = -(value[kept] / median[kept]).to_numpy()
        found = _episodes(hours, "sudden_drop", pollutant, 1, 0, "value / network median")
        found["peak"] = -found["peak"].astype(float)
        parts.append(found)
    return pd.concat(parts, ignore_index=True) if any(len(p) for p in parts) else pd.DataFrame(columns=COLUMNS)


def data_anomalies(observations: pd.DataFrame, medians: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Every data anomaly of the window, one row per episode (columns COLUMNS; times naive Beijing)."""
    # The hour before, of every pollutant either rule reads, from one sort.
    previous = _previous_hours(observations, [p for p in ANOMALY_POLLUTANTS if p in observations])
    found = [frame for frame in (flatlines(observations, previous, config), pm25_above_pm10(observations, config),
                                 sudden_drops(observations, previous, medians, config)) if len(frame)]
    if not found:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(found, ignore_index=True).sort_values(["start", "station_code"], ignore_index=True)
