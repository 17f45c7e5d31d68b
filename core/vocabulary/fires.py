"""Words of fire-point review, the deduction schedule and the pollutant-aware station rule (issue 16)."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    # The station rule's settings (hotspots.config)
    "error.pollutant_without_ratio": {"zh": "以下污染物缺少与中位数之比（ratio_to_median）：{pollutants}",
                                      "en": "no ratio_to_median for the pollutant(s) {pollutants}"},
    "error.robust_z_invalid": {"zh": "robust_z 不能为负，spread_floors 必须大于 0",
                               "en": "robust_z must not be negative and spread_floors must exceed 0"},
}
