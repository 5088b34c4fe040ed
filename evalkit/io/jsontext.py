"""Indented JSON, byte for byte as :func:`json.dumps` writes it, but fast.

``json.dumps(data, ensure_ascii=False, indent=2)`` uses the pure-Python
encoder whenever ``indent`` is set, one generator step per value; on a
40,000-town ranking that takes seconds.  :func:`dumps_indented` works a
column at a time instead:

- scalars (text, numbers, booleans, null) go to the C encoder, many in one
  call, with ``\\x1f`` between them (the encoder escapes every control
  character inside strings, so ``\\x1f`` only ever appears between values);
- dicts with the same keys — every town's record — are taken key by key:
  each key's values are rendered together, then each dict is one ``%``
  formatting of a template holding the brackets, indentation and keys;
  when there are more keys than such dicts (a score for every town), all
  their values are rendered together instead;
- lists are flattened, their items rendered together and regrouped.

Anything unusual (a key that is not a string, an unserialisable value, a
cycle, very deep nesting, a Python without the C encoder) goes to
:func:`json.dumps` itself, so errors are exactly its errors too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import chain, repeat
from json import encoder as _encoder
from operator import itemgetter
from typing import Any

_INDENT = "  "
_SPLIT = "\x1f"
_SCALARS = {str, int, float, bool, type(None)}
_make_encoder: Callable[..., Any] | None = getattr(_encoder, "c_make_encoder", None)


class _Unusual(Exception):
    """Raised when only :func:`json.dumps` will do."""


def dumps_indented(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, faster."""
    if _make_encoder is not None:
        try:
            return _texts([data], 0)[0]
        except (_Unusual, RecursionError, TypeError, ValueError):
            pass
    return json.dumps(data, ensure_ascii=False, indent=2)


def _texts(values: list[Any], level: int) -> list[str]:
    """The JSON text of each of ``values``, each starting at indentation ``level``."""
    if not values:
        return []
    kinds = set(map(type, values))  # one pass; the common cases are decided by it
    if kinds <= _SCALARS:
        return _scalars(values)
    if kinds == {dict}:
        return _dicts(values, level)
    dicts = list(map(isinstance, values, repeat(dict)))
    if all(dicts):
        return _dicts(values, level)
    lists = list(map(isinstance, values, repeat((list, tuple))))
    if all(lists):
        return _lists(values, level)
    if not any(dicts) and not any(lists):
        return _scalars(values)
    out: list[str] = [""] * len(values)
    scalars = [not (d or lst) for d, lst in zip(dicts, lists, strict=True)]
    renderers: tuple[tuple[list[bool], Callable[[list[Any], int], list[str]]], ...] = (
        (dicts, _dicts), (lists, _lists), (scalars, _scalars))
    for mask, render in renderers:
        where = [i for i, chosen in enumerate(mask) if chosen]
        if not where:
            continue
        for i, text in zip(where, render([values[i] for i in where], level), strict=True):
            out[i] = text
    return out


def _scalars(values: list[Any], level: int = 0) -> list[str]:
    """Scalars' text does not depend on ``level``; it is there to match the other renderers."""
    # (markers, default, encoder, indent, key_separator, item_separator, sort_keys,
    #  skipkeys, allow_nan): json.dumps's settings, with our item separator.
    assert _make_encoder is not None
    flat = _make_encoder(None, json.JSONEncoder().default, _encoder.encode_basestring,
                         None, ": ", _SPLIT, False, False, True)
    return "".join(flat(values, 0))[1:-1].split(_SPLIT)


def _dicts(dicts: list[dict[Any, Any]], level: int) -> list[str]:
    shapes = list(map(tuple, dicts))
    first = shapes[0]
    if shapes.count(first) != len(shapes):  # different keys: one group per set of keys
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, shape in enumerate(shapes):
            groups.setdefault(shape, []).append(i)
        out: list[str] = [""] * len(dicts)
        for indices in groups.values():
            for i, text in zip(indices, _dicts([dicts[i] for i in indices], level), strict=True):
                out[i] = text
        return out
    if not first:
        return ["{}"] * len(dicts)
    inner = "\n" + _INDENT * (level + 1)
    template = ("{" + inner + ("," + inner).join(_key(k).replace("%", "%%") + "%s" for k in first)
                + "\n" + _INDENT * level + "}")
    if len(first) > len(dicts):
        # Few wide dicts (a score per town id): all their values at once, not key by key.
        flat = _texts([d[k] for d in dicts for k in first], level + 1)
        return [template % tuple(flat[i:i + len(first)]) for i in range(0, len(flat), len(first))]
    columns = [_texts(list(map(itemgetter(k), dicts)), level + 1) for k in first]
    return [template % row for row in zip(*columns, strict=True)]


def _lists(lists: list[list[Any] | tuple[Any, ...]], level: int) -> list[str]:
    items = _texts(list(chain.from_iterable(lists)), level + 1)
    inner = "\n" + _INDENT * (level + 1)
    separator, close = "," + inner, "\n" + _INDENT * level + "]"
    sizes = set(map(len, lists))
    if len(sizes) == 1 and 0 not in sizes:  # all the same length (every town's top 3 obstacles)
        size = sizes.pop()
        template = "[" + inner + separator.join(["%s"] * size) + close
        return [template % group for group in zip(*[iter(items)] * size, strict=True)]
    out = []
    start = 0
    for size in map(len, lists):
        out.append("[" + inner + separator.join(items[start:start + size]) + close if size else "[]")
        start += size
    return out


def _key(key: Any) -> str:
    """A dict key as json.dumps writes it, with the ``": "`` after it."""
    if not isinstance(key, str):
        raise _Unusual
    return _encoder.encode_basestring(key) + ": "


# Compact JSON -------------------------------------------------------------------------------


def dumps_compact(data: Any) -> bytes:
    """JSON in one line without spaces, as UTF-8 (non-ASCII text as it is).

    Written by orjson (compiled; about ten times the speed of the indented
    text at 40,000 towns).  It parses to the same object as
    ``json.dumps(data)``: every float is written in its shortest round-trip
    form, as Python writes it, though not always in the same notation
    (``0.00001`` for Python's ``1e-05``).  numpy numbers are written as numbers;
    NaN and infinity, which are not JSON, as ``null`` (``json.dumps`` writes
    ``NaN``).  :func:`fragment` embeds text already rendered.  Data orjson
    cannot write (a key that is not text, an integer beyond 64 bits) goes to
    :func:`json.dumps`, so errors are its errors.
    """
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fragment(text: bytes) -> Any:
    """Compact JSON text already rendered, to be embedded as it is by :func:`dumps_compact`."""
    import orjson

    return orjson.Fragment(text)


def json_numbers(values: list[Any]) -> list[bytes]:
    """Each of ``values`` (numbers, booleans, ``None``; numpy numbers too) as compact JSON
    text, from one orjson call split at its commas (no number holds one)."""
    import orjson

    if not values:
        return []
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")


def json_strings(values: list[str]) -> list[bytes]:
    """Each text of ``values`` as the inside of a JSON string literal (escaped, without
    the quotes), UTF-8.

    One orjson call on the texts joined by U+001F, split where it wrote that
    character's escape ``\\u001f``: exact when no text holds U+001F or a
    backslash (ids and names never do: :mod:`evalkit.io.candidates` refuses
    control characters), which is checked; otherwise one call per text.  (One
    orjson call per text would allocate a few KiB each: 120 MB for 40,000.)
    """
    import orjson

    joined = "\x1f".join(values)
    if values and "\\" not in joined and joined.count("\x1f") == len(values) - 1:
        return orjson.dumps(joined)[1:-1].split(b"\\u001f")
    return [json.dumps(v, ensure_ascii=False)[1:-1].encode("utf-8") for v in values]
