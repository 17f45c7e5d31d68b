"""The label of every stored code a user can see, by domain: (Chinese, English)."""
from __future__ import annotations

HOTSPOT_KINDS: dict[str, tuple[str, str]] = {
    "station": ("站点高值", "Station high value"),
    "dust": ("扬尘", "Dust"),
    "fire": ("火点", "Fire"),
    "grid": ("热点网格", "Hotspot grid cell"),
    "anomaly": ("数据异常", "Data anomaly"),
    "mobile": ("移动源", "Mobile source"),
    "coal": ("散煤", "Scattered coal"),
}

CODES: dict[str, dict[str, tuple[str, str]]] = {
    "hotspot_kind": HOTSPOT_KINDS,
    # A task is made from a hotspot (its kind) or recorded in the field.
    "task_kind": {**HOTSPOT_KINDS, "field": ("现场巡查", "Field observation")},
    "task_state": {
        "pending": ("待交办", "pending"),
        "assigned": ("已交办", "assigned"),
        "feedback_submitted": ("已反馈", "feedback submitted"),
        "returned": ("退回整改", "returned for rework"),
        "escalated": ("督办", "escalated"),
        "accountability": ("约谈问责", "accountability"),
        "closed": ("已办结", "closed"),
    },
    "task_action": {
        "create": ("生成交办单", "create"),
        "record_observation": ("现场巡查记录", "record field observation"),
        "assign": ("交办", "assign"),
        "submit_feedback": ("整改反馈", "submit feedback"),
        "close": ("复核通过", "close after review"),
        "return": ("退回整改", "return for rework"),
        "escalate": ("督办", "escalate"),
        "add_evidence": ("补充证据", "add evidence"),
    },
    "role": {
        "inspector": ("巡查员", "inspector"),
        "township": ("乡镇", "township official"),
        "supervisor": ("督办", "supervisor"),
        "admin": ("管理员", "administrator"),
        "system": ("系统", "system"),
    },
    "grade": {
        "I": ("I级", "grade I"),
        "II": ("II级", "grade II"),
        "III": ("III级", "grade III"),
    },
    "pollutant": {
        "pm25": ("PM2.5", "PM2.5"),
        "pm10": ("PM10", "PM10"),
        "so2": ("SO₂", "SO₂"),
        "no2": ("NO₂", "NO₂"),
        "o3": ("O₃", "O₃"),
        "co": ("CO", "CO"),
        "o3_8h": ("O₃-8h", "O₃ 8-hour"),
        "o3_1h": ("O₃-1h", "O₃ 1-hour"),
        "road_dust_load": ("道路积尘负荷", "road dust load"),
        "dustfall": ("降尘量", "dustfall"),
    },
    "station_kind": {
        "national": ("国控站", "National station"),
        "provincial": ("省控站", "Provincial station"),
        "township": ("乡镇站", "Township station"),
        "micro": ("微站", "Micro station"),
    },
    "zone_kind": {
        "low_emission": ("货运车辆低排放区", "Low-emission zone (freight)"),
        "nonroad_ban": ("禁止使用高排放非道路移动机械区域", "High-emission non-road machinery ban"),
        "coal_ban": ("禁煤区", "Coal ban area"),
        "fuel_ban": ("高污染燃料禁燃区", "High-polluting fuel ban area"),
    },
    "township_kind": {
        "street": ("街道", "Street"),
        "town": ("镇", "Town"),
        "township": ("乡", "Township"),
    },
    "source_kind": {
        "enterprise": ("企业", "Enterprise"),
        "site": ("施工工地", "Construction site"),
        "road": ("道路", "Road"),
        "stockpile": ("堆场", "Stockpile"),
        "fire": ("火点群", "Fire cluster"),
        "machinery": ("非道路移动机械", "Non-road machinery"),
        "truck": ("货车", "Truck"),
        "coal": ("散煤检查", "Coal inspection"),
    },
    "industry": {
        "steel": ("钢铁", "steel"),
        "lead_zinc": ("铅锌冶炼", "lead and zinc smelting"),
        "power": ("火电", "coal power"),
        "coking": ("焦化", "coking"),
        "cement": ("水泥", "cement"),
        "brick": ("砖瓦", "brick"),
        "carbon": ("炭素", "carbon"),
    },
    "fire_class": {
        "straw": ("秸秆焚烧", "straw burning"),
        "industrial": ("工业热源", "industrial heat"),
    },
    "anomaly": {
        "flatline": ("数据恒值", "flat-lined data"),
        "pm25_above_pm10": ("PM2.5 高于 PM10", "PM2.5 above PM10"),
        "sudden_drop": ("疑似干扰骤降", "suspicious sudden drop"),
    },
    "quality_flag": {
        "NEGATIVE": ("负值", "negative value"),
        "PM25_ABOVE_PM10": ("PM2.5 高于 PM10", "PM2.5 above PM10"),
        "FUTURE_TIME": ("未来时间", "time in the future"),
        "OUT_OF_RANGE": ("超出量程", "out of range"),
    },
    "aqi_level": {
        "1": ("优", "Excellent"),
        "2": ("良", "Good"),
        "3": ("轻度污染", "Lightly polluted"),
        "4": ("中度污染", "Moderately polluted"),
        "5": ("重度污染", "Heavily polluted"),
        "6": ("严重污染", "Severely polluted"),
    },
    "audience": {
        "all": ("所有用户", "everyone signed in"),
        "supervisor": ("仅督办与巡查", "supervisors and inspectors only"),
    },
}
