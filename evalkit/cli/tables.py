"""Terminal tables for people: Chinese names aligned, weights by family."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table

from evalkit.model.evaluation import Evaluation

TEXT = {
    "zh": {
        "weighting": "赋权", "normalization": "归一化", "towns": "个候选镇",
        "rank": "名次", "town": "候选镇", "closeness": "贴近度 C", "obstacles": "主要障碍因子",
        "family": "准则层", "indicator": "指标", "direction": "方向", "weight": "权重",
        "max": "正向↑", "min": "逆向↓", "agreement": "与 TOPSIS 排序的一致性 (Spearman ρ / 加权 r_w)",
        "tied": "并列",
    },
    "en": {
        "weighting": "weighting", "normalization": "normalisation", "towns": "candidate towns",
        "rank": "Rank", "town": "Town", "closeness": "Closeness C", "obstacles": "Largest obstacles",
        "family": "Family", "indicator": "Indicator", "direction": "Direction", "weight": "Weight",
        "max": "max ↑", "min": "min ↓",
        "agreement": "Agreement with the TOPSIS order (Spearman ρ / weighted r_w)", "tied": "tied",
    },
}

METHOD_NAMES = {"wsm": "WSM", "vikor": "VIKOR", "promethee_ii": "PROMETHEE II",
                "topsis_vector": "TOPSIS (vector)", "topsis_minmax": "TOPSIS (min–max)"}


def _console(file: io.StringIO | None = None) -> Console:
    console = Console(file=file, highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console = Console(file=file, highlight=False, width=max(console.width, 120),
                          color_system=None)
    return console


def print_ranking(result: Evaluation, lang: str = "zh") -> None:
    """Print the ranking, the weights and the cross-checks."""
    _render(result, lang, _console())


def ranking_text(result: Evaluation, lang: str = "zh") -> str:
    """The same as :func:`print_ranking`, as plain text."""
    buffer = io.StringIO()
    _render(result, lang, Console(file=buffer, highlight=False, width=120, color_system=None))
    return buffer.getvalue()


def _render(result: Evaluation, lang: str, console: Console) -> None:
    t = TEXT[lang]
    criteria = result.criteria
    console.print(f"[bold]{criteria.label(lang)}[/bold]  ({criteria.name} {criteria.version})")
    console.print(f"{t['weighting']}: {result.weights.label} · {t['normalization']}: "
                  f"{result.ranking.normalization} · {len(result.matrix.ids)} {t['towns']}")

    labels = {ind.id: ind.label(lang) for ind in criteria.indicators}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t["rank"], justify="right")
    table.add_column(t["town"])
    table.add_column(t["closeness"], justify="right")
    table.add_column("D+", justify="right")
    table.add_column("D−", justify="right")
    table.add_column(t["obstacles"])
    r = result.ranking
    for i in r.order:
        rank = f"{r.ranks[i]}" + (f" ({t['tied']})" if r.tied[i] else "")
        name = result.matrix.names[i] if lang == "zh" else (result.matrix.names_en[i]
                                                           or result.matrix.names[i])
        town = f"{name} {result.matrix.ids[i]}"
        obstacles = "，".join(f"{labels[ind]} {deg:.0%}" for ind, deg in result.obstacles.top(int(i)))
        table.add_row(rank, town, f"{r.closeness[i]:.4f}", f"{r.d_plus[i]:.4f}",
                      f"{r.d_minus[i]:.4f}", obstacles)
    console.print(table)

    weights = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    weights.add_column(t["family"])
    weights.add_column(t["indicator"])
    weights.add_column(t["direction"])
    weights.add_column(t["weight"], justify="right")
    for family in criteria.families:
        members = [j for j, ind in enumerate(criteria.indicators) if ind.family == family.id]
        subtotal = sum(result.weights.values[j] for j in members)
        for position, j in enumerate(members):
            ind = criteria.indicators[j]
            unit = f" ({ind.unit})" if ind.unit else ""
            weights.add_row(f"{family.label(lang)} {subtotal:.3f}" if position == 0 else "",
                            f"{criteria.place(ind, lang)}{ind.label(lang)}{unit}", t[ind.direction],
                            f"{result.weights.values[j]:.4f}")
        weights.add_section()
    console.print(weights)

    parts = [f"{METHOD_NAMES.get(name, name)} {_two(a.spearman)} / {_two(a.weighted_spearman)}"
             for name, a in result.agreement.items()]
    console.print(f"{t['agreement']}: " + " · ".join(parts))


def _two(x: float) -> str:
    """Two decimals, or ``—`` for a coefficient that is undefined (NaN)."""
    return f"{x:.2f}" if x == x else "—"
