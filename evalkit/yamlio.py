"""YAML reading that remembers where every value came from.

Data files are read with PyYAML's safe loader only (no tags that build Python
objects, nothing evaluated).  Mappings and sequences come back as
:class:`Node` subclasses of ``dict`` and ``list`` that also know the line each
of their entries starts on, so an error can say ``file:line:key.path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evalkit.errors import InputError


class MappingNode(dict):
    """A ``dict`` that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class SequenceNode(list):
    """A ``list`` that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MappingNode:
    loader.flatten_mapping(node)
    result = MappingNode()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise InputError(
                f"key {key!r} appears twice",
                "keep one of them",
                row=key_node.start_mark.line + 1,
                column=str(key),
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> SequenceNode:
    result = SequenceNode(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: str | Path, *, what: str = "file") -> Any:
    """Read one YAML document, turning every failure into an :class:`InputError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{what} not found", "check the path", file=path) from None
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", "save it as UTF-8", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", "check the path", file=path) from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except InputError as exc:
        raise InputError(exc.what, exc.hint, file=path, row=exc.row, column=exc.column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"not valid YAML: {exc.problem or exc.context}",
            "fix the syntax at that line",
            file=path,
            row=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", "fix the syntax", file=path) from None
    return data


def line_of(container: Any, key: Any) -> int | None:
    """Line on which ``key`` (a mapping key or list index) of ``container`` starts."""
    if isinstance(container, MappingNode):
        return container.key_lines.get(key, container.line)
    if isinstance(container, SequenceNode) and isinstance(key, int):
        if 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return getattr(container, "line", None)
