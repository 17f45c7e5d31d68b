"""The grid register (网格化监管): cells (township → village → grid cell, each a polygon or standing on its
township's boundary) and their people (网格长, 网格员, phone, e-mail, the kinds they answer for, a linked
sign-in), from tables or GIS files, into grid_cells and grid_people."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.vocabulary import VOCABULARY, term
from data.grid import read_cells
from data.store import Store
from data.townships import township_lookup
from ingest.common import ImportReport, ProblemLog, header_key, read_text_table
from ingest.features import POLYGONAL, WKT_ALIASES, check_shapes, read_feature_table, wkb_values
from ingest.fields import Field, Reader, read_fields, vocabulary_reader
from ingest.polygons import township_key
from ingest.tables import store_rows, without_problems

LEVELS = {"township": "township", "乡镇": "township", "镇": "township", "乡": "township", "街道": "township",
          "乡镇街道": "township", "village": "village", "村": "village", "社区": "village", "村社区": "village",
          "行政村": "village", "cell": "cell", "网格": "cell", "单元网格": "cell", "责任网格": "cell"}
POSTS = {"chief": "chief", "网格长": "chief", "网格负责人": "chief", "member": "member", "网格员": "member",
         "专职网格员": "member", "兼职网格员": "member"}
ALL_KINDS_WORDS = frozenset({"全部", "所有", "全部类别", "all", "*"})
DUTY_SEPARATORS = re.compile(r"[、,，;；/|\s]+")
# The task kinds a person may answer for: each code, and its Chinese and English labels, as a register writes them.
DUTY_WORDS = {header_key(word): code for key, words in VOCABULARY.items() if key.startswith("task_kind.")
              for code in [key.split(".", 1)[1]] for word in (code, words["zh"], words["en"])}
DUTY_WORDS |= {header_key(word): code for word, code in (("秸秆焚烧", "fire"), ("焚烧", "fire"), ("高值", "station"),
                                                         ("机动车", "mobile"), ("非道路机械", "mobile"), ("巡查", "field"))}
TOWNSHIP_ALIASES = ("townshipcode", "township", "乡镇", "所属乡镇", "乡镇街道", "乡镇代码")
CELL_ALIASES = ("cellcode", "cell", "网格编码", "所属网格编码", "所属网格", "网格代码")


def duty_codes(text: str) -> str | None:
    """The kinds written in a duties cell ('火点、扬尘') as JSON text of codes (["fire", "dust"]); '全部' is
    every kind ([]); None when a word names no kind."""
    words = [word for word in DUTY_SEPARATORS.split(text.strip()) if word]
    if any(word.lower() in ALL_KINDS_WORDS for word in words):
        return "[]"
    codes = [DUTY_WORDS.get(header_key(word)) for word in words]
    return None if None in codes else json.dumps(list(dict.fromkeys(codes)))


CELL_FIELDS = (
    Field("code", ("code", "cellcode", "网格编码", "网格代码", "编码"), required=True, header="网格编码",
          example="419001100-001"),
    Field("name", ("name", "cellname", "网格名称", "名称"), required=True, header="网格名称", example="克井镇东村网格"),
    Field("level", ("level", "层级", "网格层级", "级别"), vocabulary_reader(LEVELS, term("reason.expected_grid_level")),
          header="层级", example="村"),
    Field("township", TOWNSHIP_ALIASES, required=True, header="乡镇", example="克井镇"),
    Field("parent_code", ("parentcode", "parent", "上级网格编码", "上级网格"), header="上级网格编码", example=""),
)
PEOPLE_FIELDS = (
    Field("id", ("id", "personid", "人员编号", "编号"), header="人员编号", example="KJ-001"),
    Field("cell_code", CELL_ALIASES, required=True, header="所属网格编码", example="419001100-001"),
    Field("name", ("name", "姓名", "人员姓名"), required=True, header="姓名", example="王五"),
    Field("post", ("post", "职务", "岗位", "网格职务"), vocabulary_reader(POSTS, term("reason.expected_grid_post")),
          required=True, header="职务", example="网格员"),
    Field("phone", ("phone", "联系电话", "电话", "手机"), header="联系电话", example="13800000001"),
    Field("email", ("email", "邮箱", "电子邮箱"), header="电子邮箱", example="wangwu@example.gov.cn"),
    Field("duties", ("duties", "负责类别", "职责", "负责事项", "责任类别"),
          Reader(duty_codes, term("reason.expected_duties")), header="负责类别", example="火点、扬尘"),
    Field("user_name", ("username", "user", "系统账号", "账号", "登录名"), header="系统账号", example=""),
)
CELL_WKT_FIELD = Field("boundary", WKT_ALIASES, header="边界(WKT)",
                       example="POLYGON ((112.50 35.16, 112.56 35.16, 112.56 35.20, 112.50 35.20, 112.50 35.16))")


def parse_cells(path: Path | str, *, townships: dict[str, str], crs: str | None = None,
                sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """One cell file as grid_cells rows (geom WKB in EPSG:4326, None for a cell standing on its township's
    boundary); the township named or coded must be in the store; the level defaults to 'village' for a
    cell with a polygon and 'township' without one."""
    features = read_feature_table(path, crs=crs, sheet=sheet)
    source = features.source
    frame, found = read_fields(source, CELL_FIELDS)
    check_shapes(features, POLYGONAL, term("reason.expected_polygon"), required=False, name_column=found.get("name"))
    named = frame.pop("township")
    frame["township_code"] = named.map(lambda value: None if pd.isna(value) else townships.get(township_key(value)))
    unknown = frame["township_code"].isna() & named.notna()
    source.log.add(np.flatnonzero(unknown.to_numpy()), found["township"], named[unknown],
                   term("reason.unknown_grid_township"))
    frame["geom"] = wkb_values(features.geometry)
    shaped = frame["geom"].notna()
    frame["level"] = frame["level"].where(frame["level"].notna(), np.where(shaped, "village", "township"))
    frame["source"] = source.path.name
    return without_problems(frame, source.log), source.log


def person_id(cell_code: str, name: str) -> str:
    """A stable id for a register row without one (cell and name)."""
    return "gp-" + hashlib.sha1(f"{cell_code}|{name}".encode()).hexdigest()[:12]


def parse_people(path: Path | str, *, cells: set[str], sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """One people file as grid_people rows; the cell must be in the store or in the same import."""
    source = read_text_table(path, sheet=sheet)
    frame, found = read_fields(source, PEOPLE_FIELDS)
    unknown = frame["cell_code"].notna() & ~frame["cell_code"].isin(cells)
    source.log.add(np.flatnonzero(unknown.to_numpy()), found["cell_code"], frame.loc[unknown, "cell_code"],
                   term("reason.unknown_grid_cell"))
    frame = without_problems(frame, source.log)
    # Every kind is stored as NULL, however the file wrote it (全部, or left blank).
    frame["duties"] = frame["duties"].where(frame["duties"] != "[]", None)
    missing = frame["id"].isna()
    frame.loc[missing, "id"] = [person_id(cell, name) for cell, name in frame.loc[missing, ["cell_code", "name"]]
                                .itertuples(index=False)]
    frame["active"] = True
    frame["source"] = source.path.name
    return frame, source.log


def import_grid_cells(store: Store, paths: Sequence[Path | str], *, crs: str | None = None,
                      skip_bad_rows: bool = False, sheet: str | None = None) -> ImportReport:
    """Import grid cells (GIS files of polygons, or tables with a WKT column or none) into ``store`` in one
    transaction, upserting on the cell code: a re-import changes nothing."""
    with store.read() as con:
        townships = township_lookup(con)
    parsed = [parse_cells(path, townships=townships, crs=crs, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.grid_cells"), files=[str(path) for path in paths])
    return store_rows(store, report, parsed, "grid_cells", ("code",), skip_bad_rows=skip_bad_rows, geometry="wkb")


def import_grid_people(store: Store, paths: Sequence[Path | str], *, skip_bad_rows: bool = False,
                       sheet: str | None = None) -> ImportReport:
    """Import the grid's people (CSV, Excel, Parquet) into ``store`` in one transaction, upserting on the
    person's number (or cell and name): a re-import changes nothing."""
    with store.read() as con:
        cells = set(read_cells(con)["code"])
    parsed = [parse_people(path, cells=cells, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.grid_people"), files=[str(path) for path in paths])
    return store_rows(store, report, parsed, "grid_people", ("id",), skip_bad_rows=skip_bad_rows)
