"""``python -m taskanalytics`` runs the command line."""

from taskanalytics.cli import main

main()
