"""The township ranking on a Spark session, from an export folder (data.handoff): the store's own township-days
SQL transpiled to Spark SQL, and the HJ 663 rules as the pure functions run per township with applyInPandas."""
from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from core.errors import BadInputError
from core.settings import get_settings
from data.handoff import OBSERVATIONS_DIR, months_between, read_manifest
from data.stations import TOWNSHIP_HOURS_TO_DAYS, day_bounds, spread_o3_hours
from stations.assessment import ranking_version
from stations.daily import daily_statistics, finish_daily
from stations.ranking import KEY, Period, assess_townships, rank_assessed
from stations.standards import POLLUTANTS

DEFAULT_MASTER = "local[*]"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
_BUCKET = "bucket"
# Spark has no TIMESTAMP WITH TIME ZONE-free literal for a Python datetime: bounds go in as text and are cast
# to the observations' type (naive Beijing time, TIMESTAMP_NTZ in Parquet).
_TIME_PARAMETERS = ("start", "end")


@cache
def township_days_sql() -> str:
    """data.stations.TOWNSHIP_HOURS_TO_DAYS in Spark SQL, with :start, :end and :bits parameter markers."""
    tree = sqlglot.parse_one(TOWNSHIP_HOURS_TO_DAYS, read="duckdb")
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)  # a DuckDB planner hint with no meaning to Spark
    for marker in list(tree.find_all(exp.Placeholder, exp.Parameter)):
        name = marker.name
        if name in _TIME_PARAMETERS:
            marker.replace(exp.cast(exp.Placeholder(this=name), exp.DataType.build("TIMESTAMP_NTZ", dialect="spark")))
        else:
            marker.replace(exp.Placeholder(this=name))
    return tree.sql(dialect="spark")


def spark_session(master: str = DEFAULT_MASTER):
    """A Spark session on ``master`` (local[*] by default; spark://host:7077 or yarn for a cluster), with
    Arrow transfers and naive times kept as they are written.

    Python workers run this interpreter with this project importable (on a local master they inherit the
    environment); a cluster's executors need the same Python packages and the project installed."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise BadInputError("error.spark_not_installed") from error
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    paths = [str(PROJECT_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    session = (SparkSession.builder.master(master).appName("lantian-ranking")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def _no_days() -> pd.DataFrame:
    """Township daily values with no rows (finish_daily's columns)."""
    hourly = pd.DataFrame({KEY: pd.Series(dtype=str), "time": pd.Series(dtype="datetime64[ns]"),
                           **{name: pd.Series(dtype=float) for name in POLLUTANTS}})
    return daily_statistics(hourly, key=KEY)


def _assessed_schema(period: Period, version: str) -> tuple[str, pd.DataFrame]:
    """The Spark DDL schema of assess_townships' rows, read off an assessment of a township with no data."""
    sample = assess_townships(_no_days(), period, version, pd.Index(["sample"], name=KEY)).reset_index()

    def spark_type(series: pd.Series) -> str:
        if series.dtype.kind == "f":
            return "double"
        return "boolean" if str(series.dtype) in ("bool", "boolean") else "string"
    return ", ".join(f"`{name}` {spark_type(sample[name])}" for name in sample.columns), sample


def _as_sample_types(frame: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the sample's columns in its order and Arrow-friendly types (NA strings as None)."""
    frame = frame.reset_index()[list(sample.columns)]
    for name in sample.columns:
        if sample[name].dtype.kind == "f":
            frame[name] = frame[name].astype("float64")
        elif str(sample[name].dtype) in ("bool", "boolean"):
            frame[name] = frame[name].astype("boolean").fillna(False).astype(bool)
        else:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def _restore_types(frame: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """Rows back from Spark with the types assess_townships gives them (nullable booleans and strings)."""
    frame = frame.copy()
    for name in sample.columns:
        kind = str(sample[name].dtype)
        if kind in ("bool", "boolean"):
            frame[name] = frame[name].astype("boolean")
        elif kind == "string":
            frame[name] = frame[name].astype("string")
        elif sample[name].dtype.kind != "f":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), pd.NA)
    return frame


def rank_on_spark(source: Path, period: Period, *, by: str = "composite", version: str | None = None,
                  master: str = DEFAULT_MASTER, spark=None) -> pd.DataFrame:
    """rank_store's ranking of ``period`` computed on Spark from the export folder ``source``.

    Township days come from TOWNSHIP_HOURS_TO_DAYS on Spark, the townships' periods are assessed by
    stations.ranking.assess_townships in buckets of townships (one Python call each), and the small table of
    assessed rows is ranked on the driver by rank_assessed — so the rules are the ones rank_store applies. Fire-point deductions live in the store,
    not in the export: their columns are zero here."""
    source = Path(source)
    if not read_manifest(source):
        raise BadInputError("error.handoff_missing", file=str(source))
    settings = get_settings()
    edition = ranking_version(period, version)
    span = period.data_span()
    spark = spark or spark_session(master)
    from pyspark.sql import functions as F

    observations = (spark.read.option("basePath", str(source / OBSERVATIONS_DIR))
                    .parquet(str(source / OBSERVATIONS_DIR))
                    .where(F.col("month").isin(months_between(span.start, span.end))))
    observations.createOrReplaceTempView("observations")
    stations = spark.read.parquet(str(source / "stations.parquet"))
    stations.createOrReplaceTempView("stations")
    dust_days = pd.read_parquet(source / "sand_dust_days.parquet")
    bounds = day_bounds(span.start, span.end)
    arguments = {name: (value.isoformat(sep=" ") if name in _TIME_PARAMETERS else value)
                 for name, value in bounds.items()}
    days = spark.sql(township_days_sql(), args=arguments)
    schema, sample = _assessed_schema(period, edition)
    divisors, weights = settings.composite_divisors, settings.composite_weights

    def assess_group(rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows.drop(columns=_BUCKET).sort_values([KEY, "date"]).reset_index(drop=True)
        daily = finish_daily(spread_o3_hours(pa.Table.from_pandas(rows, preserve_index=False)), key=KEY)
        codes = pd.Index(sorted(rows[KEY].unique()), name=KEY)
        assessed = assess_townships(daily, period, edition, codes, dust_days=dust_days, divisors=divisors,
                                    weights=weights)
        return _as_sample_types(assessed, sample)

    # Townships go to Python in buckets of many: the assessment is vectorised across townships, and one call
    # per township would spend its time in per-call overhead.
    buckets = max(2, 2 * spark.sparkContext.defaultParallelism)
    assessed = (days.withColumn(_BUCKET, F.pmod(F.xxhash64(KEY), F.lit(buckets)))
                .groupBy(_BUCKET).applyInPandas(assess_group, schema=schema).toPandas())
    members = (stations.where((F.col("kind") == "township") & F.col(KEY).isNotNull())
               .select(KEY, "township").dropDuplicates([KEY]).toPandas())
    if members.empty:
        raise BadInputError("error.no_township_stations")
    missing = pd.Index(sorted(set(members[KEY]) - set(assessed[KEY])), name=KEY)
    if len(missing):  # township stations with no hour in the span: listed unranked, as rank_store lists them
        assessed = pd.concat([assessed, _as_sample_types(assess_townships(
            _no_days(), period, edition, missing, dust_days=dust_days, divisors=divisors, weights=weights), sample)])
    assessed = _restore_types(assessed, sample).set_index(KEY)
    townships = members.rename(columns={"township": "name"})
    return rank_assessed(assessed, period, edition, by=by, townships=townships)
