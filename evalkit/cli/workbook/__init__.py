"""Formatted workbooks to hand on (``--format xlsx``), built from the library's result objects.

One builder per command: :func:`ranking_workbook` (``evalkit rank``),
:func:`weights_workbook` (``evalkit weights``), :func:`selection_workbook`
(``evalkit select``) and :func:`robustness_workbook` (``evalkit robust``).  Each
starts with a cover sheet (封面: the command, the input files with their SHA-256,
the evalkit version, the methods) and has Chinese headers with units, number
formats, frozen header rows and fitted column widths; the same inputs give the
same bytes (:func:`evalkit.io.output.workbook_bytes`).
"""

from evalkit.cli.workbook.cover import command_line
from evalkit.cli.workbook.ranking import ranking_workbook
from evalkit.cli.workbook.robustness import robustness_workbook
from evalkit.cli.workbook.selection import selection_workbook
from evalkit.cli.workbook.weights import weights_workbook

__all__ = ["command_line", "ranking_workbook", "robustness_workbook", "selection_workbook",
           "weights_workbook"]
