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


    # --- commands/, layers/, app_pages/ ---
    "error.detect_to_before_from": {"zh": "结束日期（--to）早于开始日期（--from）", "en": "--to is before --from"},
    "error.no_township_in_store": {"zh": "数据库中没有编码为“{township}”的乡镇", "en": "no township '{township}' in the store"},
    "error.passwords_differ": {"zh": "两次输入的密码不一致", "en": "the two passwords differ"},
    "error.export_suffix_unknown": {"zh": "导出文件名须以下列扩展名之一结尾：{suffixes}",
                                    "en": "the output must end in one of {suffixes}"},
    "error.tianditu_key_missing": {"zh": "使用天地图底图需要天地图 Web 服务密钥，请设置 LANTIAN_TIANDITU_KEY",
                                   "en": "Tianditu tiles need a web key: set LANTIAN_TIANDITU_KEY"},
    "error.unknown_tiles": {"zh": "没有“{tiles}”这种底图；可选：{known}", "en": "unknown tiles '{tiles}'; choose one of {known}"},


}
