"""Words for the raw columns of the bundled sample: one table for every place that names them.

The data template of ``evalkit init`` (:mod:`evalkit.io.starter`) heads its
columns with the Chinese label and unit; the report (the derivations in words)
names them in either language.  A column is looked up by its quantity: a
trailing year goes into the label (``pop_2019`` is 常住人口 of 2019).  A column
this table does not know is named by whoever asks, from the criteria set or
the sources file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

YEAR = re.compile(r"^(?P<stem>.+?)_(?P<year>(?:19|20)\d{2})$")
"""A column named by a quantity and a year: ``pop_2019``, ``gdp_2022``."""


@dataclass(frozen=True)
class ColumnWords:
    """A raw column's label in Chinese and English, and its unit (as the table holds it)."""

    zh: str
    en: str
    unit: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


COLUMNS: Mapping[str, ColumnWords] = {
    "pop": ColumnWords("常住人口", "resident population", "万人"),
    "urban_pop": ColumnWords("镇区常住人口", "town-area resident population", "万人"),
    "area_km2": ColumnWords("行政区域面积", "administrative area", "平方公里"),
    "gdp": ColumnWords("地区生产总值", "GDP", "亿元"),
    "tertiary_gdp": ColumnWords("第三产业增加值", "tertiary-sector value added", "亿元"),
    "industrial_firms": ColumnWords("规模以上工业企业数", "industrial firms above designated size",
                                    "个"),
    "built_up_km2": ColumnWords("建成区面积", "built-up area", "平方公里"),
    "revenue": ColumnWords("本级一般公共预算收入", "own general public budget revenue", "亿元"),
    "expenditure": ColumnWords("本级一般公共预算支出", "own general public budget expenditure",
                               "亿元"),
    "sewage_rate": ColumnWords("污水处理率", "sewage-treatment rate", "%"),
    "waste_rate": ColumnWords("生活垃圾无害化处理率", "harmless-treatment rate of household waste",
                              "%"),
    "gas_coverage": ColumnWords("燃气普及率", "piped-gas coverage", "%"),
    "water_leakage": ColumnWords("供水管网漏损率", "water-network leakage rate", "%"),
    "bus_stops_per_10k": ColumnWords("每万人公交站点数", "bus stops per 10,000 residents",
                                     "个/万人"),
    "commute_min": ColumnWords("至市中心通勤时间", "commuting time to the city centre", "分钟"),
    "physicians": ColumnWords("执业（助理）医师数", "licensed (assistant) physicians", "人"),
    "hospital_beds": ColumnWords("医疗卫生机构床位数", "hospital beds", "张"),
    "model_school_share": ColumnWords("省级示范高中占比", "share of provincial model high schools",
                                      "%"),
    "staff": ColumnWords("专业技术人员数", "professional and technical staff", "人"),
    "senior_staff": ColumnWords("高级职称或研究生学历人员数",
                                "staff with a senior title or a postgraduate degree", "人"),
    "professionals_missing": ColumnWords("专业人才缺口", "professionals missing", "人"),
    "nonfarm_workers": ColumnWords("非农从业人员", "non-farm workers", "万人"),
    "tap_water_coverage": ColumnWords("自来水普及率", "tap-water coverage", "%"),
    "paved_roads": ColumnWords("道路铺装率", "paved-road rate", "%"),
    "talent_need": ColumnWords("改区人才需求", "talent needed for the conversion", "人"),
}
"""The raw columns of the bundled criteria set and scenario (candidates/README.md), by
quantity (the column name without a trailing year)."""


def known_column(name: str) -> tuple[ColumnWords, str] | None:
    """The words for column ``name`` and its year (``""`` when it has none), if known."""
    match = YEAR.match(name)
    stem, year = (match["stem"], match["year"]) if match else (name, "")
    words = COLUMNS.get(stem) or COLUMNS.get(name)
    if words is None:
        return None
    return words, (year if stem in COLUMNS else "")


__all__ = ["COLUMNS", "YEAR", "ColumnWords", "known_column"]
