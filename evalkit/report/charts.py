"""Report charts: matplotlib figures as SVG text, with the text kept as text.

Every function takes plain numbers and already-translated labels and returns
an SVG document as a string.  Text stays ``<text>`` (``svg.fonttype: none``),
so the PDF sets it in the report's CJK font and it stays searchable; the
font family is the CJK family found by :mod:`evalkit.report.fonts`.  Nothing in a
label is parsed as mathtext, so a town name with ``$`` in it is just text.

matplotlib is imported on the first chart, not with this module: the report
hands the drawing to worker processes, and the process laying out the PDF
should not spend half a second importing a plotting library it never calls.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from evalkit.report.fonts import CjkFonts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN = 6.6
"""Figure width in inches: the A4 text block (170 mm) less a little."""

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
"""Okabe–Ito colours: distinguishable with colour-vision deficiency and in print."""

HIGHLIGHT, MUTED, TARGET = "#0072B2", "#A6B4C2", "#D55E00"

_registered: set[str] = set()


def _register(fonts: CjkFonts) -> None:
    from matplotlib import font_manager

    for path in sorted({f.path for f in fonts.files}):
        if path not in _registered:
            font_manager.fontManager.addfont(path)
            _registered.add(path)


@contextmanager
def _style(fonts: CjkFonts) -> Iterator[None]:
    import matplotlib

    _register(fonts)
    with matplotlib.rc_context({
        "svg.fonttype": "none",
        "svg.hashsalt": "evalkit",  # stable element ids, so equal inputs give equal SVG
        "font.family": [fonts.sans],
        "font.size": 8.5,
        "axes.titlesize": 9,
        "axes.labelsize": 8.5,
        "legend.fontsize": 8,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8.5,
        "text.parse_math": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#333333",
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "grid.color": "#D0D0D0",
        "grid.linewidth": 0.5,
    }), warnings.catch_warnings():
        # Labels are fitted (:func:`fit`) so that the layout has room; should a chart still
        # not fit, matplotlib's advice to make the figure larger is no message for the user.
        # Set here, around the whole drawing: the Word copy saves the figure a second time.
        warnings.filterwarnings("ignore", message="constrained_layout not applied",
                                category=UserWarning)
        yield


def _svg(fig: Figure, *, tight: bool = False, dpi: float | None = None) -> str:
    buffer = io.StringIO()
    # Transparent: the page's evidence watermark, drawn beneath the content, shows through.
    # ``tight``: cut to what is drawn (the watermark, as wide as its words); ``dpi``: of the
    # rasterised parts (the watermark's picture).
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True,
                **({"bbox_inches": "tight", "pad_inches": 0.05} if tight else {}),
                **({"dpi": dpi} if dpi is not None else {}))
    text = buffer.getvalue()
    # The XML prologue and DOCTYPE are not wanted when the SVG is embedded.
    return text[text.index("<svg"):]


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height), layout="constrained")


def grouped_bars(labels: Sequence[str], series: Mapping[str, Sequence[float]], *,
                 fonts: CjkFonts, xlabel: str, percent: bool = True) -> str:
    """Horizontal grouped bars, one group per label (e.g. weights by method)."""
    with _style(fonts):
        n, k = len(labels), max(len(series), 1)
        # About 0.3 in per label whatever the number of series, so the chart fits a page.
        fig = _figure(min(8.0, max(2.2, (0.2 + 0.05 * k) * n + 0.9)))
        ax = fig.add_subplot()
        y = np.arange(n)
        height = 0.8 / k
        for index, (name, values) in enumerate(series.items()):
            scale = 100.0 if percent else 1.0
            ax.barh(y - 0.4 + height * (index + 0.5), np.asarray(values, float) * scale, height,
                    label=name, color=PALETTE[index % len(PALETTE)])
        ax.set_yticks(y, [fit(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        if len(series) > 1:
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series),
                      frameon=False)
        return _svg(fig)


def ranked_bars(labels: Sequence[str], values: Sequence[float], *, fonts: CjkFonts, xlabel: str,
                highlight: Sequence[bool] = (), legend: tuple[str, str] | None = None,
                digits: int = 3, reference: tuple[float, str] | None = None) -> str:
    """Horizontal bars in the given order, highlighted ones in the strong colour.

    ``legend`` names the highlighted and the other bars; ``reference`` draws a
    labelled vertical line (e.g. the mean).
    """
    with _style(fonts):
        n = len(labels)
        fig = _figure(max(1.8, 0.32 * n + 0.8))
        ax = fig.add_subplot()
        flags = list(highlight) or [True] * n
        colours = [HIGHLIGHT if f else MUTED for f in flags]
        bars = ax.barh(np.arange(n), values, 0.62, color=colours)
        ax.bar_label(bars, [f"{v:.{digits}f}" for v in values], padding=3, fontsize=8)
        ax.set_yticks(np.arange(n), [fit(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        top = max([float(v) for v in values] + [1e-9])
        ax.set_xlim(0, top * 1.15)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        if reference is not None:
            ax.axvline(reference[0], color=TARGET, linewidth=0.9, linestyle="--")
            # Offset in points, not a leading space: SVG collapses spaces at the start of text.
            ax.annotate(reference[1], xy=(reference[0], -0.7), xytext=(2.5, 0),
                        textcoords="offset points", color=TARGET, fontsize=7.5, va="bottom",
                        ha="left", annotation_clip=False)
        if legend is not None and any(flags) and not all(flags):
            from matplotlib.patches import Patch

            ax.legend(handles=[Patch(color=HIGHLIGHT, label=legend[0]),
                               Patch(color=MUTED, label=legend[1])],
                      loc="lower right", frameon=False)
        return _svg(fig)


def heatmap(rows: Sequence[str], columns: Sequence[str], values: np.ndarray, *,
            fonts: CjkFonts, colorbar: str) -> str:
    """A rows × columns heat map of shares in [0, 1], each cell labelled in %."""
    data = np.asarray(values, dtype=float)
    with _style(fonts):
        fig = _figure(max(2.0, 0.42 * len(rows) + 1.3))
        ax = fig.add_subplot()
        top = max(float(np.nanmax(data)) if data.size else 0.0, 1e-9)
        # pcolormesh, not imshow: cells stay vector shapes, crisp in print.
        image = ax.pcolormesh(data * 100, cmap="Oranges", vmin=0, vmax=top * 100,
                              edgecolors="white", linewidth=1.0)
        ax.set_xlim(0, data.shape[1])
        ax.set_ylim(data.shape[0], 0)
        ax.set_xticks(np.arange(len(columns)) + 0.5, [fit(wrap(c, 14), 24, 3) for c in columns])
        # Narrower than a bar chart's labels: the columns need the width for their own.
        ax.set_yticks(np.arange(len(rows)) + 0.5, [fit(row, 24) for row in rows])
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, top=False, bottom=False,
                       left=False)
        ax.tick_params(axis="y", left=False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                value = data[i, j]
                ax.text(j + 0.5, i + 0.5, f"{value * 100:.1f}", ha="center", va="center",
                        fontsize=8,
                        color="white" if value > 0.6 * top else "#1A1A1A")
        bar = fig.colorbar(image, ax=ax, shrink=0.9, pad=0.02)
        bar.set_label(colorbar)
        bar.outline.set_linewidth(0.4)
        return _svg(fig)


def stacked_shares(labels: Sequence[str], shares: np.ndarray, parts: Sequence[str], *,
                   fonts: CjkFonts, xlabel: str) -> str:
    """Horizontal 100% bars: each row's shares over ``parts`` (e.g. rank 1..n)."""
    data = np.asarray(shares, dtype=float)
    with _style(fonts):
        n = len(labels)
        fig = _figure(max(1.9, 0.34 * n + 1.1))
        ax = fig.add_subplot()
        left = np.zeros(n)
        colours = _sequential(len(parts))
        for k, part in enumerate(parts):
            width = data[:, k] * 100
            bars = ax.barh(np.arange(n), width, 0.62, left=left, label=part, color=colours[k],
                           edgecolor="white", linewidth=0.5)
            texts = [f"{w:.0f}" if w >= 7 else "" for w in width]
            ax.bar_label(bars, texts, label_type="center", fontsize=7.5,
                         color="white" if k < len(parts) / 2 else "#1A1A1A")
            left += width
        ax.set_yticks(np.arange(n), [fit(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(parts), 8),
                  frameon=False, handlelength=1.2, columnspacing=1.0)
        return _svg(fig)


LABEL_WIDTH, LABEL_LINES = 40, 2
"""A tick label's widest line (in Latin letters; a Chinese character counts two) and its
most lines: a 100-letter town name as one line squeezes the axes to nothing."""


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(label: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """A tick label that fits beside a chart: as it is when short enough, else broken into
    at most ``lines`` lines of ``width`` columns (at spaces where it has them), the rest
    cut off with "…"."""
    if all(_columns(line) <= width for line in label.splitlines()):
        return label
    broken: list[str] = []
    for part in label.splitlines() or [""]:
        for piece in textwrap.wrap(part, width, break_long_words=False) or [""]:
            line = ""
            for ch in piece:  # a word (or Chinese text) wider than a line is cut by columns
                if _columns(line + ch) > width:
                    broken.append(line)
                    line = ""
                line += ch
            broken.append(line)
    if len(broken) > lines:
        last = broken[lines - 1]
        while last and _columns(last + "…") > width:
            last = last[:-1]
        broken = [*broken[: lines - 1], last.rstrip() + "…"]
    return "\n".join(broken)


def wrap(label: str, width: int) -> str:
    """Break a long label at spaces (English); Chinese labels are left whole."""
    if len(label) <= width or " " not in label:
        return label
    return textwrap.fill(label, width, break_long_words=False)


def _sequential(k: int) -> list[str]:
    from matplotlib import colormaps, colors

    cmap = colormaps["Blues_r"]
    return [colors.to_hex(cmap(0.1 + 0.75 * i / max(k - 1, 1))) for i in range(k)]


def radar(axes: Sequence[str], series: Mapping[str, Sequence[float]], *, fonts: CjkFonts,
          ring: tuple[float, str] | None = None, limit: float = 1.5) -> str:
    """A radar (spider) chart of ratios, capped at ``limit``; ``ring`` marks e.g. the target."""
    with _style(fonts):
        n = len(axes)
        fig = _figure(4.3)
        ax: Any = fig.add_subplot(projection="polar")  # a PolarAxes
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        closed = np.concatenate([angles, angles[:1]])
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        styles = [("-", 1.6), ("--", 1.0), (":", 1.2), ("-.", 1.0)]
        for index, (name, values) in enumerate(series.items()):
            # NaN (no value) breaks the line instead of pulling it to the centre.
            v = np.clip(np.asarray(values, float), 0, limit)
            line, width = styles[index % len(styles)]
            colour = PALETTE[index % len(PALETTE)]
            ax.plot(closed, np.concatenate([v, v[:1]]), line, linewidth=width, color=colour,
                    label=name, marker="o" if index == 0 else None, markersize=3)
            if index == 0 and np.isfinite(v).all():
                ax.fill(closed, np.concatenate([v, v[:1]]), color=colour, alpha=0.12)
        if ring is not None:
            theta = np.linspace(0, 2 * np.pi, 200)
            ax.plot(theta, np.full_like(theta, ring[0]), color=TARGET, linewidth=0.9,
                    label=ring[1])
        ax.set_xticks(angles, [fit(wrap(a, 16), 24, 3) for a in axes])
        # Labels on the right start at the circle, on the left end at it, so a long label
        # never runs across the outer ring (angles go clockwise from the top).
        for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
            side = np.sin(angle)
            label.set_horizontalalignment("left" if side > 0.2 else "right" if side < -0.2
                                          else "center")
        ax.set_ylim(0, limit)
        ax.set_yticks([0.5, 1.0, 1.5][: int(limit / 0.5)])
        ax.set_yticklabels([f"{t:.1f}" for t in [0.5, 1.0, 1.5][: int(limit / 0.5)]], fontsize=7)
        ax.tick_params(axis="x", pad=6)
        ax.grid(color="#C8C8C8", linewidth=0.5)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(series) + 1,
                  frameon=False)
        return _svg(fig)


def used_vs_limit(labels: Sequence[str], used: Sequence[float], limit: Sequence[float], *,
                  fonts: CjkFonts, xlabel: str, names: tuple[str, str]) -> str:
    """Horizontal bars of use against a limit (budget, capacity), limit as an outline."""
    with _style(fonts):
        n = len(labels)
        fig = _figure(max(1.8, 0.34 * n + 0.9))
        ax = fig.add_subplot()
        y = np.arange(n)
        ax.barh(y, limit, 0.64, facecolor="none", edgecolor="#333333", linewidth=0.7,
                label=names[1])
        bars = ax.barh(y, used, 0.64, color=HIGHLIGHT, label=names[0])
        share = [f"{u / lim:.0%}" if lim else "" for u, lim in zip(used, limit, strict=True)]
        ax.bar_label(bars, share, padding=3, fontsize=7.5)
        ax.set_yticks(y, [fit(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", frameon=False)
        return _svg(fig)


WATERMARK_DPI = 200
"""Pixels per inch of the watermark's picture (it prints about 190 mm wide)."""


def watermark(text: str, *, fonts: CjkFonts) -> str:
    """The page watermark as a picture inside the SVG: it marks every page without
    entering the text layer, so searching or copying the report's text never meets it.
    A picture, not the glyphs' outlines: drawn on each of 40 pages, the outlines took
    0.16 s a page to draw (6 of the summary's 13 s); the picture is one image."""
    with _style(fonts):
        fig = _figure_plain(7.5, 0.6)
        fig.set_dpi(WATERMARK_DPI)
        mark = fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=26,
                        fontweight="bold", color=(190 / 255, 30 / 255, 30 / 255, 0.13))
        mark.set_rasterized(True)
        # Cut to the words, however long (the English mark is wider than the Chinese);
        # the page scales the drawing to the mark's width.
        return _svg(fig, tight=True, dpi=WATERMARK_DPI)


def _figure_plain(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))
