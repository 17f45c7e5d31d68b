"""GeoTIFFs the engine reads — satellite PM2.5 of a month, land cover — validated (CRS, extent over the region,
nodata, values) and kept with the store's files, recorded in the rasters table."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from rasterio.errors import RasterioIOError
from rasterio.warp import transform_bounds

from core.errors import BadInputError
from core.vocabulary import term
from data.bulk import upsert
from data.quality import PLAUSIBLE_MAXIMUM
from data.rasters import region_extent
from data.store import Store
from ingest.common import ImportReport
from ingest.coordinates import CHINA_LAT, CHINA_LON
from ingest.tables import add_counts

RASTER_KINDS = ("satellite_pm25", "landcover")
# The land-cover classes the fire rules read (hotspots.config.landcover_credibility: 1 cropland, 2 built-up,
# 3 forest/mountain, 4 water; labels landcover_class.*), 0 = nodata.
LANDCOVER_CLASSES = (1, 2, 3, 4)
PERIOD = re.compile(r"(\d{4})-?(\d{2})")


def raster_kind_from_name(name: str) -> str | None:
    """The kind a file's name says: 'landcover' (landcover*, 土地利用*, 地表覆盖*), 'satellite_pm25' (a name
    with pm25 or pm2.5), else None."""
    stem = Path(name).stem.lower()
    if stem.startswith(("landcover", "land_cover", "土地利用", "地表覆盖", "土地覆盖")):
        return "landcover"
    return "satellite_pm25" if re.search(r"pm2\.?5", stem) else None


def period_from_name(name: str) -> str | None:
    """The month ('YYYY-MM') a file's name carries (pm25_2025-03.tif, PM25_202503.tif), else None."""
    found = PERIOD.search(Path(name).stem)
    return f"{found.group(1)}-{found.group(2)}" if found and 1 <= int(found.group(2)) <= 12 else None


def _checked_period(kind: str, period: str | None, path: Path) -> str:
    if kind == "landcover":
        return ""
    chosen = period or period_from_name(path.name)
    if chosen is None or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", chosen):
        raise BadInputError("error.raster_period", file=str(path), field="period", period=chosen or "")
    return chosen


def inspect_raster(path: Path, kind: str, region: tuple[float, float, float, float] | None) -> dict:
    """The raster's description for the rasters table (crs, width, height, west…north in EPSG:4326,
    nodata), after checking it: a CRS, an extent overlapping ``region`` (else China), a nodata value
    (or float cells, where NaN is missing), some valid cells, and values a ``kind`` can hold
    (PM2.5 0–2000 µg/m³; land cover the classes LANDCOVER_CLASSES)."""
    try:
        raster = rasterio.open(path)
    except RasterioIOError as error:
        raise BadInputError("error.unreadable_raster", file=str(path), detail=str(error)) from error
    with raster:
        if raster.crs is None:
            raise BadInputError("error.raster_no_crs", file=str(path))
        west, south, east, north = transform_bounds(raster.crs, "EPSG:4326", *raster.bounds)
        target = region or (CHINA_LON[0], CHINA_LAT[0], CHINA_LON[1], CHINA_LAT[1])
        if west >= target[2] or east <= target[0] or south >= target[3] or north <= target[1]:
            raise BadInputError("error.raster_outside_region", file=str(path),
                                bounds=f"{west:.3f}–{east:.3f} E, {south:.3f}–{north:.3f} N",
                                region=f"{target[0]:.3f}–{target[2]:.3f} E, {target[1]:.3f}–{target[3]:.3f} N")
        integer = np.issubdtype(np.dtype(raster.dtypes[0]), np.integer)
        if raster.nodata is None and integer:
            raise BadInputError("error.raster_no_nodata", file=str(path))
        if kind == "landcover" and not integer:
            raise BadInputError("error.landcover_not_classes", file=str(path), dtype=raster.dtypes[0])
        values = raster.read(1, masked=True)
        valid = values.compressed()
        valid = valid[~np.isnan(valid)] if not integer else valid
        if valid.size == 0:
            raise BadInputError("error.raster_all_nodata", file=str(path))
        if kind == "satellite_pm25" and (valid.min() < 0 or valid.max() > PLAUSIBLE_MAXIMUM["pm25"]):
            raise BadInputError("error.raster_values_out_of_range", file=str(path), low=float(valid.min()),
                                high=float(valid.max()), limit=PLAUSIBLE_MAXIMUM["pm25"])
        if kind == "landcover":
            unknown = sorted(set(np.unique(valid).tolist()) - set(LANDCOVER_CLASSES))
            if unknown:
                raise BadInputError("error.landcover_classes", file=str(path), found=unknown[:12],
                                    expected=[term(f"landcover_class.{code}") for code in LANDCOVER_CLASSES])
        return {"crs": raster.crs.to_string(), "width": raster.width, "height": raster.height,
                "west": west, "south": south, "east": east, "north": north,
                "nodata": None if raster.nodata is None else float(raster.nodata)}


def _target(store: Store, kind: str, period: str) -> Path:
    return store.own_landcover_path if kind == "landcover" else store.satellite_path(period)


def import_rasters(store: Store, paths: Sequence[Path | str], *, kind: str | None = None, period: str | None = None,
                   skip_bad_rows: bool = False) -> ImportReport:
    """Import GeoTIFFs into ``store``: ``kind`` ('satellite_pm25' or 'landcover'; default: told by each
    file's name) and, for PM2.5, ``period`` 'YYYY-MM' (default: the month in the file's name). Each
    file is checked (inspect_raster), copied under Store.rasters_dir as the engine finds it
    (Store.satellite_path, Store.own_landcover_path) and recorded in the rasters table, in one
    transaction: the same file again changes nothing. ``skip_bad_rows`` has no rows to skip here."""
    if kind is not None and kind not in RASTER_KINDS:
        raise ValueError(f"unknown raster kind {kind!r}: expected one of {', '.join(RASTER_KINDS)}")
    paths = [Path(path) for path in paths]
    with store.read(spatial=True) as con:
        region = region_extent(con)
    rows = []
    for path in paths:
        chosen = kind or raster_kind_from_name(path.name)
        if chosen is None:
            raise BadInputError("error.raster_kind", file=str(path), field="kind")
        chosen_period = _checked_period(chosen, period, path)
        described = inspect_raster(path, chosen, region)
        rows.append({"kind": chosen, "period": chosen_period, "file": _target(store, chosen, chosen_period).name,
                     "source": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), **described,
                     "path": path})
    frame = pd.DataFrame(rows)
    repeated = frame.duplicated(["kind", "period"], keep="last")
    report = ImportReport(term("imported.rasters"), files=[str(path) for path in paths])
    if repeated.any():
        report.notes.append(term("note.repeated_keys", count=int(repeated.sum()), key=["kind", "period"]))
    frame = frame[~repeated]
    store.rasters_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for row in frame.itertuples():
            handle, temporary = tempfile.mkstemp(dir=store.rasters_dir, suffix=".importing.tif")
            os.close(handle)
            shutil.copyfile(row.path, temporary)
            staged.append((Path(temporary), _target(store, row.kind, row.period)))
        with store.write() as con:
            add_counts(report, upsert(con, "rasters", frame.drop(columns="path"), ("kind", "period")))
            # The files take their names last, inside the transaction: a refusal or failure before them
            # leaves the stored files and their rows as they were.
            for temporary, target in staged:
                os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    return report
