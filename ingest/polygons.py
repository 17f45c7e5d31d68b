"""Townships (boundaries, or the register of codes, names, counties and cities without them) and zone polygons,
from GIS files or tables with WKT, in any CRS or GCJ-02, into the store."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from core.errors import BadInputError
from core.vocabulary import Term, term
from data.bulk import upsert
from data.sources import place_fire_points
from data.store import Store
from data.townships import attach_named_townships, read_boundaries
from ingest.common import ImportReport, ProblemLog, find_column, first_items, settle_problems, write_rejected
from ingest.features import POLYGONAL, check_shapes, read_feature_table, wkb_values
from ingest.fields import Field, read_fields, vocabulary_reader
from ingest.tables import add_counts, without_problems
from stations.day_values import daily_values_current, refresh_daily_values
from zones.rules import parse_rules

# Degrees: two boundaries closer than this everywhere (about 1 cm) are the same boundary read twice.
BOUNDARY_TOLERANCE = 1e-7
TOWNSHIP_CODE_ALIASES = ("code", "townshipcode", "adcode", "乡镇代码", "乡镇编码", "乡镇街道代码", "行政区划代码",
                         "统计用区划代码", "区划代码", "代码", "编码", "xzqdm", "xzqhdm")
TOWNSHIP_NAME_ALIASES = ("name", "townshipname", "township", "乡镇名称", "乡镇街道名称", "乡镇", "乡镇街道", "名称",
                         "xzqmc")
ZONE_ID_ALIASES = ("id", "zoneid", "code", "编号", "代码")
ZONE_NAME_ALIASES = ("name", "zonename", "名称", "区域名称", "管控区名称")
KIND_ALIASES = ("kind", "type", "类型", "类别")
ZONE_KINDS = {"low_emission": "low_emission", "低排放区": "low_emission", "货运车辆低排放区": "low_emission",
              "nonroad_ban": "nonroad_ban", "禁高区": "nonroad_ban",
              "禁止使用高排放非道路移动机械区域": "nonroad_ban",
              "coal_ban": "coal_ban", "禁煤区": "coal_ban",
              "fuel_ban": "fuel_ban", "禁燃区": "fuel_ban", "高污染燃料禁燃区": "fuel_ban"}
TOWNSHIP_KINDS = {"street": "street", "街道": "street", "街道办事处": "street", "town": "town", "镇": "town",
                  "township": "township", "乡": "township"}
TERRAINS = {"urban": "urban", "城区": "urban", "城市": "urban", "plain": "plain", "平原": "plain",
            "mountain": "mountain", "山区": "mountain", "丘陵": "mountain", "山地": "mountain"}
# The national division codes: a township is 9 digits (12 in the statistical code, ending 000); its
# county the first 6, a city the first 4 and 00, a province the first 2 and 0000.
COUNTY_DIGITS, TOWNSHIP_DIGITS = 6, 9

TOWNSHIP_FIELDS = (
    Field("code", TOWNSHIP_CODE_ALIASES, required=True, header="乡镇代码", example="419001100",
          label="column.township_code"),
    Field("name", TOWNSHIP_NAME_ALIASES, required=True, header="乡镇名称", example="克井镇", label="column.township_name"),
    Field("kind", KIND_ALIASES, vocabulary_reader(TOWNSHIP_KINDS, term("reason.expected_township_kind")),
          header="类型", example="镇"),
    Field("county_code", ("countycode", "县区代码", "区县代码", "县级代码", "县代码", "所属县区代码"), header="区县代码"),
    Field("county", ("county", "区县", "县区", "县市区", "所属县区", "区县名称", "县区名称"), header="区县"),
    Field("city_code", ("citycode", "地市代码", "市代码", "所属地市代码"), header="地市代码", example="419001"),
    Field("city", ("city", "地市", "所属地市", "地市名称", "市"), header="地市", example="济源市"),
    Field("name_en", ("nameen", "englishname", "英文名称", "英文名"), header="英文名称", example="Kejing Town"),
    Field("terrain", ("terrain", "地形", "地貌"), vocabulary_reader(TERRAINS, term("reason.expected_terrain")),
          header="地形", example="平原"),
    Field("illustrative", ("illustrative", "示意边界", "示意"), "boolean", header="示意边界", example="否"),
)
ZONE_FIELDS = (
    Field("id", ZONE_ID_ALIASES, header="编号", example="zone-coal-01"),
    Field("name", ZONE_NAME_ALIASES, required=True, header="名称", example="禁煤区", label="column.zone_name"),
    Field("kind", KIND_ALIASES, vocabulary_reader(ZONE_KINDS, term("reason.unknown_zone_kind")), header="类型",
          example="禁煤区"),
    Field("rules", ("rules", "规则", "管控规则", "规则json"), header="管控规则",
          example='{"banned_findings": ["sale", "use"]}'),
    Field("valid_from", ("validfrom", "生效日期", "起始日期", "实施日期"), "date", header="生效日期", example="2024-01-01"),
    Field("valid_to", ("validto", "失效日期", "截止日期"), "date", header="失效日期"),
)


def township_kind_from_name(name: str | None) -> str:
    """'street' for 街道/办事处, 'township' for 乡, otherwise 'town' (镇, and the schema's default)."""
    if name and name.endswith(("街道", "办事处")):
        return "street"
    if name and name.endswith("乡"):
        return "township"
    return "town"


def township_key(value: str) -> str:
    """A township as files name it, in the form the store keys it: a 12-digit national code ending in
    000 as its 9 digits (419001100000 → 419001100), anything else as written."""
    text = str(value).strip()
    return text[:TOWNSHIP_DIGITS] if len(text) == 12 and text.isdigit() and text.endswith("000") else text


def _national(code: object) -> bool:
    return isinstance(code, str) and len(code) == TOWNSHIP_DIGITS and code.isdigit()


def _hierarchy(frame: pd.DataFrame, log: ProblemLog, found: dict[str, str]) -> None:
    """Normalise the township codes and fill what the codes imply: a county named without its code gets
    the township code's first 6 digits, a city named without its code its county's first 4 and 00. A
    county code that is not the township code's prefix is the row's problem."""
    frame["code"] = frame["code"].map(lambda code: None if code is None else township_key(code))
    national = frame["code"].map(_national)
    prefix = frame["code"].str[:COUNTY_DIGITS]
    derive_county = frame["county_code"].isna() & frame["county"].notna() & national
    frame.loc[derive_county, "county_code"] = prefix[derive_county]
    county_known = frame["county_code"].notna()
    derive_city = frame["city_code"].isna() & frame["city"].notna() & county_known
    frame.loc[derive_city, "city_code"] = frame.loc[derive_city, "county_code"].str[:4] + "00"
    mismatched = national & county_known & (frame["county_code"] != prefix)
    log.add(np.flatnonzero(mismatched.to_numpy()), found.get("county_code", "county_code"),
            frame.loc[mismatched, "county_code"], term("reason.county_code_not_prefix"))


def _admin_units(frame: pd.DataFrame) -> pd.DataFrame:
    """The counties and cities the township rows name (code, name, level, parent_code)."""
    frame = frame.reindex(columns=["county_code", "county", "city_code", "city"])
    counties = frame.dropna(subset=["county_code", "county"]).assign(level="county")
    counties = counties.rename(columns={"county_code": "unit", "county": "unit_name", "city_code": "parent"})
    cities = frame.dropna(subset=["city_code", "city"]).assign(level="city")
    cities = cities.rename(columns={"city_code": "unit", "city": "unit_name"})
    cities["parent"] = cities["unit"].map(lambda code: code[:2] + "0000" if len(code) == COUNTY_DIGITS else None)
    units = pd.concat([part[["unit", "unit_name", "level", "parent"]] for part in (counties, cities)], ignore_index=True)
    units = units.rename(columns={"unit": "code", "unit_name": "name", "parent": "parent_code"})
    return units.drop_duplicates("code", keep="last").reset_index(drop=True)


def parse_townships(path: Path | str, *, crs: str | None = None, sheet: str | None = None
                    ) -> tuple[pd.DataFrame, ProblemLog, list[Term]]:
    """One township file (boundaries from a GIS file or a table's WKT column, or the register without
    them) as rows of the townships table plus county, city names; ``geom`` is WKB or None where the
    row has no boundary. kind comes from a kind column or the name's ending (街道 street, 乡 township,
    else town)."""
    features = read_feature_table(path, crs=crs, sheet=sheet)
    source = features.source
    frame, found = read_fields(source, TOWNSHIP_FIELDS)
    # A table without a boundary column is the register (codes, names, hierarchy); otherwise every row
    # of the file needs its polygon.
    notes = check_shapes(features, POLYGONAL, term("reason.expected_polygon"), required=features.shaped,
                         name_column=found.get("name"))
    _hierarchy(frame, source.log, found)
    frame["kind"] = frame["kind"].fillna(frame["name"].map(township_kind_from_name))
    if features.shaped:
        frame["illustrative"] = frame["illustrative"].fillna(False).astype(bool)
        found.setdefault("illustrative", "illustrative")
    frame["provisional"] = False
    frame["source"] = source.path.name
    frame["geom"] = wkb_values(features.geometry)
    given = [name for name in OPTIONAL_TOWNSHIP_COLUMNS if name in found or frame[name].notna().any()]
    return frame[TOWNSHIP_COLUMNS + given + ["geom"]], source.log, notes


def _settled(parsed: list[tuple[pd.DataFrame, ProblemLog, list[Term]]], what: Term, key: str,
             paths: Sequence[Path | str], skip_bad_rows: bool) -> tuple[ImportReport, pd.DataFrame, list[ProblemLog]]:
    """The report (with the files' repair notes), the rows of every file without the rows that have
    problems (refused on the first unless skipping) and, for a ``key`` given twice, only its last row."""
    logs = [log for _, log, _ in parsed]
    report = ImportReport(what, files=[str(path) for path in paths], notes=[note for _, _, notes in parsed
                                                                           for note in notes])
    report.rejected = settle_problems(logs, skip_bad_rows)
    frame = pd.concat([without_problems(rows, log) for rows, log, _ in parsed], ignore_index=True)
    repeated = frame[key].duplicated(keep="last")
    if repeated.any():
        report.notes.append(term("note.repeated_features", count=int(repeated.sum()), key=key))
    return report, frame[~repeated], logs


TOWNSHIP_COLUMNS = ["code", "name", "kind", "provisional", "source"]
# Stored only when a file gives them (or its codes imply them), so a register without a column leaves
# what a boundary file said as it was.
OPTIONAL_TOWNSHIP_COLUMNS = ["county_code", "county", "city_code", "city", "name_en", "terrain", "illustrative"]


def _replaced_boundaries(stored: dict[str, bytes], incoming: pd.DataFrame) -> list[str]:
    """Names of the incoming townships whose boundary differs from the one stored (a re-import of the same
    file changes none)."""
    changed = []
    for code, name, wkb in incoming[["code", "name", "geom"]].itertuples(index=False):
        if code in stored and not shapely.from_wkb(stored[code]).equals_exact(shapely.from_wkb(wkb), BOUNDARY_TOLERANCE):
            changed.append(name or code)
    return changed


def import_townships(store: Store, paths: Sequence[Path | str], *, crs: str | None = None,
                     skip_bad_rows: bool = False, sheet: str | None = None,
                     replace: bool = False) -> ImportReport:
    """Import township boundaries (GeoJSON, GeoPackage, Shapefile, or a table with WKT; DataV adcode/name
    work) or the township register (a table of codes, names, counties and cities) into ``store``,
    EPSG:4326, with their counties and cities (admin_units). A township a station list created by name
    takes the code of the incoming township of that name (data.townships.attach_named_townships); a
    register row without a boundary leaves a stored boundary as it was. A boundary that would replace a
    different stored one is refused unless ``replace`` (then the report says which were replaced)."""
    parsed = [parse_townships(path, crs=crs, sheet=sheet) for path in paths]
    report, frame, logs = _settled(parsed, term("imported.townships"), "code", paths, skip_bad_rows)
    bounded = frame["geom"].notna()
    stored = [column for column in frame.columns if column not in ("county", "city", "geom")]
    with store.write(spatial=True) as con:
        replaced = _replaced_boundaries(read_boundaries(con, frame.loc[bounded, "code"].tolist()), frame.loc[bounded])
        if replaced and not replace:
            raise BadInputError("error.boundary_replacement", file=", ".join(Path(path).name for path in paths),
                                count=len(replaced), townships=first_items(replaced))
        aggregates_current = daily_values_current(con)
        attached = attach_named_townships(con, frame)
        add_counts(report, upsert(con, "townships", frame.loc[bounded, stored + ["geom"]], ("code",), geometry="wkb"))
        add_counts(report, upsert(con, "townships", frame.loc[~bounded, stored], ("code",)))
        units = _admin_units(frame)
        if len(units):
            upsert(con, "admin_units", units, ("code",))
        place_fire_points(con, again_outside=True)  # a point outside the old outlines may lie in a new one
        if attached and aggregates_current:
            refresh_daily_values(con, None)  # the daily aggregates follow the townships' new codes
    if replaced:
        report.notes.append(term("note.boundaries_replaced", count=len(replaced), townships=first_items(replaced)))
    if attached:
        report.notes.append(term("note.townships_attached", count=len(attached),
                                 pairs=first_items(f"{old} → {new}" for old, new in attached)))
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report


def zone_kind(value: str | None) -> str | None:
    """'low_emission', 'nonroad_ban', 'coal_ban' or 'fuel_ban' for an English or Chinese kind."""
    return None if value is None else ZONE_KINDS.get(str(value).strip().lower())


def _rules_problem(kind: str | None, rules: str | None) -> Term | None:
    if rules is None or kind is None:
        return None
    try:
        parse_rules(kind, rules)
    except BadInputError as error:
        return term("reason.zone_rules_invalid", detail=error)
    return None


def parse_zones(path: Path | str, *, kind: str | None = None, crs: str | None = None, sheet: str | None = None
                ) -> tuple[pd.DataFrame, ProblemLog, list[Term]]:
    """One zone file as rows of the zones table (geom WKB): ``kind`` applies to rows without one; an id
    column is the key, else the id is derived from kind and name so that re-imports update the same
    zone; a rules column (JSON) is checked against the kind's rule."""
    features = read_feature_table(path, crs=crs, sheet=sheet)
    source = features.source
    if find_column(source.columns, KIND_ALIASES) is None and kind is None:
        raise BadInputError("error.no_zone_kind", file=str(source.path))
    frame, found = read_fields(source, ZONE_FIELDS)
    notes = check_shapes(features, POLYGONAL, term("reason.expected_polygon"), name_column=found.get("name"))
    if kind is not None:
        frame["kind"] = frame["kind"].fillna(zone_kind(kind))
    problems = [(position, problem) for position, problem in
                enumerate(map(_rules_problem, frame["kind"], frame["rules"])) if problem is not None]
    for position, problem in problems:
        source.log.add([position], found.get("rules", "rules"), [frame["rules"].iloc[position]], problem)
    derived = pd.Series([("zone-" + hashlib.sha1(f"{k}|{n}".encode()).hexdigest()[:12]) if n else None
                         for k, n in zip(frame["kind"], frame["name"])], index=frame.index, dtype=object)
    frame["id"] = frame["id"].fillna(derived)
    frame["source"] = source.path.name
    frame["geom"] = wkb_values(features.geometry)
    columns = ["id", "name", "kind", "source", "geom"] + [name for name in ("rules", "valid_from", "valid_to")
                                                          if name in found]
    return frame[columns], source.log, notes


def import_zones(store: Store, paths: Sequence[Path | str], *, kind: str | None = None, crs: str | None = None,
                 skip_bad_rows: bool = False, sheet: str | None = None) -> ImportReport:
    """Import zone polygons (GIS files or tables with WKT) into ``store``, EPSG:4326. ``kind``
    (low_emission, nonroad_ban, coal_ban, fuel_ban) applies to features without a kind column."""
    if kind is not None and zone_kind(kind) is None:
        raise ValueError(f"unknown zone kind {kind!r}: expected low_emission, nonroad_ban, coal_ban or fuel_ban")
    parsed = [parse_zones(path, kind=kind, crs=crs, sheet=sheet) for path in paths]
    report, frame, logs = _settled(parsed, term("imported.zones"), "id", paths, skip_bad_rows)
    with store.write(spatial=True) as con:
        add_counts(report, upsert(con, "zones", frame, ("id",), geometry="wkb"))
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report
