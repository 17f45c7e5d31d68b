"""Words of the registers a city imports (issue 15): their labels and codes, the templates, the folder import,
the data page's uploads and township register, and what the importers say about bad files and rows."""
from __future__ import annotations

_CODES: dict[str, dict[str, tuple[str, str]]] = {
    "site_phase": {
        "demolition": ("拆除", "demolition"), "earthwork": ("土方", "earthwork"), "foundation": ("基础", "foundation"),
        "structure": ("主体结构", "structure"), "finishing": ("装饰装修", "finishing"),
        "landscaping": ("园林绿化", "landscaping"), "stopped": ("停工", "stopped"), "completed": ("竣工", "completed"),
    },
    "road_grade": {
        "expressway": ("快速路", "expressway"), "arterial": ("主干路", "arterial road"),
        "secondary": ("次干路", "secondary road"), "branch": ("支路", "branch road"), "national": ("国道", "national road"),
        "provincial": ("省道", "provincial road"), "county": ("县道", "county road"), "rural": ("乡村道路", "rural road"),
    },
    "performance_grade": {
        "A": ("A级", "grade A"), "B": ("B级", "grade B"), "B-": ("B-级", "grade B-"), "C": ("C级", "grade C"),
        "D": ("D级", "grade D"), "leading": ("引领性", "leading"),
    },
    "six_100": {
        "enclosure": ("周边围挡", "site enclosed"), "covering": ("物料堆放覆盖", "materials covered"),
        "washing": ("出入车辆冲洗", "vehicles washed"), "hardening": ("施工现场路面硬化", "site roads hardened"),
        "wet_work": ("拆迁工地湿法作业", "wet demolition"), "sealed_transport": ("渣土车辆密闭运输", "spoil trucks sealed"),
    },
    "fire_source": {
        "firms_modis": ("卫星火点（MODIS）", "satellite (MODIS)"), "firms_viirs": ("卫星火点（VIIRS）", "satellite (VIIRS)"),
        "official": ("官方卫星遥感火点", "official satellite list"), "video": ("蓝天卫士视频报警", "video alarm"),
        "firms": ("FIRMS 文件", "FIRMS file"), "demo": ("示例", "demo"),
    },
    "raster_kind": {
        "satellite_pm25": ("卫星 PM2.5", "satellite PM2.5"), "landcover": ("土地覆盖", "land cover"),
    },
    "landcover_class": {
        "1": ("1 耕地", "1 cropland"), "2": ("2 建设用地", "2 built-up"), "3": ("3 林地/山地", "3 forest/mountain"),
        "4": ("4 水体", "4 water"),
    },
    "admin_level": {
        "province": ("省", "province"), "city": ("地市", "city"), "county": ("区县", "county"),
    },
}

ENTRIES: dict[str, dict[str, str]] = {
    **{f"{domain}.{code}": {"zh": zh, "en": en} for domain, labels in _CODES.items()
       for code, (zh, en) in labels.items()},
    # What was imported (ImportReport.what)
    "imported.enterprises": {"zh": "企业", "en": "enterprises"},
    "imported.dust_sources": {"zh": "扬尘源", "en": "dust sources"},
    "imported.dust_readings": {"zh": "扬尘监测", "en": "dust readings"},
    "imported.rasters": {"zh": "栅格", "en": "rasters"},
    "column.dust_value": {"zh": "积尘负荷或降尘量", "en": "road dust load or dustfall"},
    # Notes of an import
    "note.townships_named": {"zh": "以下乡镇尚无边界，已按站点清单中的名称建立（导入边界或乡镇名录后自动对应）：{townships}",
                             "en": "township(s) not in the store, created by the name the station list gives "
                                   "(a boundary or register imported later attaches to them): {townships}"},
    "note.townships_attached": {"zh": "{count} 个按名称建立的乡镇已对应到正式代码：{pairs}",
                                "en": "{count} township(s) known by name now carry their official code: {pairs}"},
    # Files that cannot be read
    "error.old_excel": {"zh": "不支持旧版 Excel（.xls/.et）文件：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV",
                        "en": "old Excel files (.xls/.et) are not read: save it as .xlsx or CSV"},
    "error.unreadable_excel": {"zh": "无法作为 Excel 表格读取：{detail}", "en": "not a readable Excel workbook: {detail}"},
    "error.unknown_sheet": {"zh": "没有工作表“{sheet}”；文件中的工作表：{sheets}",
                            "en": "no sheet '{sheet}'; the workbook has {sheets}"},
    "error.unreadable_raster": {"zh": "无法作为 GeoTIFF 读取：{detail}", "en": "not a readable GeoTIFF: {detail}"},
    "error.raster_no_crs": {"zh": "栅格未注明坐标系：请在 GIS 软件中为其指定坐标系后再导入",
                            "en": "the raster states no coordinate system: set one in a GIS and import it again"},
    "error.raster_outside_region": {"zh": "栅格范围（{bounds}）与本地区（{region}）不重叠",
                                    "en": "the raster ({bounds}) does not overlap the region ({region})"},
    "error.raster_no_nodata": {"zh": "整数栅格未声明无数据值（nodata）：请声明后再导入（如 gdal_edit.py -a_nodata 0）",
                               "en": "an integer raster must declare its nodata value (e.g. gdal_edit.py -a_nodata 0)"},
    "error.raster_all_nodata": {"zh": "栅格没有任何有效像元", "en": "the raster has no valid cell"},
    "error.raster_values_out_of_range": {
        "zh": "PM2.5 栅格数值范围 {low:g}–{high:g} 超出 0–{limit:g} µg/m³：单位是否为 µg/m³？",
        "en": "PM2.5 values {low:g}-{high:g} are outside 0-{limit:g} µg/m³: is the unit µg/m³?"},
    "error.landcover_not_classes": {"zh": "土地覆盖栅格应为整数类别，实际为 {dtype}",
                                    "en": "a land-cover raster holds integer classes, not {dtype}"},
    "error.landcover_classes": {"zh": "土地覆盖栅格含未知类别 {found}；应为：{expected}（0 为无数据）",
                                "en": "unknown land-cover classes {found}; expected {expected} (0 = nodata)"},
    "error.raster_kind": {"zh": "无法从文件名判断栅格类型：请指定 --kind satellite_pm25 或 --kind landcover",
                          "en": "the file's name does not say what the raster is: give --kind satellite_pm25 or landcover"},
    "error.raster_period": {"zh": "卫星 PM2.5 栅格需要月份（YYYY-MM，实际为“{period}”）：请用 --period 2025-03 指定，"
                                  "或在文件名中注明",
                            "en": "a satellite PM2.5 raster needs its month (YYYY-MM, found '{period}'): give --period "
                                  "2025-03 or put it in the file's name"},
    # Why a row is rejected
    "reason.ambiguous_station": {"zh": "多个站点共用此名称：请改用站点编码", "en": "more than one station has this name: "
                                                                           "use the station code"},
    "reason.expected_yes_no": {"zh": "应为 是/否（或 √/×、达标/未达标）", "en": "expected yes or no (是/否, √/×)"},
    "reason.expected_text": {"zh": "应为文字", "en": "expected text"},
    "reason.expected_wkt": {"zh": "应为 WKT 几何，如 POINT (112.6 35.1)", "en": "expected WKT such as POINT (112.6 35.1)"},
    "reason.expected_township_kind": {"zh": "类型应为 街道、镇 或 乡", "en": "expected a kind: 街道 street, 镇 town or 乡"},
    "reason.expected_terrain": {"zh": "地形应为 城区、平原 或 山区", "en": "expected terrain: 城区 urban, 平原 plain or "
                                                                   "山区 mountain"},
    "reason.county_code_not_prefix": {"zh": "区县代码应为乡镇代码的前 6 位", "en": "the county code is not the first 6 "
                                                                          "digits of the township code"},
    "reason.zone_rules_invalid": {"zh": "管控规则有误：{detail}", "en": "the zone's rules are wrong: {detail}"},
    "reason.expected_performance_grade": {"zh": "绩效分级应为 A、B、B-、C、D 或 引领性",
                                          "en": "expected a performance grade A, B, B-, C, D or 引领性 (leading)"},
    "reason.expected_polygon_or_point": {"zh": "应为点或面", "en": "expected a point or a polygon"},
    "reason.expected_dust_kind": {"zh": "类型应为 工地、道路 或 堆场", "en": "expected a kind: 工地 site, 道路 road or "
                                                                   "堆场 stockpile"},
    "reason.expected_dust_shape": {"zh": "道路应为线，工地和堆场应为点或面",
                                   "en": "a road is a line; a site or stockpile a point or a polygon"},
    "reason.expected_site_phase": {"zh": "施工阶段应为 拆除、土方、基础、主体、装饰装修、绿化、停工 或 竣工",
                                   "en": "expected a phase: demolition, earthwork, foundation, structure, finishing, "
                                         "landscaping, stopped or completed"},
    "reason.expected_road_grade": {"zh": "道路等级应为 快速路、主干路、次干路、支路、国道、省道、县道 或 乡道",
                                   "en": "expected a road grade: expressway, arterial, secondary, branch, national, "
                                         "provincial, county or rural"},
    "reason.expected_date_or_month": {"zh": "应为日期或月份，如 2025-03-15 或 2025-03",
                                      "en": "expected a date or a month such as 2025-03-15 or 2025-03"},
    "reason.unknown_dust_source": {"zh": "未知扬尘源：请先导入扬尘源清单（dust-sources）",
                                   "en": "unknown dust source: import the dust-source register (dust-sources) first"},
    "reason.expected_position_or_dust_source": {"zh": "需有经纬度或已导入的扬尘源",
                                                "en": "expected a position or a known dust source"},
    "reason.expected_dust_value": {"zh": "缺少积尘负荷或降尘量数值", "en": "expected a road dust load or dustfall value"},
    # Templates (ingest.templates)
    "template.sheet": {"zh": "数据", "en": "data"},
    "template.notes_sheet": {"zh": "填写说明", "en": "how to fill"},
    "template.note_first_sheet": {"zh": "只导入第一个工作表；表头须在第一行有内容的行，可保留标题行。",
                                  "en": "Only the first sheet is imported; its header is the first row with entries "
                                        "(a title row above it is fine)."},
    "template.note_required": {"zh": "橙色表头为必填列，其余可空；列的顺序不限，可增加其他列。",
                               "en": "Orange headers must be filled; the others may stay empty. Columns may come in any "
                                     "order; other columns may be added."},
    "template.note_units": {"zh": "单位写在表头括号内；时间均为北京时间；坐标为 WGS84 经纬度（高德坐标导入时选 gcj02）。",
                            "en": "Units are in the headers' brackets; times are Beijing time; positions WGS84 lon/lat "
                                  "(give gcj02 for Gaode positions)."},
    "template.note_example": {"zh": "第二行为示例，请替换为本地数据。", "en": "The second row is an example: replace it."},
    "template.note_import": {"zh": "导入：python cli.py import {register} 文件，或在“数据管理”页上传。",
                             "en": "Import: python cli.py import {register} FILE, or upload it on the Data page."},
    "template.required_columns": {"zh": "必填列：{columns}", "en": "Required columns: {columns}"},
    # The folder import and the other commands (commands/imports.py, commands/store.py)
    "note.folder_unrecognised": {"zh": "以下文件无法从文件名判断数据类型，未导入：{files}",
                                 "en": "not recognised by their names, not imported: {files}"},
    "note.folder_refused": {"zh": "{file}（{what}）被拒收，后续文件未导入：{files}",
                            "en": "{file} ({what}) was refused; the files after it were not imported: {files}"},
    "note.folder_empty": {"zh": "文件夹中没有可导入的文件", "en": "the folder holds no file to import"},
    "note.templates_written": {"zh": "已写出 {count} 个模板文件到 {folder}", "en": "wrote {count} template files to {folder}"},
    "note.demo_files_written": {"zh": "已把示例地区写成 {count} 个文件到 {folder}；用 import folder 导入",
                                "en": "wrote the demo region as {count} files to {folder}; import them with import folder"},
    "error.not_a_folder": {"zh": "“{folder}”不是文件夹", "en": "'{folder}' is not a folder"},
    # The data page (app_pages/data_page.py)
    "import_enterprises": {"zh": "企业清单", "en": "Enterprise register"},
    "import_dust-sources": {"zh": "扬尘源清单（工地、道路、堆场）", "en": "Dust sources (sites, roads, stockpiles)"},
    "import_dust-readings": {"zh": "积尘负荷与降尘量", "en": "Road dust load and dustfall"},
    "import_fires": {"zh": "火点（官方卫星、蓝天卫士、FIRMS）", "en": "Fire points (official, video, FIRMS)"},
    "import_machinery": {"zh": "非道路移动机械登记", "en": "Non-road machinery register"},
    "import_machinery-gps": {"zh": "非道路移动机械定位", "en": "Machinery GPS"},
    "import_trucks": {"zh": "货车登记", "en": "Truck register"},
    "import_truck-events": {"zh": "货车进出电子围栏", "en": "Truck fence events"},
    "import_coal-inspections": {"zh": "散煤检查", "en": "Scattered-coal inspections"},
    "import_raster": {"zh": "栅格（卫星 PM2.5、土地覆盖）", "en": "Rasters (satellite PM2.5, land cover)"},
    "upload_sheet": {"zh": "Excel 工作表（空为第一个）", "en": "Excel sheet (empty: the first)"},
    "upload_period": {"zh": "月份（卫星 PM2.5，如 2025-03；空为文件名中的月份）",
                      "en": "Month (satellite PM2.5, e.g. 2025-03; empty: the one in the file's name)"},
    "template_download": {"zh": "下载模板（{format}）", "en": "Template ({format})"},
    "rejected_download": {"zh": "下载拒收的行（{file}）", "en": "Rejected rows ({file})"},
    "template_of_fires": {"zh": "官方卫星火点", "en": "official fire list"},
    "template_of_fires-video": {"zh": "蓝天卫士报警", "en": "video alarms"},
    "template_caption": {"zh": "模板含可识别的中文表头、单位和一行示例；CSV 与 Excel 均可导入。",
                         "en": "The template has the headers the importer reads, their units and one example row; "
                               "CSV and Excel both import."},
    "no_template": {"zh": "此类文件按其发布方的格式导入，无需模板。",
                    "en": "These files import in their publisher's own format: no template."},
    "townships_title": {"zh": "乡镇/街道名录", "en": "Township register"},
    "townships_without_boundary": {"zh": "{count} 个乡镇/街道尚无边界（按名称参与排名和热点；导入边界后自动对应）：{names}",
                                   "en": "{count} township(s) have no boundary yet (they rank and carry hotspots by "
                                         "name; a boundary imported later attaches): {names}"},
    "all_townships_bounded": {"zh": "所有乡镇/街道均有边界。", "en": "Every township has a boundary."},
    "rasters_title": {"zh": "栅格数据", "en": "Rasters"},
    "no_rasters": {"zh": "尚未导入栅格（卫星 PM2.5、土地覆盖）。", "en": "No raster imported yet (satellite PM2.5, land cover)."},
    "col_code": {"zh": "代码", "en": "Code"},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_county": {"zh": "区县", "en": "County"},
    "col_city": {"zh": "地市", "en": "City"},
    "col_has_boundary": {"zh": "有边界", "en": "Boundary"},
    "col_provisional": {"zh": "仅有名称", "en": "Name only"},
    "col_stations": {"zh": "站点数", "en": "Stations"},
    "col_period": {"zh": "月份", "en": "Month"},
    "col_source": {"zh": "来源文件", "en": "Source file"},
    "col_crs": {"zh": "坐标系", "en": "CRS"},
    "table_enterprises": {"zh": "企业", "en": "Enterprises"},
    "table_dust_readings": {"zh": "扬尘监测", "en": "Dust readings"},
    "table_rasters": {"zh": "栅格", "en": "Rasters"},
}
