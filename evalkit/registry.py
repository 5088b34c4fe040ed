"""Registries: the names a user may choose, each bound to where it is implemented.

A registry maps a name (``entropy``, ``vector``, ``cbc``) to the place that
implements it, written ``"module:attribute"``.  The module is imported the
first time the entry is used, so a file parser can check a name, and the CLI
can offer the choices, without importing the implementations (or the solver,
the PDF engine and the plotting library behind them).  Each stage keeps its
own registries; adding a method is one entry there.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Named choices of one ``kind`` (e.g. "weighting method"), in the order given.

    ``name in registry``, ``list(registry)`` and :meth:`hint` import nothing;
    ``registry[name]`` imports the implementing module once and returns the
    attribute.
    """

    def __init__(self, kind: str, entries: Mapping[str, str]) -> None:
        for name, target in entries.items():
            module, _, attribute = target.partition(":")
            if not module or not attribute:
                raise ValueError(f"{kind} {name!r}: write the target as 'module:attribute'")
        self.kind = kind
        self._targets = dict(entries)
        self._loaded: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self._loaded:
            target = self._targets[name]  # KeyError for an unknown name, as a Mapping does
            module, _, attribute = target.partition(":")
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)

    def target(self, name: str) -> str:
        """Where ``name`` is implemented, as ``module:attribute``."""
        return self._targets[name]

    def hint(self) -> str:
        """``use one of a, b, c`` for an error message."""
        return f"use one of {', '.join(self._targets)}"

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {list(self._targets)})"
