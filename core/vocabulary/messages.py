"""Errors and notices a person reads: what went wrong or what happened, and what to do about it."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Where a bad input was found, put before its message.
    "where.file": {"zh": "文件 {file}", "en": "file {file}"},
    "where.row": {"zh": "第 {row} 行", "en": "row {row}"},
    "where.feature": {"zh": "第 {row} 个要素", "en": "feature {row}"},
    "where.field": {"zh": "字段“{field}”", "en": "field '{field}'"},
    "where.separator": {"zh": "，", "en": ", "},
    "where.message": {"zh": "{where}：{message}", "en": "{where}: {message}"},
    # Access (core.policy)
    "error.role_may_not_act": {"zh": "{role}角色不能执行“{action}”", "en": "a {role} may not {action}"},
    "error.own_township_only": {"zh": "乡镇用户只能处理本乡镇的交办单（{user} 属于 {own}，该交办单属于 {township}）",
                                "en": "a township official acts only on their own township's tasks ({user} is {own}, "
                                      "the task is {township})"},
    "error.upload_not_allowed": {"zh": "{role}角色不能导入数据", "en": "a {role} may not import data"},
    "error.export_not_allowed": {"zh": "{role}角色不能导出处置清单", "en": "a {role} may not export the handling list"},
    "error.admin_only": {"zh": "仅管理员可管理用户（{user} 是{role}）",
                         "en": "only an administrator manages users ({user} is a {role})"},
    # The closed loop (hotspots.tasks, hotspots.task_service)
    "error.task_state_forbids": {"zh": "状态为“{state}”的交办单不能“{action}”（需为：{expected}）",
                                 "en": "cannot {action} a task that is {state} (it must be: {expected})"},
    "error.unknown_task_state": {"zh": "没有“{state}”这个交办单状态；可选：{known}",
                                 "en": "unknown task state '{state}'; one of {known}"},
    "error.unknown_grade": {"zh": "没有“{grade}”这个等级；可选：{known}", "en": "unknown grade '{grade}'; one of {known}"},

    # --- ingest/ and data/: reading, checking and storing files ---
    # What was imported (ImportReport.what)
    "imported.stations": {"zh": "站点", "en": "stations"},
    "imported.observations": {"zh": "监测数据", "en": "observations"},
    "imported.fire_points": {"zh": "火点", "en": "fire points"},
    "imported.townships": {"zh": "乡镇边界", "en": "townships"},
    "imported.zones": {"zh": "管控区", "en": "zones"},
    "imported.machinery": {"zh": "非道路移动机械", "en": "machinery"},
    "imported.machinery_positions": {"zh": "非道路移动机械定位", "en": "machinery positions"},
    "imported.trucks": {"zh": "货车", "en": "trucks"},
    "imported.truck_events": {"zh": "货车进出电子围栏记录", "en": "truck events"},
    "imported.coal_inspections": {"zh": "散煤检查记录", "en": "coal inspections"},
    # Columns a file must have (missing_columns_error, reason.expected_value)
    "column.station_code": {"zh": "站点编码", "en": "station code"},
    "column.station": {"zh": "站点", "en": "station"},
    "column.longitude": {"zh": "经度", "en": "longitude"},
    "column.latitude": {"zh": "纬度", "en": "latitude"},
    "column.time": {"zh": "时间", "en": "time"},
    "column.township_code": {"zh": "乡镇代码", "en": "township code"},
    "column.township_name": {"zh": "乡镇名称", "en": "township name"},
    "column.zone_name": {"zh": "管控区名称", "en": "zone name"},
    # The import's summary line and notes (ImportReport.summary, ImportReport.notes)
    "note.import_summary": {"zh": "{what}导入完成（{files}）：新增 {new:,} 条，更新 {updated:,} 条，未变 {unchanged:,} 条，"
                                  "拒收 {rejected:,} 条",
                            "en": "{what} from {files}: {new:,} new, {updated:,} updated, {unchanged:,} unchanged, "
                                  "{rejected:,} rejected"},
    "note.import_flagged": {"zh": "；其中 {count:,} 条未通过质量检查，已标记", "en": "; {count:,} flagged by quality checks"},
    "note.rejected_rows_in": {"zh": "；拒收的行已写入 {files}", "en": "; rejected rows in {files}"},
    "note.file_count": {"zh": "{count} 个文件", "en": "{count} files"},
    "note.more_items": {"zh": "另有 {count} 个", "en": "and {count} more"},
    "note.stations_without_position": {"zh": "{count} 个站点没有坐标，已保存但暂无位置：{codes}",
                                       "en": "{count} station(s) have no coordinates and are stored without a "
                                             "position: {codes}"},
    "note.unknown_townships": {"zh": "以下乡镇不在数据库中，相关站点改按坐标确定所属乡镇：{townships}",
                               "en": "township(s) not in the store, so those stations are placed by their position "
                                     "instead: {townships}"},
    "note.stations_from_file": {"zh": "站点清单 {file}：新增 {new} 个，更新 {updated} 个，未变 {unchanged} 个",
                                "en": "stations from {file}: {new} new, {updated} updated, {unchanged} unchanged"},
    "note.repeated_station_hours": {"zh": "输入中有 {count:,} 条同一站点同一小时的重复记录：保留最后一条",
                                    "en": "{count:,} repeated station-hour(s) in the input: the last one was kept"},
    "note.columns_not_stored": {"zh": "以下列未保存：{columns}", "en": "columns not stored: {columns}"},
    "note.rh_derived": {"zh": "相对湿度由 {column} 和气温推算得出", "en": "derived rh from {column} and temperature"},
    "note.stations_created": {"zh": "数据库中原无以下 {count} 个站点，已按编码新建（暂无名称和位置）：{codes}；"
                                    "请导入国控站点清单补全",
                              "en": "created {count} station(s) not yet in the store, with no name or position: "
                                    "{codes}; import the national station list to place them"},
    "note.repeated_detections": {"zh": "{count:,} 个火点在多个输入文件中重复出现：只保存一次",
                                 "en": "{count:,} detection(s) appear in more than one input file: stored once"},
    "note.polygon_repaired": {"zh": "{file} 第 {feature} 个要素{name}：多边形无效（{reason}），已用 make_valid 修复",
                              "en": "{file} feature {feature}{name}: invalid polygon ({reason}) repaired with "
                                    "make_valid"},
    "note.feature_name": {"zh": "（{name}）", "en": " ({name})"},
    "note.repeated_features": {"zh": "{count} 个要素的 {key} 与后面的要素重复：保留最后一个",
                               "en": "{count} feature(s) repeat a {key} given later: the last one was kept"},
    "note.repeated_keys": {"zh": "{count:,} 行的 {key} 与前面的行重复：只保存最后一行",
                           "en": "{count:,} row(s) repeat an earlier row's {key}: the last one is stored"},
    # A file that cannot be read at all
    "error.file_unreadable": {"zh": "无法读取该文件（{reason}）", "en": "cannot read the file ({reason})"},
    "error.file_empty": {"zh": "文件是空的", "en": "the file is empty"},
    "error.undecodable_text": {"zh": "文件编码既不是 UTF-8 也不是 GBK/GB18030（偏移 {offset} 处的字节无法识别）；"
                                     "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”格式",
                               "en": "the text is neither UTF-8 nor GBK/GB18030 (undecodable byte at offset {offset}); "
                                     "save it from Excel as 'CSV UTF-8'"},
    "error.no_column_names": {"zh": "第一行没有列名", "en": "the first line holds no column names"},
    "error.repeated_columns": {"zh": "列名 {columns} 出现了不止一次", "en": "column name(s) {columns} appear more than once"},
    "error.no_data_rows": {"zh": "文件只有表头，没有数据行", "en": "the file has a header line but no data rows"},
    "error.no_rows": {"zh": "文件中没有数据行", "en": "the file has no rows"},
    "error.unreadable_csv": {"zh": "无法作为 CSV 表格读取：{detail}", "en": "not a readable CSV table: {detail}"},
    "error.unreadable_parquet": {"zh": "无法读取该 Parquet 文件：{detail}", "en": "not a readable Parquet file: {detail}"},
    "error.unreadable_vector": {"zh": "不是可读取的 GeoJSON、GeoPackage 或 Shapefile 文件：{detail}",
                                "en": "not a readable GeoJSON, GeoPackage or Shapefile: {detail}"},
    "error.no_features": {"zh": "文件中没有任何要素", "en": "the file holds no features"},
    "error.missing_column": {"zh": "缺少“{what}”列：列名应为以下之一：{expected}；文件现有的列：{found}",
                             "en": "no {what} column: expected one of {expected}; the file has {found}"},
    "error.unknown_crs": {"zh": "无法识别坐标系“{crs}”：请填写如 EPSG:4326、EPSG:4490 或 gcj02",
                          "en": "unknown coordinate reference system '{crs}': give e.g. EPSG:4326, EPSG:4490 or gcj02"},
    "error.crs_not_degrees": {"zh": "文件未注明坐标系，坐标也不是经纬度：请用 --crs 指定（如 EPSG:4547）",
                              "en": "the file states no coordinate system and its coordinates are not degrees: "
                                    "give it with --crs (e.g. EPSG:4547)"},
    "error.no_station_kind": {"zh": "文件没有站点类型列，站点编码也不是国控站编码（如 1001A）：请用 "
                                    "--kind national|provincial|township|micro 指明这些站点的类型",
                              "en": "the file has no kind column and its codes are not national-network codes: "
                                    "say which kind these stations are with --kind national|provincial|township|micro"},
    "error.no_zone_kind": {"zh": "文件没有类型列：请用 --kind low_emission|nonroad_ban|coal_ban|fuel_ban 指明这些管控区的类型",
                           "en": "the file has no kind column: say which zones these are with "
                                 "--kind low_emission|nonroad_ban|coal_ban|fuel_ban"},
    "error.co_unit_ambiguous": {"zh": "无法判断 CO 数值（中位数 {median:g}）的单位是 mg/m³ 还是 µg/m³：请用 "
                                      "--co-unit mg 或 --co-unit ug 指明",
                                "en": "CO values (median {median:g}) could be mg/m³ or µg/m³: say which with "
                                      "--co-unit mg or --co-unit ug"},
    "error.unknown_pollutants": {"zh": "无法识别的污染物代码：{pollutants}", "en": "unknown pollutant(s) {pollutants}"},
    # Bad rows: the import is refused with the first one (ProblemLog.first_error)
    "error.rows_refused": {"zh": "{reason}{found}{more}。未导入任何数据：请修改文件后重新导入，或加 --skip-bad-rows "
                                 "参数，只导入无误的{units}并列出拒收的{units}",
                           "en": "{reason}{found}{more}. Nothing was imported: fix the file, or use --skip-bad-rows "
                                 "to import the good {units} and list the rejected ones"},
    "problem.found": {"zh": "，实际为“{value}”", "en": ", found '{value}'"},
    "problem.more": {"zh": "（此文件另有 {count:,} 处问题）", "en": " ({count:,} more problem(s) in this file)"},
    "unit.rows": {"zh": "行", "en": "rows"},
    "unit.features": {"zh": "要素", "en": "features"},
    # Why a row (or feature) is rejected, in the error and in <file>.rejected.csv
    "reason.wrong_field_count": {"zh": "应有 {expected} 个字段，实际有 {actual} 个（该行不完整或格式有误）",
                                 "en": "expected {expected} fields, found {actual} (truncated or broken line)"},
    "reason.expected_number": {"zh": "应为数字", "en": "expected a number"},
    "reason.expected_time": {"zh": "应为日期和时间，如 2024-06-01 13:00",
                             "en": "expected a date and time such as 2024-06-01 13:00"},
    "reason.missing_longitude": {"zh": "填了纬度却缺少经度", "en": "expected a longitude as the latitude is given"},
    "reason.missing_latitude": {"zh": "填了经度却缺少纬度", "en": "expected a latitude as the longitude is given"},
    "reason.swapped_lon_lat": {"zh": "经度和纬度似乎填反了（经度表示东西方向，我国境内为 {west:g}–{east:g}）",
                               "en": "longitude and latitude look swapped (longitude is east-west, {west:g}-{east:g} "
                                     "in China)"},
    "reason.outside_china": {"zh": "位置不在我国境内（应为东经 {west:g}–{east:g}°、北纬 {south:g}–{north:g}°）",
                             "en": "expected a position in China (longitude {west:g}-{east:g} E, "
                                   "latitude {south:g}-{north:g} N)"},
    "reason.expected_station_code": {"zh": "缺少站点编码", "en": "expected a station code"},
    "reason.repeated_station_code": {"zh": "站点编码与文件中前面的行重复", "en": "station code appears earlier in the file"},
    "reason.expected_station_name": {"zh": "缺少站点名称", "en": "expected a station name"},
    "reason.unknown_station_kind": {"zh": "站点类型应为：国控/national、省控/provincial、乡镇站/township 或 微站/micro",
                                    "en": "expected a station kind: national/国控, provincial/省控, township/乡镇站 "
                                          "or micro/微站"},
    "reason.expected_station_kind": {"zh": "缺少站点类型", "en": "expected a station kind"},
    "reason.expected_date_and_hour": {"zh": "缺少有效的日期和小时（小时为 0–23）",
                                      "en": "expected a valid date and hour (hour 0-23)"},
    "reason.unknown_station": {"zh": "未知站点：请先用 `import stations` 导入该站点，或用 --stations 给出站点清单",
                               "en": "unknown station: import it first with `import stations`, or give the station "
                                     "list with --stations"},
    "reason.expected_wind_direction": {"zh": "风向应为角度（0–360）或方位，如 NNE、东北",
                                       "en": "expected a wind direction in degrees (0-360) or a compass point "
                                             "such as NNE"},
    "reason.expected_yyyymmdd": {"zh": "日期应为 YYYYMMDD 格式", "en": "expected a date as YYYYMMDD"},
    "reason.expected_hour": {"zh": "小时应为 0–23", "en": "expected an hour 0-23"},
    "reason.unknown_cnemc_type": {"zh": "type 应为 {types} 之一，或其 _24h/_8h 形式",
                                  "en": "expected a type among {types} or their _24h/_8h forms"},
    "reason.repeated_date_hour_type": {"zh": "相同的日期、小时和类型在前面已出现过",
                                       "en": "this date, hour and type appear earlier"},
    "reason.station_values_differ": {"zh": "站点 {code} 出现了两列，且数值不一致",
                                     "en": "station {code} appears twice with different values"},
    "reason.expected_latitude_range": {"zh": "纬度应在 -90 到 90 之间", "en": "expected a latitude -90 to 90"},
    "reason.expected_longitude_range": {"zh": "经度应在 -180 到 180 之间", "en": "expected a longitude -180 to 180"},
    "reason.expected_acq_time": {"zh": "acq_date 应为 YYYY-MM-DD，acq_time 应为 HHMM（世界时 UTC）",
                                 "en": "expected acq_date YYYY-MM-DD and acq_time HHMM (UTC)"},
    "reason.expected_daynight": {"zh": "应为 D（白天）或 N（夜间）", "en": "expected D (day) or N (night)"},
    "reason.no_geometry": {"zh": "该要素没有几何图形", "en": "the feature has no geometry"},
    "reason.expected_polygon": {"zh": "应为面（Polygon 或 MultiPolygon）", "en": "expected a Polygon or MultiPolygon"},
    "reason.unrepairable_polygon": {"zh": "多边形无效，make_valid 也无法修复",
                                    "en": "invalid polygon that make_valid could not repair"},
    "reason.polygon_outside_china": {"zh": "多边形不在我国境内：请检查坐标系（--crs）",
                                     "en": "the polygon lies outside China: check the coordinate system (--crs)"},
    "reason.expected_value": {"zh": "缺少{what}", "en": "expected a {what}"},
    "reason.unknown_zone_kind": {"zh": "管控区类型应为 low_emission、nonroad_ban、coal_ban 或 fuel_ban"
                                       "（或 低排放区、禁高区、禁煤区、禁燃区）",
                                 "en": "expected a zone kind: low_emission, nonroad_ban, coal_ban or fuel_ban "
                                       "(or 低排放区, 禁高区, 禁煤区, 禁燃区)"},
    "reason.expected_date": {"zh": "应为日期，格式 YYYY-MM-DD", "en": "expected a date YYYY-MM-DD"},
    "reason.expected_field": {"zh": "缺少 {field}", "en": "expected {field}"},
    "reason.expected_date_example": {"zh": "应为日期，如 2025-06-30", "en": "expected a date such as 2025-06-30"},
    "reason.expected_whole_number": {"zh": "应为整数", "en": "expected a whole number"},
    "reason.expected_range": {"zh": "应在 {low:g} 到 {high:g} 之间", "en": "expected a value from {low:g} to {high:g}"},
    "reason.expected_machine_stage": {"zh": "排放阶段应为国一至国四（如 国三、'III'、3）或国一前",
                                      "en": "expected an emission stage China I-IV (国一..国四, 'III', 3) or 国一前"},
    "reason.expected_truck_standard": {"zh": "排放标准应为国零至国六（如 国三、'China V'、5）",
                                       "en": "expected an emission standard China 0-VI (国三, 'China V', 5)"},
    "reason.expected_fuel": {"zh": "燃料应为：柴油/diesel、汽油/gasoline、天然气/gas、电/electric、混动/hybrid 或 其他/other",
                             "en": "expected a fuel: diesel/柴油, gasoline/汽油, gas/天然气, electric/电, hybrid, other"},
    "reason.expected_colour": {"zh": "标识颜色应为：绿/green、蓝/blue、黄/yellow 或 红/red",
                               "en": "expected a colour code: green/绿, blue/蓝, yellow/黄 or red/红"},
    "reason.expected_finding": {"zh": "检查结果应为：销售/sale、使用/use 或 未发现/none",
                                "en": "expected a finding: sale/销售, use/使用 or none/未发现"},
    "reason.expected_crossing": {"zh": "进出方向应为：驶入/in 或 驶出/out", "en": "expected a crossing: in/驶入 or out/驶出"},
    "reason.expected_position": {"zh": "缺少位置（经度和纬度）", "en": "expected a position (longitude and latitude)"},
    "reason.expected_position_or_fence": {"zh": "需有位置或围栏编号", "en": "expected a position or a fence id"},
    # The store (data.store, ingest.demo)
    "error.no_store": {"zh": "这里还没有数据库：请先用 `python cli.py demo` 生成，或导入数据",
                       "en": "no store here yet: build one with `python cli.py demo` or an import"},
    "error.store_busy": {"zh": "数据库 {path} 正忙：另一个程序正在写入（已等待 {seconds:.0f} 秒），请稍后再试",
                         "en": "store {path} is busy: another process is writing to it (waited {seconds:.0f} s); "
                               "try again shortly"},
    "error.store_exists": {"zh": "{path} 处已有数据库：如要从头重建，请加 --replace（原有的用户、交办单和导入的数据将全部丢失）",
                           "en": "a store already exists at {path}: add --replace to rebuild it from scratch "
                                 "(its users, tasks and imports are lost)"},


    # --- hotspots/, zones/, stations/, accounts/ ---
    # User accounts (accounts.users)
    "error.password_too_short": {"zh": "密码至少需要 {min} 位", "en": "password must have at least {min} characters"},
    "error.no_such_township": {"zh": "库中没有乡镇“{township}”", "en": "no township '{township}' in the store"},
    "error.user_needs_name": {"zh": "用户名不能为空", "en": "a user needs a name"},
    "error.role_not_for_people": {"zh": "“{role}”角色不能分配给人员", "en": "'{role}' is not a role a person can have"},
    "error.township_role_needs_township": {"zh": "乡镇用户必须用 --township 指定所属乡镇，其他角色不能指定乡镇",
                                           "en": "a township official needs --township, and only they may have one"},
    "error.user_exists": {"zh": "用户“{user}”已存在", "en": "user '{user}' already exists"},
    "error.no_such_user": {"zh": "用户“{user}”不存在", "en": "no user '{user}'"},
    # Photos (hotspots.attachments)
    "error.photo_empty": {"zh": "文件是空的", "en": "the file is empty"},
    "error.photo_too_large": {"zh": "文件有 {size:,} 字节，超过允许的 {max_bytes:,} 字节",
                              "en": "the file has {size:,} bytes, more than the {max_bytes:,} allowed"},
    "error.photo_unreadable": {"zh": "不是可识别的图片（{detail}）", "en": "not a readable image ({detail})"},
    "error.photo_format_not_allowed": {"zh": "不接受 {format} 格式的图片，允许的格式：{allowed}",
                                       "en": "{format} images are not accepted; allowed: {allowed}"},
    # Hotspot settings and checks (hotspots.config, hotspots.grid, hotspots.engine)
    "error.ratio_to_median_too_small": {"zh": "ratio_to_median（与中位数之比）必须大于 1",
                                        "en": "ratio_to_median must exceed 1"},
    "error.episode_hours_invalid": {"zh": "min_hours 不能小于 1，max_gap_hours 不能小于 0",
                                    "en": "min_hours must be ≥ 1 and max_gap_hours ≥ 0"},
    "error.score_weights_invalid": {
        "zh": "weights 只能有 intensity、duration、extent、recurrence、context 这几项，取值不能为负，也不能全为 0",
        "en": "weights are intensity, duration, extent, recurrence, context, ≥ 0, not all 0"},
    "error.unknown_hotspot_settings": {"zh": "热点设置中有无法识别的项：{names}", "en": "unknown hotspot setting(s) {names}"},
    "error.grid_cell_not_multiple": {"zh": "grid_cell_m 必须是 grid_resolution_m 的整数倍",
                                     "en": "grid_cell_m must be a multiple of grid_resolution_m"},
    "error.no_station_values": {"zh": "没有可用于插值的站点数值", "en": "no station values to interpolate"},
    "error.to_before_from": {"zh": "结束日期（--to）早于开始日期（--from）", "en": "--to is before --from"},
    # Handling tasks (hotspots.task_service)
    "error.text_required": {"zh": "不能为空", "en": "must not be empty"},
    "error.no_such_task": {"zh": "交办单“{task}”不存在", "en": "no task '{task}'"},
    "error.changed_by_someone_else": {"zh": "已被他人修改，请刷新后重试", "en": "changed by someone else: reload and try again"},
    "error.no_such_hotspot": {"zh": "热点“{hotspot}”不存在", "en": "no hotspot '{hotspot}'"},
    "error.hotspot_has_open_task": {"zh": "该热点已有未办结的交办单 {task}", "en": "hotspot already has the open task {task}"},
    "error.hotspot_without_grade": {"zh": "该热点没有等级，请指定等级（{known}）",
                                    "en": "the hotspot has no grade: give one ({known})"},
    "error.township_required": {"zh": "请指定责任乡镇", "en": "name the responsible township"},
    "error.not_a_position": {"zh": "位置（{lon}, {lat}）不是有效的经纬度",
                             "en": "position ({lon}, {lat}) is not a longitude/latitude"},
    "error.position_outside_townships": {"zh": "该位置不在任何已知乡镇内，请指定乡镇",
                                         "en": "the position is in no known township: name one"},
    "error.deadline_not_in_future": {"zh": "期限须晚于当前时间", "en": "the deadline must be in the future"},
    "error.department_required": {"zh": "请指定责任部门", "en": "name the responsible department"},
    "error.evidence_empty": {"zh": "补充证据须附照片或文字说明", "en": "evidence needs a photo or a note"},
    "error.no_such_attachment": {"zh": "交办单“{task}”没有附件“{name}”", "en": "task '{task}' has no attachment '{name}'"},
    "note.escalated_by_sweep": {"zh": "逾期自动督办", "en": "overdue: escalated by the sweep"},
    # Air quality and the township ranking (stations.*)
    "error.column_needed_for_standard": {"zh": "缺少该列，无法确定适用的标准版本",
                                         "en": "this column is needed to pick the standard in force"},
    "error.so2_24h_needed": {"zh": "按 2012 版标准，SO₂ 小时浓度超过 800 µg/m³ 时需要前 24 小时的滑动平均值",
                             "en": "SO2 above 800 µg/m³ under the 2012 standard needs the trailing 24-hour mean"},
    "error.unknown_standard_version": {"zh": "没有“{version}”这个标准版本；可选：{known}",
                                       "en": "unknown standard version '{version}'; expected one of {known}"},
    "error.unknown_composite_pollutants": {"zh": "综合指数设置中有无法识别的污染物：{pollutants}",
                                           "en": "unknown pollutant(s) {pollutants} in the composite index settings"},
    "error.composite_settings_invalid": {"zh": "综合指数的除数必须为正数，权重不能为负",
                                         "en": "composite divisors must be positive and weights non-negative"},
    "error.no_township_stations": {"zh": "库中没有可参与排名的乡镇站点", "en": "the store has no township stations to rank"},
    "error.trend_months_too_few": {"zh": "趋势至少需要 1 个月（给出的是 {months}）",
                                   "en": "a trend needs at least one month, not {months}"},
    "error.not_one_month": {"zh": "“{month}”不是一个自然月（应写作 YYYY-MM）",
                            "en": "last month '{month}' is not one calendar month (YYYY-MM)"},
    "error.no_station_observations": {"zh": "站点 {station} 在 {day} 没有观测数据",
                                      "en": "no observations of station {station} on {day}"},
    "error.period_ends_before_start": {"zh": "时段“{period}”的结束早于开始", "en": "period '{period}' ends before it starts"},
    "error.period_not_a_date": {"zh": "时段“{period}”中的日期无效（{detail}）", "en": "period '{period}': {detail}"},
    "error.period_format": {"zh": "时段“{period}”的写法不对，应为 YYYY、YYYY-MM、YYYY-MM-DD 或 起..止（A..B）",
                            "en": "period '{period}' is not YYYY, YYYY-MM, YYYY-MM-DD or A..B"},
    "error.unknown_rank_key": {"zh": "不能按“{by}”排名；可选：{known}", "en": "cannot rank by '{by}'; choose one of {known}"},
    # Why a township or station is not ranked (stations.composite, stations.ranking)
    "reason.too_few_valid_days": {"zh": "{pollutant}：有效天数 {days} 天，少于要求的 {required} 天",
                                  "en": "{pollutant}: {days} valid days < {required} required"},
    "reason.no_observations_in_period": {"zh": "该时段没有观测数据", "en": "no observations in the period"},
    "reason.separator": {"zh": "；", "en": "; "},
    # Zones (zones.rules, zones.stats)
    "error.hours_format": {"zh": "时段应写作 06:00-22:00 这样的形式，这里是“{found}”",
                           "en": "expected hours such as 06:00-22:00, found '{found}'"},
    "error.hours_out_of_range": {"zh": "时段“{hours}”中的时间超出范围", "en": "hours out of range in '{hours}'"},
    "error.unknown_zone_kind": {"zh": "没有“{kind}”这种管控区类型", "en": "unknown zone kind '{kind}'"},
    "error.zone_rules_not_json": {"zh": "管控区规则不是有效的 JSON：{detail}", "en": "zone rules are not valid JSON: {detail}"},
    "error.zone_rules_not_object": {"zh": "管控区规则必须是一个 JSON 对象", "en": "zone rules must be a JSON object"},
    "error.no_townships_or_zones": {"zh": "库中既没有乡镇也没有管控区：请先导入，或生成演示数据",
                                    "en": "the store has no townships or zones: import them or build the demo"},

    # --- commands/, layers/, app_pages/ ---


}
