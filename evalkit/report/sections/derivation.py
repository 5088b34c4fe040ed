"""How an indicator is computed, in words: never the derivation's code.

The report says a derived indicator's derivation in the report's language
("2019—2022年常住人口年均增长率", "average annual growth of resident
population, 2019–2022", "本级一般公共预算收入（亿元） ÷ 本级一般公共预算支出
（亿元） × 100%"), built from the derivation tree of
:mod:`evalkit.model.derive`: each kind of derivation has a phrase in
``templates/strings.yaml`` (``dv_*``), and each column is named by its label
and unit, never by its id.

A column's label, in order: the words :mod:`evalkit.io.columns` has for it (by
the name without a trailing year, ``pop`` for ``pop_2019``, the year then
going into the label), the indicator that reads the column as it is, the header the
criteria set's ``columns:`` gives it, in Chinese the first clause of its
definition (口径) in the sources file, and only then its id, quoted.
"""

from __future__ import annotations

import re
from typing import Any

from evalkit.io.columns import YEAR, known_column
from evalkit.model.derive import Source
from evalkit.report.sections.view import View

PERCENT = ("%", "％")


def _number(value: float) -> str:
    return f"{value:g}"


def number_text(value: float) -> str:
    """A threshold or a constant as written in a rule: 400, 0.5 (no grouping, no padding)."""
    return _number(float(value))


class Words:
    """Derivations of one document's indicators, in its language."""

    def __init__(self, v: View) -> None:
        self.v = v
        self.t = v.t
        self.zh = v.lang == "zh"
        self._direct: dict[str, tuple[str, str]] = {}
        for ind in v.criteria.indicators:  # an indicator that reads a column as it is names it
            source = ind.source
            if source.kind == "column" and source.scale == 1:
                self._direct.setdefault(source.params["name"], (ind.label(v.lang), ind.unit))

    # -- columns ----------------------------------------------------------------

    def _known(self, name: str) -> tuple[str, str] | None:
        """The label (its year put in by ``dv_year``) and unit :mod:`evalkit.io.columns`
        knows for ``name``."""
        found = known_column(name)
        if found is None:
            return None
        words, year = found
        label = words.label(self.v.lang)
        if year:
            label = self.t("dv_year", label=label, year=year)
        return label, words.unit

    def _definition(self, name: str) -> str:
        """The first clause of the column's 口径 in the sources file (``常住人口，万人；…``)."""
        provenance = self.v.decision_provenance()
        sources = provenance.sources if provenance is not None else None
        base = sources.columns.get(name) if sources is not None else None
        text = (base.definition if base is not None else "") or ""
        return re.split(r"[；;。]", text, maxsplit=1)[0].strip()

    def column(self, name: str) -> str:
        """A column's label with its unit: 2019年常住人口（万人）, resident population, 2019 (…)."""
        found = self._known(name) or self._direct.get(name)
        if found is None and self.v.criteria.headers.get(name):
            found = (self.v.criteria.headers[name].strip(), "")
        if found is None and self.zh and (definition := self._definition(name)):
            label, _, unit = definition.partition("，")  # 常住人口，万人
            found = (label.strip(), unit.strip())
        if found is None:
            return self.t("dv_unnamed", name=name)
        label, unit = found
        return self.t("dv_unit", label=label, unit=self.v.unit(unit, "")) if unit else label

    # -- derivations ------------------------------------------------------------

    def _unit_of(self, name: str) -> str:
        """The unit of column ``name`` as the strings file or an indicator knows it."""
        found = self._known(name) or self._direct.get(name)
        return found[1] if found is not None else ""

    def constant(self, value: float) -> str:
        """A number; one of the city's own figures (``city: {gdp: 850}``) is named."""
        for key, figure in self.v.criteria.city.items():
            if (isinstance(figure, int | float) and not isinstance(figure, bool)
                    and float(figure) == value and f"dv_city_{key}" in self.t):
                return self.t(f"dv_city_{key}", value=_number(value))
        return _number(value)

    def _target(self, value: Source | float, target: float) -> str:
        """A gap's target, with the unit of the column it is compared with."""
        unit = ""
        if isinstance(value, Source) and value.kind == "column" and value.scale == 1:
            unit = self._unit_of(value.params["name"])
        text = self.v.unit(unit, "")
        if not text or unit.strip() in PERCENT:
            return _number(target) + text
        return _number(target) + ("" if self.zh else " ") + text

    def operand(self, operand: Source | float) -> str:
        if not isinstance(operand, Source):
            return self.constant(operand)
        if operand.kind == "column" and operand.scale == 1:
            return self.column(operand.params["name"])
        return self.t("dv_group", x=self.source(operand))

    def _growth(self, source: Source) -> str:
        start, end = source.operands["start"], source.operands["end"]
        years = _number(float(source.params["years"]))
        if (isinstance(start, Source) and isinstance(end, Source) and start.kind == "column"
                and end.kind == "column" and start.scale == end.scale == 1):
            a, b = YEAR.match(start.params["name"]), YEAR.match(end.params["name"])
            if a and b and a["stem"] == b["stem"]:
                known = self._known(a["stem"])
                if known is not None:
                    return self.t("dv_growth_years", label=known[0], start=a["year"],
                                  end=b["year"])
        return self.t("dv_growth", start=self.operand(start), end=self.operand(end), years=years)

    def source(self, source: Source, unit: str = "") -> str:
        """``source`` in words; ``unit`` is the indicator's (× 100 of a percentage reads × 100%)."""
        kind, ops = source.kind, source.operands
        if kind == "column":
            text = self.column(source.params["name"])
        elif kind == "ratio":
            text = self.t("dv_ratio", a=self.operand(ops["numerator"]),
                          b=self.operand(ops["denominator"]))
        elif kind == "share":
            text = self.t("dv_share", part=self.operand(ops["part"]),
                          whole=self.operand(ops["whole"]))
        elif kind == "growth":
            text = self._growth(source)
            if source.scale == 100 and unit.strip() in PERCENT:
                return text  # a growth rate in percent: the unit says it
        elif kind == "gap":
            text = self.t(f"dv_gap_{source.params['sense']}", value=self.operand(ops["value"]),
                          target=self._target(ops["value"], float(source.params["target"])))
        else:  # a kind this module does not know yet: its name, not its code
            text = self.t("dv_other", kind=kind)
        if source.scale == 1:
            return text
        if source.scale == 100 and unit.strip() in PERCENT:
            return self.t("dv_percent", x=text)
        return self.t("dv_scale", x=text, k=_number(source.scale))

    def indicator(self, ind: Any) -> str:
        """An indicator's derivation in words, starting with a capital in English."""
        if ind.source.kind == "column" and ind.source.scale == 1:
            text = self.t("dv_as_is", x=self.column(ind.source.params["name"]))
        else:
            text = self.source(ind.source, ind.unit)
        return text if self.zh else text[:1].upper() + text[1:]
