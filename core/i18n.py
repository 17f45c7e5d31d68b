"""Interface strings in Chinese (the default) and English, looked up by key with no Streamlit."""
from __future__ import annotations

from core.errors import LantianError

DEFAULT_LANGUAGE = "zh"
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}

# One entry per key, both languages side by side so a missing translation shows up in review.
STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "蓝天 · 乡镇空气质量", "en": "Lantian · township air quality"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "map_page": {"zh": "地图", "en": "Map"},
    "map_title": {"zh": "乡镇空气质量地图", "en": "Township air-quality map"},
    "map_summary": {
        "zh": "{townships} 个乡镇/街道 · {stations} 个监测站点 · {zones} 个管控区",
        "en": "{townships} townships · {stations} stations · {zones} zones",
    },
    "illustrative_note": {
        "zh": "部分乡镇边界为示意，并非官方边界。",
        "en": "Some township boundaries are illustrative, not official.",
    },
    "building_demo": {
        "zh": "首次启动：正在生成演示区域数据……",
        "en": "First start: building the demo region…",
    },
    "store_busy": {
        "zh": "数据库正忙（另一个程序正在写入），请稍后重试。",
        "en": "The store is busy (another program is writing to it); retrying shortly.",
    },
    "retry": {"zh": "重试", "en": "Retry"},
    "layer_townships": {"zh": "乡镇/街道", "en": "Townships"},
    "layer_stations": {"zh": "监测站点", "en": "Stations"},
    "layer_zones": {"zh": "管控区", "en": "Zones"},
    "field_name": {"zh": "名称", "en": "Name"},
    "field_code": {"zh": "编码", "en": "Code"},
    "field_kind": {"zh": "类型", "en": "Kind"},
    "field_township": {"zh": "所属乡镇", "en": "Township"},
    "field_valid": {"zh": "有效期", "en": "In force"},
    "open_ended": {"zh": "长期", "en": "open-ended"},
    "kind_national": {"zh": "国控站", "en": "National station"},
    "kind_provincial": {"zh": "省控站", "en": "Provincial station"},
    "kind_township": {"zh": "乡镇站", "en": "Township station"},
    "kind_micro": {"zh": "微站", "en": "Micro station"},
    "zone_low_emission": {"zh": "货运车辆低排放区", "en": "Low-emission zone (freight)"},
    "zone_nonroad_ban": {"zh": "禁止使用高排放非道路移动机械区域", "en": "High-emission non-road machinery ban"},
    "zone_coal_ban": {"zh": "禁煤区", "en": "Coal ban area"},
    "zone_fuel_ban": {"zh": "高污染燃料禁燃区", "en": "High-polluting fuel ban area"},
    "township_street": {"zh": "街道", "en": "Street"},
    "township_town": {"zh": "镇", "en": "Town"},
    "township_township": {"zh": "乡", "en": "Township"},
}


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The string for ``key`` in ``lang`` ('zh' or 'en'), with ``{name}`` placeholders filled from
    ``values``. An unknown key or language is a programming error and raises LantianError."""
    if lang not in LANGUAGES:
        raise LantianError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    try:
        text = STRINGS[key][lang]
    except KeyError:
        raise LantianError(f"no interface string {key!r} in {lang!r}") from None
    return text.format(**values) if values else text
