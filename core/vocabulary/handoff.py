"""Words of the Parquet hand-off and the ranking on Spark (beyond one machine)."""
from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "error.handoff_manifest": {"zh": "导出目录的清单文件无法读取：{detail}",
                               "en": "the export folder's manifest cannot be read: {detail}"},
    "error.handoff_missing": {"zh": "这里没有 `export parquet` 导出的数据（缺少 manifest.json）",
                              "en": "no `export parquet` folder here (manifest.json is missing)"},
    "error.spark_not_installed": {"zh": "未安装 Spark：请先运行 pip install -r requirements-spark.txt（还需要 Java 17）",
                                  "en": "Spark is not installed: pip install -r requirements-spark.txt "
                                        "(and a Java 17 runtime)"},
    "error.spark_needs_source": {"zh": "Spark 引擎读取导出目录：请用 --source 指定 `export parquet` 的目录",
                                 "en": "the Spark engine reads an export folder: give --source DIR "
                                       "(written by `export parquet`)"},
}
