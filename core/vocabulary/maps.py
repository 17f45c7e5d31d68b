"""Words of the map: base maps and local tiles, the thematic layer choice, legends, a day with no data (issue 14)."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    # The thematic layer (one at a time) and the legends
    "map_theme": {"zh": "专题图层", "en": "Theme"},
    "map_theme_aqi": {"zh": "站点小时 AQI", "en": "Stations' hourly AQI"},
    "map_theme_composite": {"zh": "乡镇综合指数", "en": "Township composite index"},
    "map_theme_pm25": {"zh": "PM2.5 浓度面", "en": "PM2.5 surface"},
    "legend_more": {"zh": "其他图层图例", "en": "Other layers' legend"},
    "legend_station_kinds": {"zh": "站点类型", "en": "Station kinds"},
    "legend_fire_point": {"zh": "火点（圆内数字为聚合的火点数）", "en": "fire point (a number: fires clustered)"},
    "legend_hotspot_grades": {"zh": "热点等级（圆越大得分越高）", "en": "Hotspot grade (larger: higher score)"},
    "legend_hotspot_ring_none": {"zh": "外圈黑：未交办", "en": "black ring: no task"},
    "legend_hotspot_ring_open": {"zh": "外圈蓝：处置中", "en": "blue ring: task open"},
    "legend_hotspot_ring_closed": {"zh": "外圈绿：已闭环", "en": "green ring: task closed"},
    "legend_pm25_unit": {"zh": "{low}–{high} µg/m³", "en": "{low}–{high} µg/m³"},
    "legend_base_roads": {"zh": "道路", "en": "Roads"},
    "map_no_surface": {"zh": "{month} 没有 PM2.5 浓度面。", "en": "There is no PM2.5 surface for {month}."},
    "map_no_ranking": {"zh": "{month} 没有可用的综合指数。", "en": "No composite index for {month}."},
    "map_no_data_day": {"zh": "{day} 没有监测数据（最新数据日期：{latest}）。",
                        "en": "There are no observations on {day} (newest day with data: {latest})."},
    "map_go_newest": {"zh": "查看最新一天（{latest}）", "en": "Show the newest day ({latest})"},
    "map_details": {"zh": "详情", "en": "Details"},
    "map_details_hint": {"zh": "点击地图上的乡镇、站点或热点，详情显示在这里。",
                         "en": "Click a township, station or hotspot on the map; its details appear here."},
    "township_detail": {"zh": "{name}", "en": "{name}"},
    "township_detail_value": {"zh": "{label}：{value}", "en": "{label}: {value}"},
    "township_detail_stations": {"zh": "辖区站点：{count} 个", "en": "Stations in it: {count}"},
    "map_offline_base": {
        "zh": "未配置在线底图：地图显示辖区自带的边界、道路和乡镇名称。",
        "en": "No tile base map is configured: the map shows the region's own boundaries, roads and names."},

    # Local tiles (cli.py tiles import) and tile settings
    "note.tiles_imported": {"zh": "已导入瓦片集“{name}”：{tiles} 张，{format}，缩放级别 {min_zoom}–{max_zoom}",
                            "en": "tile set '{name}' imported: {tiles} tiles, {format}, zoom {min_zoom}–{max_zoom}"},
    "error.tile_set_name": {"zh": "瓦片集名称“{name}”无效：只能用字母、数字、下划线和连字符（最多 40 个）",
                            "en": "tile set name '{name}' is invalid: letters, digits, _ and - only (at most 40)"},
    "error.tile_source_missing": {"zh": "找不到瓦片来源", "en": "the tile source does not exist"},
    "error.tile_source_kind": {"zh": "瓦片来源应为 .mbtiles 文件或 z/x/y 瓦片文件夹",
                               "en": "a tile source is an .mbtiles file or a folder of z/x/y tiles"},
    "error.tile_set_empty": {"zh": "没有找到任何瓦片", "en": "no tiles found"},
    "error.tile_format": {"zh": "瓦片格式“{found}”不支持；可用：{known}",
                          "en": "tile format '{found}' is not supported; use one of {known}"},
    "error.tile_format_mixed": {"zh": "一个瓦片集只能有一种图片格式，找到：{found}",
                                "en": "a tile set holds one image format; found {found}"},
    "error.tile_out_of_range": {"zh": "瓦片 {z}/{x}/{y} 超出该缩放级别的范围",
                                "en": "tile {z}/{x}/{y} lies outside its zoom level's grid"},
    "error.tile_path": {"zh": "瓦片路径应为 z/x/y.png（均为整数）", "en": "a tile's path must be z/x/y.png (integers)"},
    "error.tile_file_unreadable": {"zh": "无法读取 MBTiles 文件：{reason}", "en": "cannot read the MBTiles file: {reason}"},
    "error.tiles_url_template": {
        "zh": "底图地址“{url}”应为含 {{z}}、{{x}}、{{y}} 的 XYZ 或 WMTS 模板，请设置 LANTIAN_TILES_URL",
        "en": "the tile URL '{url}' must be an XYZ or WMTS template with {{z}}, {{x}}, {{y}}; set LANTIAN_TILES_URL"},
    "error.tiles_attribution_missing": {
        "zh": "自定义底图需要版权说明（含审图号），请设置 LANTIAN_TILES_ATTRIBUTION",
        "en": "a custom base map needs its attribution (with its map approval number); set LANTIAN_TILES_ATTRIBUTION"},
    "error.tile_set_missing": {
        "zh": "没有名为“{name}”的本地瓦片集：请先运行 python cli.py tiles import 文件 --name {name}",
        "en": "there is no local tile set '{name}': run python cli.py tiles import FILE --name {name} first"},
}
