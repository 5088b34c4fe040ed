"""Checks every input file passes before it is opened."""

from __future__ import annotations

import stat
from pathlib import Path

from evalkit.errors import InputError


def check_input_file(path: Path, what: str, max_bytes: int) -> None:
    """Refuse what is not a regular file of at most ``max_bytes``, before opening it.

    A folder, a pipe, a device or a symbolic link that points to itself is one
    error line; nothing is opened, so a pipe cannot make evalkit wait forever.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{what} not found", "check the path", file=path) from None
    except RuntimeError:  # a symlink loop (Python < 3.13)
        raise InputError(f"{what} is a symbolic link that points to itself", "check the path",
                         file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", "check the path",
                         file=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{what} is a folder", "give the path of a file", file=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{what} is not a regular file (a pipe or a device)",
                         "give the path of a file", file=path)
    if info.st_size > max_bytes:
        raise InputError(f"{what} is {info.st_size / 2**20:.1f} MiB, more than "
                         f"{max_bytes // 2**20} MiB", "split it or trim it", file=path)
