"""What every section builder shares: the report, its language, names, units, charts.

A :class:`View` is one document in one language being built.  Section
builders (one module per section) take the view and return that section's
view model, a plain mapping the template reads; ``view["ranking"]`` builds
another section's model once, on first use, so a builder can rely on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from markupsafe import Markup

from evalkit.decide.provenance import decision_provenance
from evalkit.model.provenance import Provenance
from evalkit.report.document import Report
from evalkit.report.fetcher import Chart
from evalkit.report.text import (
    Text,
    beijing,
    css_string,
    fmt_date,
    fmt_num,
    has_cjk,
    label_text,
    strings,
    zh_punctuation,
)
from evalkit.version import __version__

ZH_COUNT_WORDS = frozenset({"个", "名", "家", "张", "人", "年", "人/镇"})
"""Chinese measure words written straight after the number (3个, 200名), not spaced."""

Builder = Callable[["View"], Any]
"""A section builder: the view in, the section's view model out."""


class View:
    """One document of a report in one language, as its sections are built.

    ``builders`` maps the name of each view model (a template variable) to
    its builder; ``town`` is the town of a town report.  Charts are drawn by
    ``executor``'s workers when one is given, while the page is laid out.
    """

    def __init__(self, report: Report, lang: str, builders: Mapping[str, Builder], *,
                 town: str | None = None, executor: Executor | None = None) -> None:
        self.report = report
        self.lang = lang
        self.t: Text = strings(lang)
        self.evaluation = report.evaluation
        self.matrix = report.evaluation.matrix
        self.criteria = report.evaluation.criteria
        self.fonts = report.cjk_fonts()
        self.town = town
        self.executor = executor
        self.charts: list[Chart] = []
        self._builders = builders
        self._built: dict[str, Any] = {}
        self.section_numbers: dict[str, str] = {}
        """Each numbered section's number by key (八 / 8), for cross-references."""

    def __getitem__(self, name: str) -> Any:
        """The view model ``name``, built on first use."""
        if name not in self._built:
            self._built[name] = self._builders[name](self)
        return self._built[name]

    def models(self) -> dict[str, Any]:
        """Every view model of the document, by name."""
        return {name: self[name] for name in self._builders}

    @property
    def town_index(self) -> int:
        """Position of the town report's town in the decision matrix."""
        if self.town is None:
            raise ValueError("not a town report")
        return self.matrix.ids.index(self.town)

    # -- names ------------------------------------------------------------

    def name(self, town_id: str, *, short: bool = False) -> str:
        """A town's name: Chinese, or in English 'Qingshan (青山镇)' (Chinese kept)."""
        if town_id not in self.matrix.ids:
            return town_id
        i = self.matrix.ids.index(town_id)
        zh, en = self.matrix.names[i], self.matrix.names_en[i]
        if self.lang == "zh" or not en:
            return zh
        return en if short else f"{en} ({zh})"

    def names(self, ids: Iterable[str], *, short: bool = False) -> str:
        joiner = "、" if self.lang == "zh" else ", "
        return joiner.join(self.name(i, short=short) for i in ids)

    def expert(self, name: str) -> str:
        """An expert as this document names them: ``name_en`` in English where the judgment
        file gives it (:meth:`~evalkit.methods.ahp.metadata.Expert.shown`), else as written."""
        return self.expert_names().get(name, name)

    def expert_names(self) -> dict[str, str]:
        """Every expert's name as written → as this document names them."""
        if "_experts" not in self._built:
            people = list(self.report.ahp.experts) if self.report.ahp is not None else []
            if self.report.experts is not None:
                people += [e.expert for e in self.report.experts.panel.experts]
            self._built["_experts"] = {x.name: x.shown(self.lang)[0] for x in people}
        return self._built["_experts"]  # type: ignore[no-any-return]

    def family_label(self, family_id: str) -> str:
        try:
            return self.criteria.family(family_id).label(self.lang)
        except StopIteration:
            return family_id

    def indicator_label(self, indicator_id: str) -> str:
        try:
            return self.criteria.indicator(indicator_id).label(self.lang)
        except StopIteration:
            return indicator_id

    def item_label(self, item: str) -> str:
        """An AHP item: an indicator's or a family's label."""
        if item in self.matrix.indicator_ids:
            return self.indicator_label(item)
        if item in {f.id for f in (*self.criteria.families, *self.criteria.subfamilies)}:
            return self.family_label(item)
        return item

    def matrix_label(self, name: str) -> str:
        """An AHP matrix by its name (``families``, ``indicators.<family>``) in words."""
        if name == "families":
            return self.t["ahp_families_matrix"]
        if name.startswith("indicators."):
            return self.t("ahp_family_matrix", family=self.family_label(name.split(".", 1)[1]))
        return name

    def method_name(self, method: str) -> str:
        return self.t.get(f"method_{method}", method)

    def ri_table_name(self, table: Any) -> str:
        """An RI table as cited: "Saaty (1980)", not its identifier."""
        return self.t.get(f"ri_{table}", str(table))

    def normalization_name(self, name: Any) -> str:
        return self.t.get(f"normalization_{name}", str(name))

    def method_text(self) -> str:
        """The weighting used for the ranking, in words."""
        t, w = self.t, self.evaluation.weights
        options = dict(w.options)
        if w.method == "combined":
            objective = w.details.get("objective")
            objective_name = self.method_name(getattr(objective, "method", "entropy"))
            ahp_text = self._ahp_text(options)
            combination = str(options.get("combination", "linear"))
            if combination == "linear":
                alpha = float(options.get("alpha", 0.5))
                return t("method_combined_linear", alpha=f"{alpha:g}", beta=f"{1 - alpha:g}",
                         ahp=ahp_text, objective=objective_name)
            key = {"multiplicative": "method_combined_product"}.get(
                combination, f"method_combined_{combination}")
            return t(key, ahp=ahp_text, objective=objective_name)
        if w.method == "ahp":
            return self._ahp_text(options)
        return self.method_name(w.method)

    def _ahp_text(self, options: Mapping[str, Any]) -> str:
        judged = self.report.ahp
        priority = str(options.get("priority", "eigenvector"))
        return self.t("method_ahp_detail", experts=len(judged.experts) if judged else "—",
                      priority=self.t.get(f"priority_{priority}", priority),
                      ri=self.ri_table_name(options.get(
                          "ri_table", judged.ri_table if judged else "—")))

    # -- numbers, units and words ------------------------------------------

    def plural(self, key: str, items: Sequence[Any]) -> str:
        """``key`` or, for a single item, ``key_one`` (English verbs agree; Chinese is alike)."""
        return f"{key}_one" if len(items) == 1 and f"{key}_one" in self.t else key

    def count(self, value: Any) -> str:
        """A whole number: "10000" in Chinese prose (as 10000组 is written), "10,000" in English."""
        text = fmt_num(value, 0)
        return text.replace(",", "") if self.lang == "zh" else text

    def money(self, value: Any, digits: int = 1) -> str:
        """An amount in 亿元 as prose: "47.0 亿元", in English "CNY 4.70 billion"."""
        if self.lang == "en" and isinstance(value, int | float) and math.isfinite(value):
            return self.t("money", value=fmt_num(value / 10, digits + 1))  # 1 亿 = 0.1 billion
        return self.t("money", value=fmt_num(value, digits))

    def unit(self, unit: Any, empty: str = "—") -> str:
        """A unit as a data file writes it (亿元, 人/千人, persons), in this document's language.

        The one translation table is the ``u_<unit>`` entries of ``templates/strings.yaml``;
        a unit not in it is shown as written.
        """
        text = str(unit or "").strip()
        if not text:
            return empty
        return self.t.get(f"u_{text}", self.t.get(f"unit_{text}", text))

    def unit_after_number(self, unit: str) -> str:
        """A unit to follow a number in prose: "7.27 (10,000 yuan/person)", not "7.27 10,000 …"."""
        text = self.unit(unit, "")
        return f"({text})" if text[:1].isdigit() else text

    def quantity(self, number: str, unit: Any) -> str:
        """A number with its unit, as every section writes one: "120 亿元", "3个", "90%";
        in English "120 (100 million yuan)", "3", "200 people", "30 min", "90%".

        A count's unit (个, 名, 家) is a word in Chinese; in English it is the noun the
        table gives, or nothing where the label already says what is counted.
        """
        unit = str(unit or "").strip()
        if not unit:
            return number
        if unit in ("%", "‰"):
            return f"{number}{unit}"
        if self.lang == "zh":
            return f"{number}{unit}" if unit in ZH_COUNT_WORDS else f"{number} {unit}"
        text = self.unit_after_number(unit)
        return f"{number} {text}".strip()

    def unit_label(self, unit: Any) -> str:
        """A limit's unit (亿元, persons, towns) in words: :meth:`unit` with no dash."""
        return self.unit(unit, "")

    def solver_status(self, status: Any) -> str:
        return self.t.get(f"solver_status_{status}", str(status))

    def reason(self, english: str, chinese: str = "") -> str:
        """An exclusion's reason in the report's language when it has one."""
        return self.prose(chinese) if self.lang == "zh" and chinese else english

    def as_written(self, text: str, translated: bool = False) -> str:
        """A text from an input file as this document shows it: in an English document a
        text with no English version is the Chinese original, marked as such
        (``lang="zh-CN"``, noted under its table), never passed off as English."""
        if self.lang == "zh" or translated or not has_cjk(text):
            return text
        return Markup('<span lang="zh-CN" class="zh-original">{}</span>').format(text)

    def prose(self, text: str) -> str:
        """Text from a data file as this document writes it: full-width （）：； in Chinese."""
        return zh_punctuation(text) if self.lang == "zh" else text

    def section_title(self, key: str) -> str:
        """A section as a cross-reference names it: with its number where this document
        numbers it (十、边界候选镇比较 / 10. How close the call is), else its title."""
        number = self.section_numbers.get(key)
        title = self.t[f"sec_{key}"]
        return self.t("section_number", n=number, title=title) if number else title

    def selected_ids(self) -> list[str]:
        """The towns the selection chose (none without a selection)."""
        selection = self.report.selection
        return [] if selection is None else list(selection.selected_ids)

    def scenario_label(self, item: str) -> str:
        """A cost category's or a funding source's label from the selection's scenario, or the
        rules of a standards rule set by their labels (never the set's identifier)."""
        selection = self.report.selection
        scenario = selection.scenario if selection is not None else None
        if scenario is None:
            return item
        standards = scenario.standards
        if standards is not None and item in standards.rule_sets:
            return self.t["enum_sep"].join(label_text(r.label or None, self.lang, r.id)
                                           for r in standards.resolve([item]))
        labels = {c.id: c.label for c in scenario.categories}
        labels.update({s.id: s.label for s in scenario.sources})
        return label_text(labels.get(item) or None, self.lang, item)

    # -- charts and shared blocks -------------------------------------------

    def chart(self, draw: Callable[..., str], *args: Any, **kwargs: Any) -> Chart:
        """A chart drawn by ``draw(*args, **kwargs)`` (a function of :mod:`evalkit.report.charts`)."""
        chart = Chart(f"chart-{len(self.charts) + 1:02d}.svg", draw, args, kwargs, self.executor)
        self.charts.append(chart)
        return chart

    def meta(self, title: str) -> dict[str, Any]:
        """The cover, running header and document properties."""
        city = label_text(self.criteria.city.get("name"), self.lang, self.t["city_unknown"])
        return {
            "title": title,
            "city": city,
            "criteria_label": self.criteria.label(self.lang),
            "date": fmt_date(beijing(self.report.now), self.lang),
            "date_note": self.t["dz_beijing_time"],
            "timestamp": beijing(self.report.now).isoformat(timespec="seconds"),
            "document_number": self.report.document_number,
            "version": __version__,
            "lang": "zh-CN" if self.lang == "zh" else "en",
            "style": self.style(),
            "font_name": self.fonts.sans,
            **self.evidence_mark(),
        }

    def decision_provenance(self) -> Provenance:
        """The provenance of everything the decision reads (the scenario's columns too)."""
        if "_decision_provenance" not in self._built:
            selection = self.report.selection
            scenario = selection.scenario if selection is not None else None
            self._built["_decision_provenance"] = decision_provenance(self.evaluation, scenario)
        return self._built["_decision_provenance"]  # type: ignore[no-any-return]

    def evidence(self) -> tuple[str, dict[str, int]] | None:
        """Why the decision's data are not all sourced fact (``unsourced``, ``assumed``,
        ``partly_unsourced``) with the cells' counts by status; None when they are."""
        provenance = self.decision_provenance()
        if provenance is None or provenance.sources is None:
            reason = "unsourced"
        elif provenance.assumed:
            reason = "assumed"
        elif provenance.unsourced:
            reason = "partly_unsourced"
        else:
            return None
        coverage = provenance.coverage() if provenance is not None else None
        return reason, {"cells": coverage.cells if coverage else 0,
                        "assumed": coverage.assumed if coverage else 0,
                        "estimate": coverage.estimate if coverage else 0,
                        "none": coverage.none if coverage else 0}

    def evidence_mark(self) -> dict[str, Any]:
        """The watermark every page carries, and the cover's notice, when the data are not all sourced fact.

        Any assumed value behind the decision, or no sources at all, puts a
        watermark on every page; the bundled sample is marked as sample data.
        """
        from evalkit.paths import DEFAULT_CANDIDATES
        t = self.t
        sample = False
        try:
            sample = Path(self.evaluation.candidates.path).resolve() == DEFAULT_CANDIDATES.resolve()
        except OSError:
            pass
        found = self.evidence()
        if found is None:
            return {"watermark": "", "watermark_image": "", "evidence_notice": ""}
        reason, counts = found
        mark = t[f"watermark_{reason}"]
        if sample:
            mark = t["watermark_sample"] + " · " + mark
        from evalkit.report.charts import watermark

        if "_watermark" not in self._built:  # one drawing for every page of the document
            self._built["_watermark"] = self.chart(watermark, mark, fonts=self.fonts)
        return {"watermark": mark, "watermark_image": self._built["_watermark"],
                "evidence_notice": t(f"evidence_notice_{reason}", **counts)}

    def style(self) -> Markup:
        """The per-report CSS: the CJK fonts found, the page-number text and the 续表 label.

        A table's caption sets the named string ``tabletitle`` to its continued
        form (续表 3　… / Table 3. … (continued)); ``div.table-end`` after each
        table clears it, and the page's ``@top-left`` box shows it only on a
        page the table continues on (base.css).
        """
        t = self.t
        sans, serif = self.fonts.css(self.fonts.sans), self.fonts.css(self.fonts.serif)
        page = (f"{css_string(t['page_before'])} counter(page) {css_string(t['page_middle'])} "
                f"counter(pages) {css_string(t['page_after'])}")
        continued = (f"{css_string(t['continued_before'])} content() "
                     f"{css_string(t['continued_after'])}")
        return Markup(
            f"html {{ font-family: {serif}; }}\n"
            f"h1, h2, h3, h4, table, caption, figcaption, .cover, .town-head, .toc, .note, "
            f".not-run, .summary-box h4, .matrix {{ font-family: {sans}; }}\n"
            f".math {{ font-family: \"DejaVu Serif\", {serif}; }}\n"
            f"td.code, span.code, td.hash {{ font-family: \"DejaVu Sans Mono\", {sans}; }}\n"
            f"caption {{ string-set: tabletitle {continued}; }}\n"
            f"@page {{ @bottom-center {{ content: {page}; }} @top-left {{ font-family: {sans}; }} }}\n")
