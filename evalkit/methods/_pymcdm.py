"""pymcdm, imported without the subpackages evalkit does not use.

pymcdm 1.4's ``__init__`` imports ``pymcdm.visuals`` (which imports
``matplotlib.pyplot``) and ``pymcdm.weights`` (which imports ``scipy.linalg``):
together most of ``evalkit``'s start-up time, for plots it never draws and
weights it computes itself.  While pymcdm is first imported, empty modules
stand in for those two; they are taken out again straight after, so that
``import pymcdm.visuals`` or ``from pymcdm import weights`` later still loads
the real ones.  Nothing else in pymcdm refers to them when it is imported.
"""

from __future__ import annotations

import sys
import types

SKIPPED = ("pymcdm.visuals", "pymcdm.weights")


def _import_without_extras() -> None:
    if "pymcdm" in sys.modules or any(name in sys.modules for name in SKIPPED):
        return
    placeholders = {name: types.ModuleType(name) for name in SKIPPED}
    sys.modules.update(placeholders)
    try:
        import pymcdm
    finally:
        for name, placeholder in placeholders.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
    for name, placeholder in placeholders.items():
        attribute = name.rpartition(".")[2]
        if getattr(pymcdm, attribute, None) is placeholder:
            delattr(pymcdm, attribute)


_import_without_extras()

from pymcdm import correlations, methods, normalizations  # noqa: E402

__all__ = ["correlations", "methods", "normalizations"]
