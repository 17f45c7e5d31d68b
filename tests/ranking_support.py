"""The Beijing stations' real hours and an HJ 663 composite index computed from the standard's text, for
tests that check the ranking against a calculation of their own."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.store import Store

FIRST_DAY_READ = "2014-12-01"  # a month of 2016, the previous month, and both a year earlier


def beijing_hours(real_data) -> pd.DataFrame:
    folder = real_data / "beijing_multisite"
    codes = pd.read_csv(folder / "stations.csv").set_index("station")["station_code"]
    frames = []
    for path in sorted(folder.glob("PRSA_Data_*.csv")):
        raw = pd.read_csv(path)
        raw["time"] = pd.to_datetime(raw[["year", "month", "day", "hour"]])
        raw = raw[raw["time"] >= FIRST_DAY_READ]
        frames.append(pd.DataFrame({
            "station_code": raw["station"].map(codes), "time": raw["time"],
            "pm25": raw["PM2.5"], "pm10": raw["PM10"], "so2": raw["SO2"], "no2": raw["NO2"],
            "co": raw["CO"] / 1000.0,  # the UCI files give CO in µg/m³
            "o3": raw["O3"]}))
    return pd.concat(frames, ignore_index=True)


def independent_composite(hours: pd.DataFrame, month: str, prefix: str = "T") -> pd.Series:
    """HJ 663-2013 composite index per station for one calendar month, written from the standard."""
    limits = {"so2": 60, "no2": 40, "pm10": 70, "pm25": 35, "co": 4, "o3": 160}
    start = pd.Timestamp(month + "-01")
    end = start + pd.offsets.MonthBegin(1)
    result = {}
    for code, station in hours[(hours["time"] >= start) & (hours["time"] < end)].groupby("station_code"):
        station = station.set_index("time").sort_index()
        days = pd.date_range(start, end - pd.Timedelta(hours=1), freq="D")
        daily = {}
        for pollutant in ("so2", "no2", "pm10", "pm25", "co"):
            values = []
            for day in days:
                hourly = station.loc[day:day + pd.Timedelta(hours=23), pollutant].dropna()
                values.append(hourly.mean() if len(hourly) >= 20 else np.nan)
            daily[pollutant] = np.array(values)
        o3_max = []
        for day in days:
            o3 = station["o3"].reindex(pd.date_range(day, periods=24, freq="h")).to_numpy()
            means = [np.nanmean(o3[end_hour - 7:end_hour + 1])
                     for end_hour in range(7, 24) if np.sum(~np.isnan(o3[end_hour - 7:end_hour + 1])) >= 6]
            best = max(means) if means else np.nan
            o3_max.append(best if len(means) >= 14 or best > 160 else np.nan)
        daily["o3"] = np.array(o3_max)
        if min(np.sum(~np.isnan(values)) for values in daily.values()) < 27:
            continue  # an invalid month: the standard does not rank it
        concentration = {p: np.nanmean(daily[p]) for p in ("so2", "no2", "pm10", "pm25")}
        concentration["co"] = np.nanpercentile(daily["co"], 95)
        concentration["o3"] = np.nanpercentile(daily["o3"], 90)
        result[f"{prefix}{code}"] = sum(concentration[p] / limits[p] for p in limits)
    return pd.Series(result).sort_values()


def load_beijing(store: Store, real_data, shared: dict[str, str] | None = None) -> pd.DataFrame:
    """Each Beijing station becomes a township station of its own township (a 0.02° square), except
    those ``shared`` maps to another station's township."""
    stations = pd.read_csv(real_data / "beijing_multisite" / "stations.csv")
    hours = beijing_hours(real_data)
    township_of = {code: f"T{(shared or {}).get(code, code)}" for code in stations["station_code"]}
    with store.write(spatial=True) as con:
        for row in stations.itertuples():
            square = (f"POLYGON(({row.longitude - .01} {row.latitude - .01}, {row.longitude + .01} "
                      f"{row.latitude - .01}, {row.longitude + .01} {row.latitude + .01}, "
                      f"{row.longitude - .01} {row.latitude + .01}, {row.longitude - .01} {row.latitude - .01}))")
            con.execute("INSERT INTO townships (code, name, geom) VALUES (?, ?, ST_GeomFromText(?))",
                        [f"T{row.station_code}", row.name_zh, square])
            con.execute("INSERT INTO stations (code, name, kind, township_code, lon, lat, geom) "
                        "VALUES (?, ?, 'township', ?, ?, ?, ST_Point(?, ?))",
                        [row.station_code, row.name_zh, township_of[row.station_code], row.longitude,
                         row.latitude, row.longitude, row.latitude])
        con.register("beijing_hours", hours)
        con.execute("INSERT INTO observations (station_code, time, pm25, pm10, so2, no2, o3, co, source) "
                    "SELECT station_code, time, pm25, pm10, so2, no2, o3, co, 'uci' FROM beijing_hours")
    return stations
