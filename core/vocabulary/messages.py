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
