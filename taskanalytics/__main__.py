"""``python -m taskanalytics`` runs the command line."""

from .cli import main

main()
