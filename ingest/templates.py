"""`templates DIR` and the data page's downloads: one template per register, CSV and XLSX, with the Chinese
headers (units in brackets) its importer accepts and one example row; the examples of all templates fit
together, so a folder of them imports as it is."""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from core.vocabulary import translate
from ingest import dust, emergency, enterprises, fires, grid, polygons, targets
from ingest.coordinates import LAT_ALIASES, LON_ALIASES
from ingest.features import WKT_ALIASES
from ingest.fields import Field
from ingest.mobile import LAYOUTS
from ingest.observations import MEASURE_ALIASES, TIME_ALIASES, WD_ALIASES
from ingest.stations import CITY_ALIASES, CODE_ALIASES, KIND_ALIASES, NAME_ALIASES, OTHER_NAME_ALIASES, TOWNSHIP_ALIASES


@dataclass(frozen=True)
class Template:
    """A register's template: the register it is imported as (ingest.service.REGISTERS) and its columns."""

    register: str
    columns: tuple[Field, ...]


def _lon_lat(lon: str, lat: str, required: bool = False) -> tuple[Field, ...]:
    return (Field("lon", LON_ALIASES, required=required, header="经度", example=lon),
            Field("lat", LAT_ALIASES, required=required, header="纬度", example=lat))


KEJING_BOUNDARY = "POLYGON ((112.45 35.13, 112.62 35.13, 112.62 35.24, 112.45 35.24, 112.45 35.13))"
STATION_COLUMNS = (
    Field("code", CODE_ALIASES, required=True, header="站点编码", example="JY-T-06"),
    Field("name", NAME_ALIASES, required=True, header="站点名称", example="克井镇站"),
    Field("kind", KIND_ALIASES, header="站点类型", example="乡镇站"),
    Field("township", TOWNSHIP_ALIASES, header="乡镇", example="克井镇"),
    Field("city", CITY_ALIASES, header="城市", example="济源市"),
    Field("alias", OTHER_NAME_ALIASES, header="别名", example="Kejing"),
    *_lon_lat("112.545", "35.178"),
)
OBSERVATION_COLUMNS = (
    Field("station", CODE_ALIASES + NAME_ALIASES, required=True, header="站点编码", example="JY-T-06"),
    Field("time", TIME_ALIASES, required=True, header="监测时间", example="2025-03-01 08:00"),
    *(Field(name, MEASURE_ALIASES[name], header=header, example=example) for name, header, example in (
        ("pm25", "PM2.5(μg/m³)", "48"), ("pm10", "PM10(μg/m³)", "86"), ("so2", "SO2(μg/m³)", "12"),
        ("no2", "NO2(μg/m³)", "35"), ("o3", "O3(μg/m³)", "62"), ("co", "CO(mg/m³)", "0.9"),
        ("ws", "风速(m/s)", "1.8"))),
    Field("wd", WD_ALIASES, header="风向(°)", example="90"),
    Field("temp", MEASURE_ALIASES["temp"], header="气温(℃)", example="8.5"),
    Field("rh", MEASURE_ALIASES["rh"], header="相对湿度(%)", example="56"),
)
TEMPLATES: dict[str, Template] = {
    "townships": Template("townships", (*polygons.TOWNSHIP_FIELDS,
                                        Field("boundary", WKT_ALIASES, header="边界(WKT)", example=KEJING_BOUNDARY))),
    "stations": Template("stations", STATION_COLUMNS),
    "observations": Template("observations", OBSERVATION_COLUMNS),
    "enterprises": Template("enterprises", enterprises.FIELDS + enterprises.POSITION_FIELDS),
    "dust-sources": Template("dust-sources", dust.SOURCE_FIELDS + dust.POSITION_FIELDS),
    "dust-readings": Template("dust-readings", tuple(
        Field(f.name, f.aliases, f.reader, f.required, f.bounds, f.header,
              {"source": "JY-GD-001", "place_name": "克井镇安置房项目", "date": "2025-03", "road_dust_load": None,
               "dustfall": "5.2"}.get(f.name, f.example)) for f in dust.READING_FIELDS) + _lon_lat("", "")),
    "fires": Template("fires", fires.FIELDS + fires.POSITION_FIELDS),
    "targets": Template("targets", targets.FIELDS),
    "fires-video": Template("fires", fires.VIDEO_FIELDS + fires.POSITION_FIELDS),
    "zones": Template("zones", (*polygons.ZONE_FIELDS,
                                Field("boundary", WKT_ALIASES, required=True, header="边界(WKT)",
                                      example=KEJING_BOUNDARY))),
    "grid-cells": Template("grid-cells", (*grid.CELL_FIELDS, grid.CELL_WKT_FIELD)),
    "grid-people": Template("grid-people", grid.PEOPLE_FIELDS),
    **{what: Template(what, layout.fields + (_lon_lat("112.552", "35.172", layout.position == "required")
                                            if layout.position != "none" else ()))
       for what, layout in LAYOUTS.items()},
    "reduction-list": Template("reduction-list", emergency.LAYOUTS["reduction-list"].fields + _lon_lat("", "")),
    "aqi-forecasts": Template("aqi-forecasts", emergency.LAYOUTS["aqi-forecasts"].fields),
}


def template_frame(name: str) -> pd.DataFrame:
    """The template ``name`` (a TEMPLATES key) as a one-row frame: its headers and example row."""
    columns = TEMPLATES[name].columns
    return pd.DataFrame([[column.example or "" for column in columns]], columns=[c.template_header for c in columns])


def template_csv(name: str) -> bytes:
    """The template as CSV in UTF-8 with a BOM, so Excel opens the Chinese headers as they are."""
    return template_frame(name).to_csv(index=False).encode("utf-8-sig")


def _display_width(text: str) -> int:
    # Chinese characters take two columns of a spreadsheet's width; XlsxWriter's autofit counts one.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(text))


def template_xlsx(name: str, lang: str = "zh") -> bytes:
    """The template as an Excel workbook: the first sheet (the one imported) holds the headers and the
    example row; a second sheet says how to fill it (in ``lang``): which columns must be filled."""
    template = TEMPLATES[name]
    frame = template_frame(name)
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet(translate("template.sheet", lang))
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        needed = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
        for index, (column, field) in enumerate(zip(frame.columns, template.columns)):
            sheet.write_string(0, index, column, needed if field.required else header)
            sheet.write_string(1, index, frame.iloc[0, index])
            sheet.set_column(index, index, min(60, max(_display_width(column), _display_width(frame.iloc[0, index])) + 2))
        sheet.freeze_panes(1, 0)
        notes = book.add_worksheet(translate("template.notes_sheet", lang))
        lines = [translate("template.note_first_sheet", lang), translate("template.note_required", lang),
                 translate("template.note_units", lang), translate("template.note_example", lang),
                 translate("template.note_import", lang, register=template.register)]
        notes.set_column(0, 0, 100)
        for row, line in enumerate(lines):
            notes.write_string(row, 0, line)
        notes.write_string(len(lines) + 1, 0, translate("template.required_columns", lang, columns="、".join(
            field.template_header for field in template.columns if field.required)))
    return buffer.getvalue()


def write_templates(folder: Path | str) -> list[Path]:
    """Write every template as NAME.csv and NAME.xlsx into ``folder``; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TEMPLATES:
        for suffix, content in ((".csv", template_csv(name)), (".xlsx", template_xlsx(name))):
            path = folder / f"{name}{suffix}"
            path.write_bytes(content)
            written.append(path)
    return written
