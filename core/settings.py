"""Typed settings read once from LANTIAN_* environment variables, every default documented."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    demo_seed: int = Field(default=2025, description="Seed of the built-in demo region.")
    demo_year: int = Field(default=2025, description="Calendar year of the demo's hourly history.")
    tiles: str = Field(
        default="osm",
        description="Base map: 'osm', 'tianditu', 'gaode' or 'none' (the map works with no tiles).",
    )
    tianditu_key: str = Field(default="", description="Tianditu web key, needed only for tiles='tianditu'.")

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
