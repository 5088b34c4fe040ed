"""``python -m evalkit`` runs the command-line interface."""

from evalkit.cli import main

main()
