"""The one YAML reader for every input file: positions, literal text, guarded.

Criteria sets, judgment files, scenarios, standards and targets are all read
here, with PyYAML's safe loader only (no tags that build Python objects,
nothing evaluated).  Mappings and sequences come back as :class:`MappingNode`
and :class:`SequenceNode`, subclasses of ``dict`` and ``list`` that also know
the line of each entry and the literal text of each scalar as the user wrote
it (so a message quotes ``1/3`` or ``0.3333``, not a float's repr).  Every
failure is an :class:`~evalkit.errors.InputError` naming the file and line.

The reader is guarded against files that would exhaust the machine: it reads
only regular files up to :data:`MAX_BYTES`, expands aliases only until
:data:`MAX_NODES` values have been built (a "billion laughs" file stops
there), and refuses nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from evalkit.errors import InputError
from evalkit.io.files import check_input_file

MAX_BYTES = 8 * 2**20
"""Largest YAML input read (8 MiB; the bundled files are a few KiB)."""
MAX_NODES = 500_000
"""Most values built from one file, aliases expanded (a guard against alias bombs)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class MappingNode(dict[Any, Any]):
    """A ``dict`` that knows its line and, per key, the key's line and the value's text."""

    line: int = 0
    key_lines: dict[Any, int]
    texts: dict[Any, str]


class SequenceNode(list[Any]):
    """A ``list`` that knows its line and, per item, the item's line and text."""

    line: int = 0
    item_lines: list[int]
    texts: list[str]


def mapping_node(items: Mapping[Any, Any] | None = None, line: int = 0) -> MappingNode:
    """A :class:`MappingNode` built in code (every key on ``line``)."""
    node = MappingNode(items or {})
    node.line = line
    node.key_lines = dict.fromkeys(node, line)
    node.texts = {k: _text(v) for k, v in node.items()}
    return node


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


class _Builder:
    """Turns a composed YAML node graph into nodes, counting what aliases expand to."""

    def __init__(self, loader: yaml.SafeLoader, path: Path) -> None:
        self.loader = loader
        self.path = path
        self.built = 0

    def fail(self, what: str, hint: str, node: yaml.Node, column: str | None = None) -> InputError:
        return InputError(what, hint, file=self.path, row=node.start_mark.line + 1, column=column)

    def build(self, node: yaml.Node, keypath: str = "", depth: int = 0) -> Any:
        self.built += 1
        if self.built > MAX_NODES:
            raise self.fail(f"the file expands to more than {MAX_NODES:,} values "
                            "(aliases repeating aliases?)",
                            "write the values out, or use fewer & anchors and * aliases", node)
        if depth > MAX_DEPTH:
            raise self.fail(f"the file is nested more than {MAX_DEPTH} levels deep",
                            "flatten the structure", node, keypath or None)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keypath, depth)
        if isinstance(node, yaml.SequenceNode):
            out = SequenceNode()
            out.line = node.start_mark.line + 1
            out.item_lines, out.texts = [], []
            for k, child in enumerate(node.value):
                out.append(self.build(child, f"{keypath}[{k}]", depth + 1))
                out.item_lines.append(child.start_mark.line + 1)
                out.texts.append(child.value if isinstance(child, yaml.ScalarNode) else "")
            return out
        return self.scalar(node, keypath)

    def scalar(self, node: yaml.Node, keypath: str) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # a timestamp that is no date, e.g. 2024-02-30
            raise self.fail(f"{node.value!r} looks like a date but is not one",
                            "write an existing date as YYYY-MM-DD, or put the text in quotes",
                            node, keypath or None) from None

    def mapping(self, node: yaml.MappingNode, keypath: str, depth: int) -> MappingNode:
        self.loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
        out = MappingNode()
        out.line = node.start_mark.line + 1
        out.key_lines, out.texts = {}, {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("a key is a list or a mapping", "write keys as plain words",
                                key_node, keypath or None)
            key = self.scalar(key_node, keypath)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = key_node.value  # 1.5, true, a date: keep the key as written
            path = f"{keypath}.{key}" if keypath else str(key)
            line = key_node.start_mark.line + 1
            if key in out:
                both_blocks = isinstance(value_node, yaml.MappingNode) and isinstance(
                    out[key], MappingNode)
                raise InputError(
                    f"key {key!r} appears twice (first on line {out.key_lines[key]})",
                    "keep one, or merge the two blocks into one" if both_blocks else "keep one of them",
                    file=self.path, row=line, column=path)
            out[key] = self.build(value_node, path, depth + 1)
            out.key_lines[key] = line
            out.texts[key] = value_node.value if isinstance(value_node, yaml.ScalarNode) else ""
        return out


PRESCAN_BYTES = 256 * 2**10
"""Files larger than this are scanned for over-long lists before they are composed."""

TooLong = Callable[[int, int], InputError]
"""Makes the error for a top-level list that is too long: ``(items, line of its key)``."""


def _top_list_lengths(text: str, limits: Mapping[str, tuple[int, TooLong]]) -> None:
    """Raise the error of the first top-level list in ``limits`` that has too many items.

    Reads the parser's events only (several times faster than composing the
    document, which resolves every node), so that a file of 30,000 indicators
    is refused in a second or so, not after twenty.
    """
    opens = {yaml.MappingStartEvent, yaml.SequenceStartEvent}
    closes = {yaml.MappingEndEvent, yaml.SequenceEndEvent}
    depth = 0  # of open containers; the top-level mapping is depth 1
    children = 0  # nodes met so far directly in the top-level mapping: keys and values
    wanted = ""
    loader = _FAST_LOADER(text)
    get = loader.get_event
    try:
        while loader.check_event():
            event = get()
            kind = type(event)
            if kind in closes:
                depth -= 1
                continue
            if depth == 1 and kind is not yaml.MappingEndEvent:
                if children % 2 == 0:  # a key
                    wanted = event.value if kind is yaml.ScalarEvent and event.value in limits \
                        else ""
                    line = event.start_mark.line + 1
                elif wanted and kind is yaml.SequenceStartEvent:
                    limit, too_long = limits[wanted]
                    count = _count_items(loader)
                    if count > limit:
                        raise too_long(count, line)
                    children += 1
                    continue
                children += 1
            if kind in opens:
                depth += 1
    except yaml.YAMLError:
        return  # composing reports it, with the documented message
    finally:
        loader.dispose()


def _count_items(loader: Any) -> int:
    """The items of the list whose start event was just read; reads up to its end."""
    opens = {yaml.MappingStartEvent, yaml.SequenceStartEvent}
    closes = {yaml.MappingEndEvent, yaml.SequenceEndEvent}
    get = loader.get_event
    depth = count = 0
    while True:
        event = get()
        if event is None:  # the stream ended (the parser raises first on a broken file)
            return count
        kind = type(event)
        if kind in closes:
            if depth == 0:
                return count
            depth -= 1
            continue
        if depth == 0:
            count += 1
        if kind in opens:
            depth += 1


def load_yaml(path: str | Path, *, what: str = "file",
              list_limits: Mapping[str, tuple[int, TooLong]] | None = None) -> Any:
    """Read one YAML document (``None`` for an empty file); every failure is an InputError.

    ``what`` names the kind of file in messages (``criteria file``, ``judgment file``…).
    ``list_limits`` maps a top-level key to the most items its list may have and the
    error beyond that; a large file is checked before it is composed (the caller
    checks the lengths again on what it is given).
    """
    path = Path(path)
    check_input_file(path, what, MAX_BYTES)
    try:
        with open(path, "rb") as handle:  # opened once: a file swapped after the check is read
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", "check the path", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", "save it as UTF-8", file=path) from None
    if list_limits and len(raw) > PRESCAN_BYTES:
        _top_list_lengths(text, list_limits)
    # libyaml composes the document ten times faster; a file it cannot read is read again
    # by PyYAML's own parser, whose messages (and line numbers) are the ones documented.
    loader: yaml.SafeLoader = _FAST_LOADER(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError:
            loader.dispose()
            loader = yaml.SafeLoader(text)
            root = loader.get_single_node()
        return None if root is None else _Builder(loader, path).build(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        if exc.problem and exc.context and exc.context_mark:
            problem += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise InputError(f"not valid YAML: {problem}",
                         "check indentation, colons and brackets on this line",
                         file=path, row=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", "save the file as plain UTF-8 text",
                         file=path) from None
    except RecursionError:
        raise InputError(f"the file is nested more than {MAX_DEPTH} levels deep",
                         "flatten the structure", file=path) from None
    finally:
        loader.dispose()


def line_of(container: Any, key: Any) -> int | None:
    """Line on which ``key`` (a mapping key or list index) of ``container`` starts."""
    if isinstance(container, MappingNode):
        return container.key_lines.get(key, container.line)
    if isinstance(container, SequenceNode) and isinstance(key, int):
        if 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return getattr(container, "line", None)


def text_of(container: Any, key: Any) -> str:
    """The literal text of a scalar entry as written in the file (``1/3``, ``0.50``)."""
    texts = getattr(container, "texts", None)
    try:
        if texts is not None and texts[key]:
            return str(texts[key])
    except (KeyError, IndexError, TypeError):
        pass
    try:
        return _text(container[key])
    except (KeyError, IndexError, TypeError):
        return ""


def check_keys(node: Mapping[Any, Any], allowed: Sequence[str], key: str,
               path: Path | None) -> None:
    """Refuse a key not in ``allowed``, suggesting the nearest known one."""
    import difflib

    for name in node:
        if name not in allowed:
            full = f"{key}.{name}" if key else str(name)
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(f"unknown key {name!r}", f"{hint}use one of: {', '.join(allowed)}",
                             file=path, row=line_of(node, name), column=full)


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


def record_lines(node: Any, prefix: str, out: dict[str, int]) -> None:
    """Fill ``out`` with the line of every key path below ``node`` (``a.b[2].c``)."""
    if isinstance(node, MappingNode):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out[path] = line_of(node, key) or 0
            record_lines(value, path, out)
    elif isinstance(node, SequenceNode):
        for i, value in enumerate(node):
            path = f"{prefix}[{i}]"
            out[path] = line_of(node, i) or 0
            record_lines(value, path, out)
