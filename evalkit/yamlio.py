"""YAML reading that remembers where every value came from.

Data files are read with PyYAML's safe loader only (no tags that build Python
objects, nothing evaluated).  Mappings and sequences come back as
:class:`Node` subclasses of ``dict`` and ``list`` that also know the line each
of their entries starts on, so an error can say ``file:line:key.path``.
"""

from __future__ import annotations

from collections.abc import Mapping
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


LABEL_LANGS = ("zh", "en")
"""The languages a label may give."""


def read_label(value: Any, *, file: Path | None, row: int | None, column: str,
               require: str | None = None) -> dict[str, str]:
    """A bilingual label: one text for both languages, or ``{zh: ..., en: ...}``.

    Only ``zh`` and ``en`` are accepted.  The check catches YAML's flow-style
    trap: in ``{en: Asset recycling (REITs, PPP)}`` the comma ends the text, so
    the label would silently read "Asset recycling (REITs" plus a key "PPP)".
    ``require`` names a language the mapping must give.
    """
    usage = "write  label: {zh: 中文, en: English}"
    if isinstance(value, str) and value.strip():
        return {lang: value for lang in LABEL_LANGS}
    if not isinstance(value, Mapping) or not value:
        raise InputError("a label must be text or {zh: ..., en: ...}", usage,
                         file=file, row=row, column=column)
    for key, text in value.items():
        at = line_of(value, key) or row
        if key not in LABEL_LANGS:
            if text is None:
                raise InputError(
                    f"the label has a stray key {key!r}: a comma inside {{...}} ends the text",
                    "put text containing a comma or colon in quotes, e.g. "
                    'en: "Asset recycling (REITs, PPP)"', file=file, row=at, column=column)
            raise InputError(f"unknown label language {key!r}",
                             f"use {' and '.join(LABEL_LANGS)}", file=file, row=at, column=column)
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"the {key} label is empty or not text",
                             f"write it as text, e.g. {key}: {'中文' if key == 'zh' else 'English'}",
                             file=file, row=at, column=f"{column}.{key}")
    if require is not None and require not in value:
        raise InputError(f"the label has no {require} text", usage,
                         file=file, row=row, column=column)
    return {str(k): str(v) for k, v in value.items()}
