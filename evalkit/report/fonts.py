"""Finding a Chinese (CJK) font through fontconfig.

Reports are set in a CJK font that fontconfig knows, so WeasyPrint (through
Pango) and matplotlib (through the font files) use the same one.  If there is
none, rendering stops with an :class:`~evalkit.errors.InputError` that says how
to install one: a PDF of empty boxes must never be written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from evalkit.errors import InputError

INSTALL_HINT = "install one, e.g. on Debian/Ubuntu: apt-get install fonts-noto-cjk"

SANS_PREFERENCE = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback",
)
"""Sans-serif (黑体) families in order of preference; simplified-Chinese forms first."""

SERIF_PREFERENCE = (
    "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "Noto Serif SC",
    "AR PL UMing CN", "AR PL SungtiL GB",
)
"""Serif (宋体) families for body text; the sans family is used when none is found."""

_SAFE_FAMILY = re.compile(r"^[A-Za-z0-9 ._-]{1,80}$")
_FORMAT = "%{family[0]}|%{style[0]}|%{file}|%{index}\n"


@dataclass(frozen=True)
class FontFile:
    """One face of a font file (``index`` selects the face of a .ttc collection)."""

    family: str
    style: str
    path: str
    index: int


@dataclass(frozen=True)
class CjkFonts:
    """The CJK families a report is set in, and their files (for matplotlib)."""

    sans: str
    serif: str
    files: tuple[FontFile, ...]

    def css(self, family: str) -> str:
        """A CSS font-family list; names are checked to be plain, so quoting is safe."""
        return f'"{family}", sans-serif'


def _fc_list() -> str:
    """Every font fontconfig lists as covering Chinese, one ``family|style|file|index`` per line."""
    program = shutil.which("fc-list")
    if program is None:
        raise InputError("fontconfig (fc-list) is not installed, so no Chinese font can be found",
                         "apt-get install fontconfig fonts-noto-cjk")
    try:
        done = subprocess.run([program, "-f", _FORMAT, ":lang=zh"], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"fc-list failed ({exc})", INSTALL_HINT) from None
    return done.stdout


def parse_fc_list(text: str) -> tuple[FontFile, ...]:
    """Parse :func:`_fc_list` output; lines that do not fit are skipped."""
    files = []
    for line in text.splitlines():
        parts = line.split("|")
        if len(parts) != 4 or not parts[2]:
            continue
        family, style, path, index = parts
        if not _SAFE_FAMILY.match(family.strip()):
            continue  # a name CSS could not quote safely is not worth the risk
        files.append(FontFile(family.strip(), style.strip(), path,
                              int(index) if index.strip().isdigit() else 0))
    return tuple(sorted(files, key=lambda f: (f.family, f.style, f.path, f.index)))


def choose(files: tuple[FontFile, ...]) -> CjkFonts:
    """Pick the sans and serif families from the fonts that cover Chinese."""
    families = {f.family for f in files}
    sans = next((name for name in SANS_PREFERENCE if name in families), None)
    if sans is None:
        # Any Chinese family will do, but not a monospaced one for running text.
        others = sorted(name for name in families if "mono" not in name.lower())
        sans = others[0] if others else (sorted(families)[0] if families else None)
    if sans is None:
        raise InputError("no Chinese (CJK) font is installed, so the report would show empty boxes",
                         INSTALL_HINT)
    serif = next((name for name in SERIF_PREFERENCE if name in families), sans)
    chosen = tuple(f for f in files if f.family in (sans, serif))
    return CjkFonts(sans, serif, chosen)


@lru_cache(maxsize=1)
def find_cjk_fonts() -> CjkFonts:
    """The CJK fonts to set reports in (cached for the process).

    Raises :class:`~evalkit.errors.InputError` with an install hint when
    fontconfig lists no font covering Chinese.
    """
    return choose(parse_fc_list(_fc_list()))
