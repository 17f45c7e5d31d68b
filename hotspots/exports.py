"""The handling list (处置清单) as Excel, CSV and GeoJSON bytes, from the frame task_service returns."""
from __future__ import annotations

import io
import unicodedata

import geopandas as gpd
import pandas as pd

from core.vocabulary import label
from hotspots.tasks import TaskState

# Column of the handling-list frame -> Chinese header, in the order the sheet and CSV show them.
HEADERS_ZH: dict[str, str] = {
    "id": "交办单号",
    "title": "标题",
    "card": "研判",
    "kind": "类型",
    "grade": "等级",
    "township_name": "责任乡镇",
    "township_code": "乡镇编码",
    "department": "责任部门",
    "state": "状态",
    "deadline": "整改期限",
    "overdue": "是否逾期",
    "returns": "退回次数",
    "escalations": "督办次数",
    "instructions": "整改要求",
    "latest_feedback": "最新反馈",
    "feedback_at": "反馈时间",
    "attachments": "附件数",
    "hotspot_id": "热点编号",
    "pollutant": "污染物",
    "peak": "峰值",
    "lon": "经度",
    "lat": "纬度",
    "created_at": "生成时间",
    "updated_at": "更新时间",
}
# Fill colours of the state cells: open work warm, finished work green, accountability dark red.
STATE_COLOURS: dict[TaskState, str] = {
    TaskState.PENDING: "#D9D9D9",
    TaskState.ASSIGNED: "#BDD7EE",
    TaskState.FEEDBACK_SUBMITTED: "#FFE699",
    TaskState.RETURNED: "#F8CBAD",
    TaskState.ESCALATED: "#FF7E00",
    TaskState.ACCOUNTABILITY: "#C00000",
    TaskState.CLOSED: "#A9D08E",
}
_LIGHT_TEXT_STATES = {TaskState.ACCOUNTABILITY}
SUMMARY_OVERDUE = "逾期"
SUMMARY_TOTAL = "合计"
MAX_COLUMN_WIDTH = 60
TIME_FORMAT = "yyyy-mm-dd hh:mm"
# Spreadsheet programs run cells that start with these as formulas; typed text must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: East Asian wide and full-width characters count as 2."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def to_display_frame(handling_list: pd.DataFrame) -> pd.DataFrame:
    """The handling list with Chinese headers, Chinese state and kind labels and 是/否 for overdue."""
    frame = handling_list[[column for column in HEADERS_ZH if column in handling_list.columns]].copy()
    frame["state"] = frame["state"].map(lambda code: label("task_state", code, "zh"))
    frame["kind"] = frame["kind"].map(lambda code: label("task_kind", code, "zh"))
    frame["overdue"] = frame["overdue"].map({True: "是", False: "否"})
    return frame.rename(columns=HEADERS_ZH)


def summary_by_township(handling_list: pd.DataFrame) -> pd.DataFrame:
    """Per township (Chinese name): task counts in each state (Chinese labels, every state shown),
    the overdue count and the total, plus a 合计 row."""
    township = handling_list["township_name"].fillna(handling_list["township_code"]).fillna("—")
    states = pd.Categorical(handling_list["state"].map(lambda code: label("task_state", code, "zh")),
                            categories=[state.label("zh") for state in TaskState])
    counts = pd.crosstab(township.rename("责任乡镇"), states, dropna=False)
    counts.columns = counts.columns.astype(str).rename(None)
    counts[SUMMARY_OVERDUE] = handling_list["overdue"].astype(bool).groupby(township).sum()
    counts[SUMMARY_TOTAL] = township.value_counts()
    counts = counts.fillna(0).astype(int)
    counts.loc[SUMMARY_TOTAL] = counts.sum()
    return counts.reset_index()


def _column_widths(frame: pd.DataFrame) -> list[int]:
    widths = []
    for column in frame.columns:
        cells = [display_width(str(column))] + [display_width(_cell_text(value)) for value in frame[column]]
        widths.append(min(max(cells) + 2, MAX_COLUMN_WIDTH))
    return widths


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def to_xlsx(handling_list: pd.DataFrame) -> bytes:
    """The handling list as an .xlsx workbook: sheet 处置清单 (Chinese headers, frozen header row, widths
    fitted to Chinese text, state cells coloured) and sheet 按乡镇汇总 (counts by township and state)."""
    display = to_display_frame(handling_list)
    summary = summary_by_township(handling_list)
    buffer = io.BytesIO()
    # Typed text that looks like a formula or a URL stays text.
    with pd.ExcelWriter(buffer, engine="xlsxwriter", datetime_format=TIME_FORMAT,
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}
                        ) as writer:
        for sheet_name, frame in (("处置清单", display), ("按乡镇汇总", summary)):
            frame.to_excel(writer, sheet_name=sheet_name, index=False)
            sheet = writer.sheets[sheet_name]
            sheet.freeze_panes(1, 0)
            for index, width in enumerate(_column_widths(frame)):
                sheet.set_column(index, index, width)
        book = writer.book
        state_column = display.columns.get_loc(HEADERS_ZH["state"])
        sheet = writer.sheets["处置清单"]
        for state, colour in STATE_COLOURS.items():
            fill = book.add_format({"bg_color": colour,
                                    "font_color": "#FFFFFF" if state in _LIGHT_TEXT_STATES else "#000000"})
            sheet.conditional_format(1, state_column, max(len(display), 1), state_column,
                                     {"type": "cell", "criteria": "==", "value": f'"{state.label("zh")}"',
                                      "format": fill})
    return buffer.getvalue()


def _defuse_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells that a spreadsheet would run as formulas (=, +, -, @, tab,
    carriage return first) get a leading apostrophe; numbers stay numbers. Every CSV Lantian writes
    passes through it."""
    defused = frame.copy()
    for column in defused.columns[defused.dtypes.map(lambda dtype: not pd.api.types.is_numeric_dtype(dtype))]:
        defused[column] = defused[column].map(_defuse_formula)
    return defused


def to_csv(handling_list: pd.DataFrame) -> bytes:
    """The handling list as CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese), Chinese
    headers; text cells that would run as formulas get a leading apostrophe."""
    display = defuse_formulas(to_display_frame(handling_list))
    return display.to_csv(index=False, date_format="%Y-%m-%d %H:%M").encode("utf-8-sig")


def to_geojson(handling_list: pd.DataFrame) -> bytes:
    """The handling list as a GeoJSON FeatureCollection of points (EPSG:4326, lon/lat) with every field,
    the English column names as keys plus ``state_zh``; times as 'YYYY-MM-DD HH:MM' (Beijing time).
    Tasks without a position get a null geometry."""
    frame = handling_list.copy()
    frame["state_zh"] = frame["state"].map(lambda code: label("task_state", code, "zh"))
    for column in frame.columns[frame.dtypes.map(pd.api.types.is_datetime64_any_dtype)]:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M")
    located = frame["lon"].notna() & frame["lat"].notna()
    points = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), index=frame.index, crs="EPSG:4326")
    features = gpd.GeoDataFrame(frame, geometry=points.where(located, None), crs="EPSG:4326")
    return features.to_json(drop_id=True, ensure_ascii=False, na="null").encode("utf-8")


EXPORTERS = {".xlsx": to_xlsx, ".csv": to_csv, ".geojson": to_geojson}
