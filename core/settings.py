"""Typed settings read once from LANTIAN_* environment variables, every default documented."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Lantian settings; each field is read from the environment variable LANTIAN_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="LANTIAN_", extra="ignore")

    db: Path = Field(
        default=REPO_ROOT / "data" / "local" / "lantian.duckdb",
        description="The DuckDB store file. `--db PATH` on the CLI overrides it.",
    )
    busy_timeout_s: float = Field(
        default=15.0,
        description="How long to keep retrying when another process holds the store's write lock "
                    "before reporting 'store busy'.",
    )
    build_demo: bool = Field(
        default=False,
        description="Build the demo region when the app finds no store at LANTIAN_DB. The default path "
                    "(data/local/lantian.duckdb) always gets the demo on first start; any other missing path "
                    "is reported as 'no store' unless this is true, so a mistyped path never serves a demo.",
    )
    demo_seed: int = Field(default=2025, description="Seed of the built-in demo region.")
    demo_year: int = Field(default=2025, description="Calendar year of the demo's hourly history.")
    tiles: str = Field(
        default="osm",
        description="Base map: 'osm', 'tianditu', 'gaode', 'custom' (LANTIAN_TILES_URL), 'local' (a tile set "
                    "imported with `cli.py tiles import`, served by the app itself) or 'none'. Under any of "
                    "them the map draws the region's own outline, townships, roads and names, so it works with "
                    "no tiles at all.",
    )
    tianditu_key: str = Field(default="", description="Tianditu web key, needed only for tiles='tianditu'.")
    tiles_url: str = Field(
        default="",
        description="For tiles='custom': an XYZ or WMTS (KVP) URL template with {z}, {x}, {y} (and optionally "
                    "{s}), e.g. a city's own tile server or an intranet Tianditu node: "
                    "'http://10.0.0.5/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&TILEMATRIXSET=w"
                    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}'.",
    )
    tiles_attribution: str = Field(
        default="",
        description="For tiles='custom' (required) or 'local' (default: the tile set's own): the attribution "
                    "drawn on the map, e.g. '© 某市测绘院 | 审图号：豫S(2025)001号'.",
    )
    tiles_gcj02: bool = Field(
        default=False,
        description="For tiles='custom': the tiles are drawn in GCJ-02 (as Gaode's are), so the overlays are "
                    "shifted to match.",
    )
    tiles_local: str = Field(default="base", description="For tiles='local': the name of the imported tile set.")

    # Closed loop (交办 → 整改 → 复核督办 → 约谈问责)
    task_deadline_hours: dict[str, int] = Field(
        default={"I": 24, "II": 48, "III": 72},
        description="Hours a township has to rectify a task, by hotspot grade (I most severe). The clock "
                    "restarts on assignment, return for rework and escalation. JSON in the environment, "
                    'e.g. LANTIAN_TASK_DEADLINE_HOURS=\'{"I": 12, "II": 48, "III": 72}\'.',
    )
    accountability_after_returns: int = Field(
        default=2, description="A task returned for rework this many times is marked for accountability (约谈问责).")
    accountability_after_escalations: int = Field(
        default=2, description="A task escalated (督办) this many times is marked for accountability (约谈问责).")
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest photo attachment accepted, in bytes (default 10 MiB).")
    attachment_formats: tuple[str, ...] = Field(
        default=("JPEG", "PNG", "WEBP"),
        description="Image formats accepted as attachments, as Pillow names them; the type is read from "
                    "the file's content, never from its name.",
    )

    # The grid, the daily run and notifications (hotspots/dispatch.py, notify/)
    dispatch_grades: tuple[str, ...] = Field(
        default=("I",),
        description="Hotspot grades the daily run (`python cli.py daily`) turns into assigned tasks by itself; "
                    "grade I by default, '[\"I\", \"II\"]' to dispatch grade II as well. Others wait for a supervisor.",
    )
    smtp_host: str = Field(default="", description="SMTP server for notification mails; empty: no mail is sent.")
    smtp_port: int = Field(default=25, description="SMTP port (25 plain or STARTTLS, 465 SSL, 587 STARTTLS).")
    smtp_tls: str = Field(default="none", description="'none', 'starttls' or 'ssl'.")
    smtp_user: str = Field(default="", description="SMTP login; empty: no login.")
    smtp_password: str = Field(default="", description="SMTP password for smtp_user.")
    smtp_sender: str = Field(default="lantian@localhost", description="The From address of notification mails.")
    webhook_url: str = Field(
        default="",
        description="A URL that receives every notification as a JSON POST ({\"msgtype\": \"text\", \"text\": "
                    "{\"content\": ...}}, what WeCom and DingTalk group robots take) on the intranet; empty: none.",
    )
    notify_timeout_s: float = Field(default=5.0, description="How long one mail or webhook call may take, in seconds.")
    notify_retry_minutes: tuple[int, ...] = Field(
        default=(5, 30, 120, 480),
        description="Minutes to wait before each retry of a mail or webhook call that failed; after the last "
                    "one it is given up (and stays in the outbox with its error).",
    )
    # Sign-in (accounts/): throttling per account and per client, bounded password hashing
    signin_free_failures: int = Field(
        default=3, description="Failed sign-ins of one account (or one client) before each further attempt "
                               "has to wait.")
    signin_delay_s: float = Field(
        default=2.0, description="Wait after the first failure beyond the free ones, in seconds; it doubles "
                                 "with every further failure up to signin_max_delay_s.")
    signin_max_delay_s: float = Field(default=60.0, description="Longest wait between two sign-in attempts, in seconds.")
    signin_lock_after: int = Field(
        default=10, description="Consecutive failed sign-ins that lock an account for signin_lock_s (even the "
                                "right password is refused meanwhile); a success clears the count.")
    signin_client_lock_after: int = Field(
        default=30, description="Consecutive failed sign-ins from one client (any accounts) that lock that "
                                "client out for signin_lock_s.")
    signin_lock_s: float = Field(default=900.0, description="How long a locked account or client waits, in seconds.")
    signin_client_header: str = Field(
        default="", description="Request header the reverse proxy sets to the visitor's address (e.g. "
                                "'X-Real-IP'); empty: the connection's own address. Set it only behind a proxy "
                                "that overwrites the header, or visitors could name any address.")
    session_idle_minutes: int = Field(
        default=120, description="A signed-in session (kept in the page address, so a reload stays signed in) "
                                 "ends after this many minutes without a page run; sign-out and disabling the "
                                 "user end it at once.")
    signin_parallel_hashes: int = Field(
        default=2, description="Password checks (argon2, 64 MiB each) run at once; further sign-ins wait "
                               "their turn, so a flood of attempts cannot exhaust the server's memory.")

    # Air-quality science and the township ranking (stations/)
    standard_version: str | None = Field(
        default=None,
        description="Force every ranking and comparison onto one standard edition, '2012' (GB 3095-2012, "
                    "HJ 633-2012, HJ 663-2013) or '2026' (the 2026 editions, in force from 2026-03-01). "
                    "Default None: the edition in force at the end of the ranked period. Hourly and "
                    "daily AQI always use the edition in force on the observation date.",
    )
    composite_divisors: dict[str, dict[str, float]] = Field(
        default={},
        description="Overrides of the HJ 663 composite-index divisors by edition and pollutant "
                    "(so2, no2, pm10, pm25 µg/m³, co mg/m³, o3 µg/m³); defaults in "
                    "stations/standards.DEFAULT_DIVISORS (2012: 60/40/70/35/4/160; 2026: PM10 60, PM2.5 30). "
                    'JSON, e.g. LANTIAN_COMPOSITE_DIVISORS=\'{"2026": {"pm25": 35, "pm10": 70}}\'.',
    )
    composite_weights: dict[str, float] = Field(
        default={},
        description="Optional per-pollutant weights of the composite index's sub-indices (default 1 each, "
                    'as HJ 663). JSON, e.g. LANTIAN_COMPOSITE_WEIGHTS=\'{"pm25": 3, "no2": 2}\'.',
    )
    deduction_schedule: dict[str, dict[str, Any]] = Field(
        default={},
        description="Overrides of the deduction schedule, by problem type of hotspots.deductions."
                    "DeductionSchedule (where every default amount and its source is documented: a confirmed "
                    "fire point 500,000 CNY, Henan's rule; Qinyang's list for open burning 50,000, coal boilers "
                    "100,000, ...). Each entry: first_cny (a township's first case in a year), then_cny (each "
                    "further case; default the same), source. JSON, e.g. Xuchang's fire-point rule: "
                    'LANTIAN_DEDUCTION_SCHEDULE=\'{"fire_point": {"first_cny": 100000, "then_cny": 10000}}\'.',
    )

    reward_rules: dict[str, Any] = Field(
        default={},
        description="Overrides of the monthly reward and penalty rules, by field name of stations.rewards."
                    "RewardRules (top_amounts: CNY by rank from the top; bottom_amounts: CNY by place from the "
                    "bottom, negative = penalty; bottom_n; eco_cny_per_ug: eco-compensation per µg/m³ of PM2.5 "
                    "change against the same period a year earlier; include_deductions). JSON, e.g. "
                    'LANTIAN_REWARD_RULES=\'{"bottom_n": 3, "eco_cny_per_ug": 20000}\'.',
    )
    bulletin_issuer: str = Field(
        default="济源市大气污染防治攻坚战领导小组办公室",
        description="The issuing body (发文机关) printed at the head of a bulletin (通报).",
    )
    bulletin_number: str = Field(
        default="济环攻坚办〔{year}〕{serial}号",
        description="The document number (发文字号) of a bulletin; {year} and {serial} (the period's month, "
                    "quarter or week number) are filled in.",
    )

    # Hotspot engine (hotspots/)
    hotspot_config: dict[str, Any] = Field(
        default={},
        description="Overrides of the hotspot engine's thresholds and score weights, by field name of "
                    "hotspots.config.HotspotConfig (where every default is documented). JSON, e.g. "
                    'LANTIAN_HOTSPOT_CONFIG=\'{"ratio_to_median": {"so2": 4.0}, "weights": {"context": 0.3}}\'.',
    )
    landcover_path: Path | None = Field(
        default=None,
        description="Land-cover GeoTIFF (classes 1 cropland, 2 built-up, 3 forest/mountain, 4 water) used "
                    "to judge fire points. Default: <store>_files/rasters/landcover.tif (the demo writes it).",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
