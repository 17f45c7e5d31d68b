"""Words of targets, rankings by level, bottom lists, rewards and penalties, and bulletins (issue 18)."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    # Errors
    "error.unknown_target_metric": {"zh": "未知的目标指标 {metric}，可用：{known}",
                                    "en": "unknown target metric {metric}; known: {known}"},
    "error.unknown_period_kind": {"zh": "未知的时段类型 {kind}，可用：{known}",
                                  "en": "unknown period kind {kind}; known: {known}"},
    "error.unknown_rank_level": {"zh": "未知的排名层级 {level}，可用：{known}",
                                 "en": "unknown ranking level {level}; known: {known}"},
    "error.no_counties": {"zh": "库中没有县（区）单位，无法按县排名", "en": "the store holds no counties to rank"},
    "error.reward_rules_invalid": {"zh": "奖惩规则无效：末位数须至少为 1，生态补偿单价不能为负",
                                   "en": "invalid reward rules: bottom_n must be at least 1 and eco_cny_per_ug "
                                         "must not be negative"},
    "error.reward_rules_unknown": {"zh": "奖惩规则中有未知项 {names}，可用：{known}",
                                   "en": "unknown reward rule field(s) {names}; known: {known}"},
    "error.target_entry_not_allowed": {"zh": "{role}无权设定考核目标", "en": "a {role} may not set targets"},
    "error.target_value_out_of_range": {"zh": "目标值 {value} 超出 {metric} 的取值范围（比例须在 0–1 之间，浓度不能为负）",
                                        "en": "target value {value} is out of range for {metric} (ratios 0–1, "
                                              "concentrations not negative)"},
    "error.no_unit_in_store": {"zh": "库中没有单位 {unit}（乡镇、县或市的代码）",
                               "en": "no unit {unit} (a township, county or city code) in the store"},
    "error.no_cjk_font": {"zh": "未安装中文字体，无法生成 PDF（请安装 fonts-wqy-microhei）",
                          "en": "no CJK font is installed, so the PDF cannot be made (install fonts-wqy-microhei)"},
    "error.bulletin_format": {"zh": "通报文件须为 .docx 或 .pdf：{path}", "en": "a bulletin must be .docx or .pdf: {path}"},

    # Target metrics and levels (codes)
    "target_metric.pm25": {"zh": "PM2.5 年均浓度", "en": "PM2.5 annual mean"},
    "target_metric.pm10": {"zh": "PM10 年均浓度", "en": "PM10 annual mean"},
    "target_metric.good_day_ratio": {"zh": "优良天数比例", "en": "good-day ratio"},
    "target_metric.heavy_day_ratio": {"zh": "重污染天数比例", "en": "heavy-pollution-day ratio"},
    "target_metric.composite_index": {"zh": "综合指数", "en": "composite index"},
    "rank_level.township_in_county": {"zh": "乡镇（县内）", "en": "townships within the county"},
    "rank_level.township_in_city": {"zh": "乡镇（全市）", "en": "townships within the city"},
    "rank_level.county_in_city": {"zh": "县（区）（全市）", "en": "counties within the city"},
    "period_kind.week": {"zh": "周", "en": "week"},
    "period_kind.month": {"zh": "月", "en": "month"},
    "period_kind.quarter": {"zh": "季度", "en": "quarter"},
    "period_kind.ytd": {"zh": "年初至今", "en": "year to date"},
    "period_kind.year": {"zh": "全年", "en": "year"},
    "period_kind.range": {"zh": "自定义时段", "en": "date range"},
    "unit_level.township": {"zh": "乡镇", "en": "township"},
    "unit_level.county": {"zh": "县（区）", "en": "county"},
    "unit_level.city": {"zh": "市", "en": "city"},
    "reason.no_year_ago_value": {"zh": "上年同期无有效数据，无法计算同比", "en": "no valid value a year earlier, so no "
                                                                      "year-on-year change"},
}
