"""Paths and defaults, in one place, resolved from the package's own location."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROGRESS_DIR = DATA_DIR / "progress"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
NBTEMPLATES_DIR = Path(__file__).resolve().parent / "nbtemplates"

#: The bundled source document: the official task decomposition, as received.
DEFAULT_PLAN_PATH = RAW_DIR / "000_898b1f1251978864.txt"

#: Environment variable that overrides the progress store location.
STORE_ENV_VAR = "TASKANALYTICS_STORE"


def default_store_path() -> Path:
    """Return the progress store path: ``$TASKANALYTICS_STORE`` or ``data/progress/progress.sqlite``."""
    env = os.environ.get(STORE_ENV_VAR)
    return Path(env) if env else PROGRESS_DIR / "progress.sqlite"
