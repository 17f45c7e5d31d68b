"""Hourly six-factor and weather series for every demo station: a shared regional signal plus local noise.

The model is deliberately simple but keeps the cycles an official would recognise: winter PM peaks and
summer afternoon O3 peaks, NO2 rush hours, PM2.5 that builds up under calm and easterly winds, cleaner
mountain towns, a regional wind field every station shares. Planted events (ingest.demo.planted) are laid
over the result. Concentrations µg/m³, CO mg/m³, ws m/s, wd degrees the wind comes FROM, temp °C, rh %;
times naive Beijing time.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from ingest.demo.geography import DEMO_SOURCE
from ingest.demo.layout import Station
from ingest.demo.planted import PlantedEvent

POLLUTANTS = ("pm25", "pm10", "so2", "no2", "o3", "co")
ANNUAL_PM25_TARGET = 45.0  # µg/m³, network mean of the township and national stations
# Relative monthly PM2.5 (January to December) of a North China Plain city: heating-season peaks.
PM25_MONTHLY_SHAPE = (2.2, 1.75, 1.15, 0.85, 0.75, 0.7, 0.68, 0.66, 0.75, 0.95, 1.3, 1.95)


def hourly_times(year: int) -> pd.DatetimeIndex:
    """Every hour of the calendar year, 00:00 on 1 January to 23:00 on 31 December (Beijing time)."""
    return pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", inclusive="left")


def ar1(rng: np.random.Generator, shape: tuple[int, ...], phi: float, sd: float | np.ndarray) -> np.ndarray:
    """AR(1) noise along the last axis with stationary standard deviation ``sd`` and lag-1 correlation
    ``phi``, started in its stationary state."""
    shocks = rng.normal(size=shape) * np.sqrt(1.0 - phi**2)
    shocks[..., 0] /= np.sqrt(1.0 - phi**2)
    series = lfilter([1.0], [1.0, -phi], shocks, axis=-1)
    return series * (np.asarray(sd)[..., None] if np.ndim(sd) else sd)


def smooth(series: np.ndarray, alpha: float) -> np.ndarray:
    """Exponentially weighted moving average of a 1-D series (weight ``alpha`` on the newest hour),
    started at the first value."""
    smoothed, _ = lfilter([alpha], [1.0, alpha - 1.0], series, zi=[(1.0 - alpha) * series[0]])
    return smoothed


def wind_direction(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Meteorological direction (degrees, 0 = north, the direction the wind comes FROM) of the
    eastward ``u`` and northward ``v`` wind components."""
    return np.degrees(np.arctan2(-u, -v)) % 360.0


def wind_components(speed: np.ndarray | float, from_deg: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Eastward and northward components of a wind of ``speed`` blowing FROM ``from_deg``."""
    radians = np.radians(from_deg)
    return -speed * np.sin(radians), -speed * np.cos(radians)


def easterly_weight(wd: np.ndarray) -> np.ndarray:
    """1 for a wind from due east, falling to 0 for winds from north or south and beyond."""
    return np.clip(np.cos(np.radians(wd - 90.0)), 0.0, None)


def _monthly_climate(doy: np.ndarray, monthly: tuple[float, ...]) -> np.ndarray:
    """Monthly values interpolated smoothly (and periodically) to each day of the year."""
    mid_month = (np.arange(12) + 0.5) * 365.25 / 12.0
    return np.interp(doy, mid_month, monthly, period=365.25)


def _event_window(times: pd.DatetimeIndex, event: PlantedEvent) -> slice:
    start = times.get_loc(pd.Timestamp(event.start))
    return slice(start, start + event.hours)


def _bump(hours: int, floor: float) -> np.ndarray:
    """A rise-and-fall shape over ``hours`` hours peaking at exactly 1 and never below ``floor``."""
    shape = np.sin(np.pi * (np.arange(hours) + 0.5) / hours)
    return floor + (1.0 - floor) * shape / shape.max()


def simulate(stations: tuple[Station, ...], events: tuple[PlantedEvent, ...], year: int,
             rng: np.random.Generator) -> pd.DataFrame:
    """One row per station and hour with the observation table's columns (missing hours left out)."""
    times = hourly_times(year)
    n_hours, n_stations = len(times), len(stations)
    doy = times.day_of_year.to_numpy().astype(float)
    hod = times.hour.to_numpy().astype(float)
    winter = np.cos(2 * np.pi * (doy - 15.0) / 365.25)         # +1 mid-January, -1 mid-July
    spring = np.exp(-((doy - 95.0) / 30.0) ** 2)               # the windy, dusty spring
    sun = np.clip(np.sin(np.pi * (hod - 8.0) / 14.0), 0.0, None)  # photochemistry, peaking 15:00

    # Regional wind: north-westerly in winter, south-easterly in summer, stronger in the afternoon.
    gustiness = (1.0 + 0.35 * np.cos(2 * np.pi * (hod - 14.0) / 24.0)) * (1.0 + 0.3 * spring)
    u_reg = (0.1 + 0.8 * winter + ar1(rng, (n_hours,), 0.96, 1.9)) * gustiness
    v_reg = (-0.2 - 0.5 * winter + ar1(rng, (n_hours,), 0.96, 1.9)) * gustiness
    spikes = [event for event in events if event.kind == "so2_spike"]
    for event in spikes:
        # The whole area sees the plume-carrying wind, an hour either side of the spike.
        window = _event_window(times, event)
        around = slice(max(window.start - 1, 0), min(window.stop + 1, n_hours))
        speed = rng.uniform(1.8, 2.8, around.stop - around.start)
        u_reg[around], v_reg[around] = wind_components(speed, event.wind_from)
    ws_reg = np.hypot(u_reg, v_reg)
    wd_reg = wind_direction(u_reg, v_reg)

    # Stagnation: pollution builds up over hours of calm or easterly air and clears under strong wind.
    stagnation = smooth(-0.5 * np.log((ws_reg + 0.4) / 2.4) + 0.45 * easterly_weight(wd_reg), 0.15)
    ln_pm_reg = (np.log(_monthly_climate(doy, PM25_MONTHLY_SHAPE)) + 0.15 * np.cos(2 * np.pi * (hod - 1.0) / 24.0) + stagnation
                 + ar1(rng, (n_hours,), 0.985, 0.38))
    temp_reg = (14.5 - 13.5 * winter + 4.5 * np.cos(2 * np.pi * (hod - 15.0) / 24.0)
                + ar1(rng, (n_hours,), 0.99, 2.2))
    rh_reg = (64.0 - 9.0 * winter - 10.0 * np.cos(2 * np.pi * (hod - 15.0) / 24.0)
              + ar1(rng, (n_hours,), 0.97, 9.0))

    terrain = np.array([station.terrain for station in stations])
    near = np.array([station.near for station in stations])
    kind = np.array([station.kind for station in stations])
    mountain, urban = terrain == "mountain", terrain == "urban"
    micro = kind == "micro"
    shape = (n_stations, n_hours)

    # Station winds share the regional field; mountain valleys slow it down.
    calm_factor = np.where(mountain, 0.75, 1.0)[:, None]
    bias_u = rng.normal(0.0, 0.3, n_stations)[:, None]
    bias_v = rng.normal(0.0, 0.3, n_stations)[:, None]
    u = (u_reg + bias_u + ar1(rng, shape, 0.8, 0.6)) * calm_factor
    v = (v_reg + bias_v + ar1(rng, shape, 0.8, 0.6)) * calm_factor
    ws = np.hypot(u, v)
    wd = wind_direction(u, v)
    temp = temp_reg + np.select([mountain, urban], [-1.8, 0.7], 0.0)[:, None] + rng.normal(0, 0.5, shape)
    rh = np.clip(rh_reg + np.where(mountain, 4.0, 0.0)[:, None] + rng.normal(0, 3.0, shape), 12.0, 99.0)

    pm_offset = (np.select([mountain, urban], [-0.4, 0.05], 0.12)
                 + np.select([near == "industry", near == "dust", near == "road"], [0.1, 0.08, 0.06], 0.0)
                 + rng.normal(0.0, 0.04, n_stations))
    local_sd = np.select([micro, kind == "township"], [0.2, 0.12], 0.08)
    local_stagnation = -0.3 * np.log((ws + 0.4) / (ws_reg + 0.4))
    ln_pm = ln_pm_reg + pm_offset[:, None] + local_stagnation + ar1(rng, shape, 0.9, local_sd)
    reference = ~micro
    pm25 = np.exp(ln_pm)
    pm25 *= ANNUAL_PM25_TARGET / pm25[reference].mean()

    coarse_offset = np.select([near == "dust", near == "road"], [0.35, 0.2], 0.0)[:, None]
    ratio = (1.75 + 0.35 * spring - 0.15 * np.clip(winter, 0, None) + 0.08 * np.clip(ws - 3.0, 0, None)
             + coarse_offset + ar1(rng, shape, 0.7, 0.08))
    pm10 = pm25 * np.clip(ratio, 1.15, None)

    no2_level = (np.select([mountain, urban], [13.0, 40.0], 28.0)
                 + np.where(near == "road", 10.0, 0.0) + np.where(near == "industry", 6.0, 0.0))
    rush = (0.8 + 0.45 * np.exp(-((hod - 8.0) / 1.5) ** 2) + 0.55 * np.exp(-((hod - 19.5) / 2.0) ** 2)
            - 0.3 * sun)
    no2 = (no2_level[:, None] * (1.0 + 0.25 * winter) * np.exp(0.55 * stagnation) * rush
           * np.exp(ar1(rng, shape, 0.7, 0.2)))

    so2_level = np.select([near == "industry", mountain], [15.0, 6.0], 9.0)
    so2 = (so2_level[:, None] * np.exp(0.45 * winter + 0.4 * stagnation)
           * (1.0 + 0.25 * np.exp(-((hod - 10.0) / 3.0) ** 2)) * np.exp(ar1(rng, shape, 0.75, 0.3)))

    photochemistry = (70.0 - 55.0 * winter) * sun * np.exp(ar1(rng, (n_hours,), 0.98, 0.28))
    o3_background = 42.0 - 14.0 * winter + np.where(mountain, 10.0, 0.0)[:, None]
    o3 = np.clip((o3_background + photochemistry) * np.exp(ar1(rng, shape, 0.7, 0.1)) - 0.45 * no2, 2.0, None)
    co = (0.3 + 0.0095 * pm25) * np.exp(ar1(rng, shape, 0.7, 0.1))

    series = {"pm25": pm25, "pm10": pm10, "so2": so2, "no2": no2, "o3": o3, "co": co,
              "ws": ws, "wd": wd, "temp": temp, "rh": rh}
    index = {station.code: row for row, station in enumerate(stations)}
    planted_rows: dict[int, list[slice]] = {}
    for event in events:
        if event.station_code is None:
            continue
        row, window = index[event.station_code], _event_window(times, event)
        planted_rows.setdefault(row, []).append(window)
        _plant(series, row, window, event, rng)

    keep = _availability(rng, kind, planted_rows, shape)
    return _frame(stations, times, series, keep)


def _plant(series: dict[str, np.ndarray], row: int, window: slice, event: PlantedEvent,
           rng: np.random.Generator) -> None:
    hours = window.stop - window.start
    if event.kind == "so2_spike":
        so2 = series["so2"][row, window]
        series["so2"][row, window] = so2 + (event.peak - so2) * _bump(hours, 0.35)
        series["wd"][row, window] = (event.wind_from + rng.normal(0.0, 6.0, hours)) % 360.0
        series["ws"][row, window] = rng.uniform(1.8, 3.0, hours)
    elif event.kind == "dust_episode":
        # Coarse dust from the site: PM10 soars while PM2.5 barely moves, so PM2.5/PM10 stays below 0.3.
        pm25 = series["pm25"][row, window]
        series["pm10"][row, window] = np.maximum(event.peak * _bump(hours, 0.55), pm25 / 0.3)
    elif event.kind == "flatline":
        for pollutant in POLLUTANTS:
            series[pollutant][row, window] = series[pollutant][row, window.start - 1]


def _availability(rng: np.random.Generator, kind: np.ndarray, planted_rows: dict[int, list[slice]],
                  shape: tuple[int, int]) -> np.ndarray:
    """Which station-hours exist: a few short outages per station, never inside a planted window."""
    keep = np.ones(shape, dtype=bool)
    outages = rng.poisson(np.select([kind == "micro", kind == "township"], [5.0, 2.0], 1.0))
    for row, count in enumerate(outages):
        starts = rng.integers(0, shape[1] - 12, count)
        lengths = rng.integers(2, 9 if kind[row] == "micro" else 5, count)
        for start, length in zip(starts, lengths):
            keep[row, start:start + length] = False
        for window in planted_rows.get(row, []):
            keep[row, max(window.start - 2, 0):window.stop + 2] = True
    return keep


def _frame(stations: tuple[Station, ...], times: pd.DatetimeIndex, series: dict[str, np.ndarray],
           keep: np.ndarray) -> pd.DataFrame:
    decimals = {"pm25": 1, "pm10": 1, "so2": 1, "no2": 1, "o3": 1, "co": 2,
                "ws": 1, "wd": 0, "temp": 1, "rh": 0}
    flat_keep = keep.ravel()
    columns = {
        "station_code": np.repeat(np.array([station.code for station in stations], dtype=object),
                                  len(times))[flat_keep],
        "time": np.tile(times.to_numpy(), len(stations))[flat_keep],
    }
    for name, digits in decimals.items():
        columns[name] = np.round(series[name].ravel()[flat_keep], digits)
    columns["wd"] = columns["wd"] % 360.0
    frame = pd.DataFrame(columns)
    frame["aqi_published"] = pd.array([None] * len(frame), dtype="Int32")
    frame["quality_flag"] = np.zeros(len(frame), dtype=np.int32)
    frame["source"] = DEMO_SOURCE
    return frame
