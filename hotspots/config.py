"""Thresholds and score weights of the hotspot engine, one frozen object with every default documented."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from core.errors import BadInputError


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class HotspotConfig:
    """Every number the engine decides with. Concentrations µg/m³ (CO mg/m³), distances metres,
    times hours unless the name says otherwise. Override any field through
    ``Settings.hotspot_config`` (JSON, e.g. ``LANTIAN_HOTSPOT_CONFIG='{"ratio_to_median": {"so2": 4.0}}'``).
    """

    # --- station high-value episodes (站点高值) ---
    pollutants: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "co")
    """Pollutants watched for station hotspots. O3 is left out: it is formed regionally, so a station
    well above its neighbours does not point at a local source."""
    ratio_to_median: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {"pm25": 1.5, "pm10": 1.5, "so2": 5.0, "no2": 3.0, "co": 3.0}))
    """A station-hour is high at ≥ this multiple of the same-hour median of the region's valid stations,
    per pollutant. PM is regional: 1.5× its neighbours already marks a local source (DESIGN's default).
    The gases come from stacks, roads and stoves and sit near their instruments' noise (Henan township
    SO2 ≈ 10 µg/m³), so ordinary siting differences reach 2–4× for hours: on the real Henan national
    stations of June 2019 (../shared/real/cnemc_quotsoft, 75 stations as one network) a run of ≥ 3 hours
    at ≥ 3× the median happened 95 times for SO2 in the month, at ≥ 5× 18 times; in the demo every
    plant-side micro-station reaches 3–4× weekly. SO2 5×: the "five times its neighbours next to a
    plant" of Qinyang's SO2 hotspots; NO2 and CO 3× (their medians lie further above the noise: the
    same Henan month gives 36 NO2 and 14 CO runs at 3×)."""
    robust_z: float = 3.5
    """…and at ≥ this robust z-score against the hour's stations: (value − median) / (1.4826 × MAD),
    MAD the median absolute deviation (1.4826 × MAD estimates the standard deviation of normal data).
    3.5 is Iglewicz and Hoaglin's (1993) cut-off for outliers by the modified z-score. It keeps a
    ratio from firing when the whole network is spread out (a front arriving station by station)."""
    spread_floors: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {"pm25": 3.0, "pm10": 5.0, "so2": 2.0, "no2": 3.0, "co": 0.1}))
    """The smallest spread (the z-score's denominator, µg/m³, CO mg/m³) the z-score divides by: when
    most stations read the same rounded value the MAD is 0 and any reading would be infinitely far
    out. About the hourly readings' resolution and zero noise at township levels (CO is published to
    0.1 mg/m³)."""
    floors: Mapping[str, float | None] = field(default_factory=lambda: _frozen(
        {"pm25": None, "pm10": None, "so2": 20.0, "no2": 40.0, "co": 2.0}))
    """…and at or above this concentration. None = the IAQI-100 concentration (24-hour table) of the
    standard edition in force at that hour (PM2.5 75/60, PM10 150/120 µg/m³ for 2012/2026): PM below
    its daily limit is not a priority even where it stands out. The gases' floors must not be their
    IAQI-100 concentrations (SO2 500 µg/m³ hourly), which today's township air almost never reaches, so
    a plume five times the neighbours next to a plant would never count: SO2 20 µg/m³ is GB 3095's
    Grade I annual limit (twice Henan's township level), NO2 40 µg/m³ its annual limit, CO 2 mg/m³ the
    24-hour IAQI-50 concentration."""
    min_network_stations: int = 5
    """An hour with fewer valid stations for a pollutant has no trustworthy median: no station is high."""
    min_hours: int = 3
    """An episode needs at least this many consecutive high hours."""
    max_gap_hours: int = 2
    """High hours separated by at most this many hours (missing or not high) belong to one episode."""
    grade_i_ratio: float = 4.0
    grade_ii_ratio: float = 2.5
    grade_i_hours: int = 12
    grade_ii_hours: int = 6
    """Grade I: peak ratio (peak / same-hour network median) ≥ grade_i_ratio or ≥ grade_i_hours long;
    grade II likewise with the _ii values; otherwise III."""
    recurrence_days_raise: int = 3
    recurrence_window_days: int = 7
    """A place with hotspots on ≥ recurrence_days_raise days within recurrence_window_days is raised a grade."""

    # --- dust (扬尘) ---
    dust_max_pm25_pm10: float = 0.35
    """A PM10 episode whose median PM2.5/PM10 over its hours is at most this is coarse dust (kind 'dust')."""
    road_dust_load_limit: float = 0.8
    """Road dust load limit, g/m² (Jiyuan's target)."""
    dustfall_limit: float = 7.5
    """Dustfall limit, t/(km²·month)."""

    # --- fires (秸秆焚烧) ---
    fire_eps_m: float = 1000.0
    """Fire points within this distance, on the same Beijing date and day/night pass, form one event."""
    fire_merge_m: float = 2000.0
    fire_merge_days: int = 1
    """Pass events whose centres lie within fire_merge_m (east-west and north-south) on the same or
    next fire_merge_days days are one burning episode: one field burnt over two afternoons, or
    neighbouring fields lit the same day, is one place to send someone to."""
    fire_min_points: int = 2
    """Points a burning episode needs to be a hotspot; a single detection stays on the map and in the
    township's fire-point count."""
    persistent_radius_m: float = 500.0
    """Detections within this distance of each other count as one place for the persistent-heat rule."""
    persistent_min_days: int = 4
    persistent_min_months: int = 2
    """A place detected on ≥ persistent_min_days different days spread over ≥ persistent_min_months
    calendar months (within fire_lookback_days) is a persistent heat source, not straw burning."""
    fire_lookback_days: int = 365
    """History read before the detection window for the persistent-heat rule."""
    footprint_buffer_m: float = 200.0
    """A detection within this distance of a registered enterprise's footprint is industrial heat."""
    landcover_credibility: Mapping[int, float] = field(default_factory=lambda: _frozen(
        {1: 1.0, 2: 0.3, 3: 0.6, 4: 0.1}))
    """Credibility of a straw-burning detection by land-cover class (1 cropland, 2 built-up,
    3 forest/mountain, 4 water); classes not listed, or no raster, count 0.5."""
    harvest_windows: tuple[tuple[int, int, int, int], ...] = ((5, 20, 6, 30), (9, 20, 11, 10))
    """(month, day, month, day) spans of the wheat and maize harvests; a cropland detection outside
    them is credited ``off_harvest_factor`` of its credibility."""
    off_harvest_factor: float = 0.7

    # --- grid hotspots (热点网格) ---
    grid_resolution_m: float = 1000.0
    """Resolution of the interpolated PM2.5 surface written as GeoTIFF."""
    grid_cell_m: float = 3000.0
    """Side of a hotspot grid cell (MEE uses 3 km × 3 km)."""
    grid_idw_power: float = 2.0
    grid_idw_neighbours: int = 8
    grid_top_n: int = 5
    """Cells ranked by monthly mean PM2.5; the top grid_top_n that exceed the regional mean by at
    least grid_min_excess (a fraction) are grid hotspots."""
    grid_min_excess: float = 0.1

    # --- data anomalies (数据异常) ---
    flatline_min_hours: int = 6
    flatline_min_pollutants: int = 3
    """Hours in which at least this many pollutants repeat the previous hour's value exactly are flat;
    a run of flatline_min_hours flat hours is a flat-lined sensor."""
    pm25_excess_hours: int = 3
    """PM2.5 above PM10 (data.quality's rule) for this many consecutive hours is an anomaly."""
    drop_to_median: float = 0.3
    drop_from_previous: float = 0.4
    drop_min_median: float = 35.0
    """A PM hour below drop_to_median × the network median and below drop_from_previous × the station's
    previous hour, while the network median is at least drop_min_median µg/m³, is a sudden drop."""

    # --- attribution (精准溯源) ---
    source_radius_m: float = 5000.0
    """Candidate sources lie within this distance…"""
    sector_half_width_deg: float = 45.0
    """…within this many degrees either side of the direction the wind came from…"""
    near_field_m: float = 500.0
    """…or within this distance in any direction (at a few hundred metres the plume meanders)."""
    calm_ws: float = 1.0
    """Below this mean wind speed (m/s) the direction means little: sources in every direction count."""
    max_sources: int = 10

    # --- scoring ---
    weights: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {"intensity": 0.6, "duration": 0.15, "extent": 0.15, "recurrence": 0.05, "context": 0.05}))
    """Weights of the score parts (each part 0–1); the score is 100 × the weighted sum / the weight total.
    Intensity leads: a place far above its bar comes before one that is just above it for long, since
    long, recurring near-threshold episodes are common at busy micro-stations; nearly every plain
    location lies in some ban zone, so context separates little and weighs little."""
    intensity_full: float = 3.0
    """Peak over threshold at which the intensity part is full (log scale: 1× → 0, this → 1)."""
    limit_intensity_full: float = 2.0
    """The same for readings judged against a legal limit (road dust load, dustfall): twice a limit is
    as grave as a screening threshold (1.5 × the network median) passed three times over."""
    duration_full_hours: float = 24.0
    extent_full: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {"station": 5, "dust": 5, "fire": 10, "grid": 9, "anomaly": 6, "mobile": 12, "coal": 1}))
    """Stations, fire points, cells or pollutants involved at which the extent part is full; for a zone
    violation (mobile), the positions or fence events seen in the zone that day: a full working day of
    hourly fixes, or a dozen fence sightings; one scattered-coal finding (coal) is full extent."""
    grade_i_score: float = 60.0
    grade_ii_score: float = 35.0
    """Kinds without an episode grade (fire, dust readings, grid, anomaly) are graded by score: I at
    ≥ grade_i_score, II at ≥ grade_ii_score, otherwise III."""
    grade_i_share: float = 0.1
    """Grade I is for the few hotspots someone must see to today: of a calendar month's hotspots (every
    kind, by start time), at most this share (rounded down, but at least one) keep grade I — those with
    the highest scores among the ones the rules above grade I; the rest of those become grade II. The
    rules alone made about 15 % of the demo year's hotspots grade I and 138 of the 200 best, so the grade
    ordered nothing. 1.0 turns the quota off."""
    recurrence_days: int = 30
    recurrence_full: int = 3
    """Earlier hotspots at the same place within recurrence_days at which the recurrence part is full."""
    extent_radius_m: float = 5000.0
    """Stations with an overlapping episode of the same pollutant within this distance share its extent."""

    def __post_init__(self) -> None:
        if any(ratio <= 1.0 for ratio in self.ratio_to_median.values()):
            raise BadInputError("error.ratio_to_median_too_small", field="ratio_to_median")
        unrated = set(self.pollutants) - set(self.ratio_to_median)
        if unrated:
            raise BadInputError("error.pollutant_without_ratio", field="ratio_to_median", pollutants=sorted(unrated))
        if self.robust_z < 0 or any(spread <= 0 for spread in self.spread_floors.values()):
            raise BadInputError("error.robust_z_invalid", field="robust_z")
        if self.min_hours < 1 or self.max_gap_hours < 0:
            raise BadInputError("error.episode_hours_invalid", field="min_hours")
        if not 0.0 < self.grade_i_share <= 1.0:
            raise BadInputError("error.grade_i_share_invalid", field="grade_i_share")
        unknown = set(self.weights) - {"intensity", "duration", "extent", "recurrence", "context"}
        if unknown or any(value < 0 for value in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise BadInputError("error.score_weights_invalid", field="weights")

    def with_overrides(self, overrides: Mapping[str, Any]) -> HotspotConfig:
        """A copy with the given fields replaced; mappings are merged into the default ones."""
        names = {item.name for item in fields(self)}
        unknown = set(overrides) - names
        if unknown:
            raise BadInputError("error.unknown_hotspot_settings", field="hotspot_config", names=sorted(unknown))
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            current = getattr(self, name)
            if isinstance(current, Mapping):
                merged = dict(current)
                merged.update({type(next(iter(current)))(key) if current else key: item
                               for key, item in value.items()})
                changes[name] = _frozen(merged)
            elif isinstance(current, tuple):
                changes[name] = tuple(tuple(item) if isinstance(item, list) else item for item in value)
            else:
                changes[name] = value
        return replace(self, **changes)


def configured() -> HotspotConfig:
    """The defaults with the overrides from ``Settings.hotspot_config`` applied."""
    from core.settings import get_settings

    return HotspotConfig().with_overrides(get_settings().hotspot_config)
