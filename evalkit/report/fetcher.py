"""The only resources WeasyPrint may read: the templates and this document's charts.

Safety: WeasyPrint may read only files under :data:`~evalkit.paths.TEMPLATES`
and the ``data:`` URIs of the charts made for the document
(:class:`TemplateFetcher`), so nothing in the data can make it read a local
file or reach the network."""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from evalkit.paths import TEMPLATES

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """WeasyPrint asked for a resource outside the templates directory."""


CHART_DIR = "charts"
"""Charts are referred to as ``charts/<name>.svg`` and served from memory."""


_NESTED_DATA = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")


def _decode_data_uri(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a ``data:`` URI; whitespace in base64 is ignored."""
    header, _, payload = url[5:].partition(",")
    mime = header.split(";")[0].strip() or "text/plain"
    if header.endswith(";base64"):
        return mime, base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
    return mime, unquote(payload).encode("utf-8")


def _digest(mime: str, body: bytes) -> str:
    return hashlib.sha256(mime.encode("utf-8") + b"\0" + body).hexdigest()


class TemplateFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves only the templates directory.

    ``file:`` URLs are served when they resolve (symlinks and ``..``
    followed) to a file under ``root``; ``charts`` are this report's SVG
    charts, served as if they were files ``root/charts/<name>``.  A ``data:``
    URI is served only when its content is an image embedded in one of those
    charts (matplotlib embeds raster parts that way).  Everything else —
    other files, ``http:``, ``ftp:``, other data — raises :class:`RefusedURL`
    and is recorded in ``refused``.
    """

    def __init__(self, root: Path = TEMPLATES,
                 charts: Mapping[str, str | Chart] | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = Path(root).resolve()
        self.charts = dict(charts or {})
        self.refused: list[str] = []
        self._allowed: set[str] = set()

    def _chart(self, name: str) -> bytes:
        value = self.charts[name]
        svg = value.svg if isinstance(value, Chart) else value
        # matplotlib embeds raster parts (a colour bar) as data: URIs; those, and only
        # those, may be fetched once the chart holding them has been.
        for nested in _NESTED_DATA.findall(svg):
            self._allowed.add(_digest(*_decode_data_uri(nested)))
        return svg.encode("utf-8")

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            try:
                mime, body = _decode_data_uri(url)
            except ValueError:
                raise self._refuse(url, "a malformed data: URI") from None
            if _digest(mime, body) not in self._allowed:
                raise self._refuse(url, "a data: URI this report did not make")
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "not a file in the templates directory")
        raw = Path(os.path.normpath(url2pathname(unquote(parts.path))))
        if raw.parent == self.root / CHART_DIR and raw.name in self.charts:
            return URLFetcherResponse(url, self._chart(raw.name), {"Content-Type": "image/svg+xml"})
        try:
            path = raw.resolve(strict=True)
        except (OSError, RuntimeError):
            raise self._refuse(url, "no such file") from None
        if not path.is_relative_to(self.root) or not path.is_file():
            raise self._refuse(url, "outside the templates directory")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    def _refuse(self, url: str, why: str) -> RefusedURL:
        shown = url if len(url) < 120 else url[:117] + "..."
        self.refused.append(shown)
        logger.warning("refused to fetch %s: %s", shown, why)
        return RefusedURL(f"refused {shown}: {why}")


class Chart:
    """One SVG chart of a document, referred to from the HTML as ``charts/<name>``.

    The SVG is drawn at once, or by a worker process when the report is
    rendered with one (then ``svg`` waits for it), so charts are drawn while
    WeasyPrint parses the HTML.
    """

    def __init__(self, name: str, draw: Callable[..., str], args: tuple[Any, ...],
                 kwargs: Mapping[str, Any], executor: Executor | None = None) -> None:
        self.name = name
        self._value: str | Future[str]
        self._value = (executor.submit(draw, *args, **kwargs) if executor is not None
                       else draw(*args, **kwargs))

    @property
    def svg(self) -> str:
        if isinstance(self._value, Future):
            self._value = self._value.result()
        return self._value

    @property
    def href(self) -> str:
        return f"{CHART_DIR}/{self.name}"
