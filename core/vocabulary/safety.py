"""Words of sign-in throttling, error references, store checks and input hygiene (issue 20)."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "no_store_at": {"zh": "{path} 没有数据库。请用 `python cli.py demo --db {path}` 生成演示数据库，或用 "
                          "`python cli.py import … --db {path}` 导入本地数据；确要在此处自动生成演示数据，请设置 "
                          "LANTIAN_BUILD_DEMO=true。",
                    "en": "There is no store at {path}. Build the demo with `python cli.py demo --db {path}`, or "
                          "import your data with `python cli.py import … --db {path}`; to have the app build the "
                          "demo there on its own, set LANTIAN_BUILD_DEMO=true."},
    "demo_store_notice": {"zh": "演示数据库：乡镇边界、监测数据和账号均为示意，演示账号的密码是公开的，不得用于实际工作。",
                          "en": "Demo store: townships, measurements and accounts are illustrative, and the demo "
                                "accounts' passwords are public; not for real work."},
    "error.signin_throttled": {"zh": "登录失败次数过多，请 {seconds} 秒后再试",
                               "en": "too many failed sign-ins: try again in {seconds} s"},
    "error.store_damaged": {"zh": "数据库文件 {path} 已损坏或不是 DuckDB 数据库（{detail}）：请从备份恢复，或用 "
                                  "`python cli.py demo --db 新文件` 另建一个",
                            "en": "the store file {path} is damaged or not a DuckDB database ({detail}): restore it "
                                  "from a backup, or build a new one with `python cli.py demo --db NEW_FILE`"},
    "error.store_foreign": {"zh": "{path} 是其他程序的 DuckDB 数据库，不是蓝天的数据库：未作任何修改",
                            "en": "{path} is another program's DuckDB database, not a Lantian store: left unchanged"},
    "error.store_disk_full": {"zh": "磁盘已满，无法写入数据库 {path}：请清理 {folder} 所在磁盘后重试，数据库未被改动",
                              "en": "the disk is full: cannot write the store {path}; free space on the disk of "
                                    "{folder} and try again (the store is unchanged)"},
    "error.user_changed": {"zh": "用户 {user} 的角色或所属乡镇已被更改：请重新登录后再操作，未作任何改动",
                           "en": "the role or township of user {user} has changed: sign in again; nothing was changed"},
    "error.store_space_needed": {"zh": "磁盘空间不足，未开始导入：写入数据库 {path} 约需 {needed} MB，{folder} 所在磁盘"
                                       "只剩 {free} MB；请清理该磁盘后重试，数据库未被改动",
                                 "en": "not enough disk space, nothing imported: writing the store {path} needs about "
                                       "{needed} MB and the disk of {folder} has {free} MB free; free space there and "
                                       "try again (the store is unchanged)"},
    "error.files_not_written": {"zh": "无法在 {folder} 写入文件（{detail}），已写入的部分均已删除，未作任何改动",
                                "en": "could not write files in {folder} ({detail}); whatever was written was "
                                      "removed and nothing changed"},
    "raster_damaged_skipped": {"zh": "{month} 的 PM2.5 面图文件已损坏，地图上暂不显示；重新运行该月的热点识别即可重建。",
                               "en": "The PM2.5 surface of {month} is damaged and left off the map; running that "
                                     "month's hotspot detection again rebuilds it."},
    "error.encoding_unclear": {"zh": "无法判断文件的编码（GB18030/GBK 还是 Big5）：请在 Excel 或记事本中另存为 UTF-8 后再导入",
                               "en": "cannot tell this file's encoding (GB18030/GBK or Big5): save it as UTF-8 "
                                     "(Excel or Notepad) and import it again"},
    "reason.time_out_of_range": {"zh": "时间应在 {earliest} 至 {latest} 之间", "en": "a time between {earliest} "
                                                                                   "and {latest} was expected"},
    "reason.cut_last_value": {"zh": "文件末尾没有换行，最后一行的这个值像是被截断了（本列其他值形如 {form}）：请核对原文件",
                              "en": "the file ends without a newline and this last value looks cut off (the "
                                    "column's other values look like {form}): check the original file"},
    "reason.unbuildable_geometry": {"zh": "几何图形无法构建：多边形的环须首尾闭合",
                                    "en": "the shape cannot be built: a polygon's rings must close"},
    "reason.coordinates_not_finite": {"zh": "坐标中有 NaN 或无穷大", "en": "has NaN or infinite coordinates"},
    "reason.control_characters": {"zh": "含有控制字符（如 NUL）", "en": "holds control characters (such as NUL)"},
    "reason.text_too_long": {"zh": "文字过长（{length} 字，最多 {max} 字）",
                             "en": "text too long ({length} characters, at most {max})"},
    "error.boundary_replacement": {"zh": "将替换 {count} 个乡镇已有的边界（{townships}）：未导入任何数据；确认要替换请加 --replace 参数",
                                   "en": "would replace the stored boundary of {count} township(s) ({townships}): "
                                         "nothing imported; add --replace to replace them"},
    "note.boundaries_replaced": {"zh": "已替换 {count} 个乡镇的边界：{townships}",
                                 "en": "replaced the boundary of {count} township(s): {townships}"},
    "error.unexpected": {"zh": "出现意外错误，已记入日志（编号 {reference}）。请重试，或将此编号告知管理员。",
                         "en": "Something went wrong; it has been logged (reference {reference}). Try again, or "
                               "give this reference to your administrator."},
}
