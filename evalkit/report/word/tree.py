"""The report's HTML as a small element tree (the standard library's parser).

The HTML is our own markup from the templates, so a plain tree is enough: an
element's tag, attributes and children (elements and text).  Unclosed ``p``,
``li``, ``td``… are closed the way HTML closes them, enough for our markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
"""Elements without content or end tag."""

_CLOSED_BY: dict[str, frozenset[str]] = {
    "p": frozenset({"p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                    "section", "figure", "dl", "header"}),
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "tr": frozenset({"tr", "tbody", "thead", "tfoot"}),
    "td": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "th": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "thead": frozenset({"tbody", "tfoot"}),
    "tbody": frozenset({"tbody", "tfoot"}),
}
"""An open element (key) that a start tag of one of these elements closes."""

SPACE = re.compile(r"[ \t\n\r\f]+")
"""HTML's collapsible white space (not NBSP or the ideographic space U+3000)."""


@dataclass
class Node:
    """An element: its tag, attributes, and children (nodes and strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.attrs.get("class", "").split())

    def has(self, name: str) -> bool:
        return name in self.classes

    def elements(self) -> Iterator[Node]:
        """Child elements (not text)."""
        return (c for c in self.children if isinstance(c, Node))

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This element and every element below it, in document order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.elements():
            yield from child.iter(tag)

    def find(self, tag: str) -> Node | None:
        return next(self.iter(tag), None)

    def text(self) -> str:
        """The text content, white space collapsed as a browser shows it."""
        return SPACE.sub(" ", "".join(self._raw())).strip()

    def _raw(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag == "br":
                yield " "
            else:
                yield from child._raw()


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack: list[Node] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while len(self.stack) > 1 and tag in _CLOSED_BY.get(self.stack[-1].tag, ()):
            self.stack.pop()
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The document's tree; comments, the doctype and processing instructions are dropped."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
