"""PNG copies of the report's charts, for the Word copies (which cannot show SVG).

Every chart function of :mod:`evalkit.report.charts` ends by turning its
figure into SVG text.  :func:`draw_svg_and_png` runs one chart function so that
the same figure is also saved as PNG, after the SVG, so the SVG is exactly what
the chart function returns on its own.  :class:`PngCharts` is an
:class:`~concurrent.futures.Executor` to hand to the section views in place of
theirs: charts are drawn as before (by the wrapped executor's workers, or
here) and their PNGs are kept, looked up by :meth:`PngCharts.png`.

>>> charts_png = PngCharts()                      # or PngCharts(pool)
>>> html, made = summary(report, "zh", charts_png)
>>> charts_png.png(made[0])                       # the first chart as PNG bytes
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING, Any

import evalkit.report.charts as charts
from evalkit.report.fetcher import Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PNG_DPI = 220
"""Pixels per inch of a chart's PNG at the figure's own size.  A chart is
:data:`~evalkit.report.charts.WIDTH_IN` (6.6 in) wide and shown at most as wide
as the Word text block (156 mm, 6.14 in), so it prints at 236 dpi or more."""

_SWAP = threading.Lock()


def draw_svg_and_png(draw: Callable[..., str], args: tuple[Any, ...],
                     kwargs: Mapping[str, Any], dpi: int = PNG_DPI) -> tuple[str, bytes]:
    """Run the chart function ``draw(*args, **kwargs)``: its SVG text and the same figure as PNG.

    The chart module's SVG step is wrapped for the call (under a lock, so
    threads drawing at once take turns): it writes the SVG as always, then a
    PNG of the same figure.  PNG metadata carry no software version or time,
    so equal charts give equal bytes.
    """
    original = charts._svg
    pngs: list[bytes] = []

    def svg_then_png(fig: Figure, **options: Any) -> str:
        svg = original(fig, **options)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                    facecolor="white")
        pngs.append(buffer.getvalue())
        return svg

    with _SWAP:
        charts._svg = svg_then_png  # type: ignore[assignment]
        try:
            svg = draw(*args, **kwargs)
        finally:
            charts._svg = original  # type: ignore[assignment]
    if len(pngs) != 1:
        raise RuntimeError(f"{getattr(draw, '__name__', draw)!r} drew {len(pngs)} figures, not one")
    return svg, pngs[0]


def _key(svg: str) -> str:
    return hashlib.sha256(svg.encode("utf-8")).hexdigest()


class PngCharts(Executor):
    """An executor that draws each chart as SVG and PNG and keeps the PNGs.

    ``inner`` is the executor the charts would have been drawn by (``None``:
    drawn here, at once).  Futures resolve to the SVG, as the section views
    expect; :meth:`png` gives a drawn chart's PNG.
    """

    def __init__(self, inner: Executor | None = None, dpi: int = PNG_DPI) -> None:
        self.inner = inner
        self.dpi = dpi
        self._png: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _keep(self, svg: str, png: bytes) -> str:
        with self._lock:
            self._png[_key(svg)] = png
        return svg

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        outer: Future[Any] = Future()
        if self.inner is None:
            try:
                outer.set_result(self._keep(*draw_svg_and_png(fn, args, kwargs, self.dpi)))
            except BaseException as error:  # the view sees it when it asks for the SVG
                outer.set_exception(error)
            return outer
        inner = self.inner.submit(draw_svg_and_png, fn, args, kwargs, self.dpi)

        def done(future: Future[tuple[str, bytes]]) -> None:
            error = future.exception()
            if error is not None:
                outer.set_exception(error)
            else:
                outer.set_result(self._keep(*future.result()))

        inner.add_done_callback(done)
        return outer

    def png(self, chart: Chart) -> bytes:
        """The PNG of ``chart`` (waits for it to be drawn)."""
        svg = chart.svg
        with self._lock:
            found = self._png.get(_key(svg))
        if found is None:
            raise KeyError(f"{chart.name} was not drawn through this PngCharts")
        return found

    def images(self, made: list[Chart]) -> dict[str, bytes]:
        """The PNGs of ``made`` by the address the HTML refers to them by (``charts/<name>``)."""
        return {chart.href: self.png(chart) for chart in made}
