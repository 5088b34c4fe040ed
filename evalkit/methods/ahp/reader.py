"""The line-tracking reader of experts' judgment files.

Every value of a judgment file comes with its YAML line and, for a scalar,
its text as written, so that each problem is an
:class:`~evalkit.errors.InputError` naming the file, the line and the key
path.  :mod:`~evalkit.methods.ahp.judgments` reads the comparisons with it and
:mod:`~evalkit.methods.ahp.metadata` the expert's particulars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.numbers import as_number, parse_number
from evalkit.io.yamlfile import MappingNode, SequenceNode, line_of, load_yaml, text_of
from evalkit.methods.ahp.scale import on_saaty_scale, scale_hint

__all__ = ["Node", "Reader", "child", "ratio"]


@dataclass(frozen=True)
class Node:
    """A value of the file with its line and, for a scalar, its text as written.

    The line is the key's for a mapping value (where a reader looks for
    ``economy:``), else where the value starts.
    """

    value: Any  # MappingNode | SequenceNode | scalar
    line: int
    text: str = ""


def child(container: MappingNode | SequenceNode, key: Any) -> Node:
    return Node(container[key], line_of(container, key) or container.line,
                 text_of(container, key))


class Reader:
    """Reads one judgment file; knows the file name for every error."""

    def __init__(self, path: Path, *, aggregated: bool) -> None:
        self.path = path
        self.aggregated = aggregated

    def fail(self, what: str, hint: str, line: int | None, column: str | None) -> InputError:
        return InputError(what, hint, file=str(self.path), row=line, column=column)

    # -- document ---------------------------------------------------------

    def document(self) -> Node:
        data = load_yaml(self.path, what="judgment file")
        if data is None:
            raise self.fail("the judgment file is empty",
                            "start from criteria/judgments/expert_wang.yaml", None, None)
        return Node(data, getattr(data, "line", 1))

    # -- shapes -----------------------------------------------------------

    def mapping(
        self,
        node: Node,
        path: str,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        *,
        unknown: str = "unknown key {key}",
        unknown_hint: str = "",
    ) -> dict[str, Node]:
        if not isinstance(node.value, MappingNode):
            raise self.fail(
                f"expected a mapping with keys {', '.join(allowed)}",
                "write key: value lines under this key",
                node.line,
                path,
            )
        children: dict[str, Node] = {}
        for key in node.value:
            entry = child(node.value, key)
            if not isinstance(key, str):
                raise self.fail("a key is not plain text", "write keys as words", entry.line,
                                path or None)
            children[key] = entry
            if key not in allowed:
                raise self.fail(
                    unknown.format(key=key),
                    unknown_hint or f"the keys here are {', '.join(allowed)}",
                    entry.line,
                    f"{path}.{key}" if path else key,
                )
        for key in required:
            if key not in node.value:
                raise self.fail(
                    f"key {key} is missing", f"add {key}: under {path or 'the top level'}",
                    node.line, path or None,
                )
        return children

    def sequence(self, node: Node, path: str, what: str) -> list[Node]:
        if not isinstance(node.value, SequenceNode):
            raise self.fail(f"expected a list of {what}", "write it as [...] or - lines",
                            node.line, path)
        return [child(node.value, k) for k in range(len(node.value))]

    def identifier(self, node: Node, path: str) -> str:
        if not isinstance(node.value, str) or not node.value:
            shown = "an empty value" if node.value in (None, "") else f"{node.text!r}"
            raise self.fail(f"{shown} is not an id", "write the id as plain text",
                            node.line, path)
        return node.value

    def number(self, node: Node, path: str, what: str, hint: str) -> float:
        """A positive number written as 3, 0.5 or "1/3" — never evaluated as code."""
        raw, text = node.value, node.text
        value = ratio(raw) if isinstance(raw, str) else as_number(raw)
        if value is None:
            if raw is None:
                problem = f"{what} is empty"
            elif isinstance(raw, list | dict):
                problem = f"{what} is a {'list' if isinstance(raw, list) else 'mapping'}"
            else:
                problem = f"{what} {text!r} is not a number"
            raise self.fail(
                problem,
                "write a number such as 3 or a fraction such as 1/3",
                node.line,
                path,
            )
        if value <= 0:
            raise self.fail(f"{what} {text} is not positive", hint, node.line, path)
        return value

    def judgment(self, node: Node, path: str) -> float:
        value = self.number(
            node, path, "value",
            "judgments are ratios: 1 = equally important, 3 or 1/3 = moderately more or less",
        )
        if not self.aggregated and not on_saaty_scale(value):
            raise self.fail(
                f"value {node.text} is not on the Saaty scale (1/9 to 9)",
                scale_hint(value),
                node.line,
                path,
            )
        return value


def ratio(text: str) -> float | None:
    """``3``, ``0.5``, ``1e0`` or a fraction ``1/3``: each part in the numeric grammar."""
    top, slash, bottom = text.partition("/")
    numerator = parse_number(top)
    if not slash:
        return numerator
    denominator = parse_number(bottom)
    if numerator is None or denominator is None or denominator == 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None
