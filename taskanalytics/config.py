"""Paths and defaults, in one place, resolved from the package's own location."""

from __future__ import annotations

import os
from dataclasses import dataclass
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
    """Return the progress store path: ``$TASKANALYTICS_STORE`` or ``data/progress/progress.sqlite``.

    The value as configured (an environment value may be relative); :func:`resolve` is what
    the edges call.
    """
    env = os.environ.get(STORE_ENV_VAR)
    return Path(env) if env else PROGRESS_DIR / "progress.sqlite"


@dataclass(frozen=True)
class Resolved:
    """The plan document and the progress store a run uses, as absolute paths.

    Attributes
    ----------
    plan_path
        The work-plan document.
    store
        The progress store's SQLite file (it need not exist yet).
    """

    plan_path: Path
    store: Path


def resolve(
    plan_path: str | os.PathLike[str] | None = None,
    store: str | os.PathLike[str] | None = None,
) -> Resolved:
    """Resolve the plan and store paths once, at the edge (the CLI, a notebook, a quarterly run).

    A relative path is taken against the current working directory *here*, so what is passed
    on (to a notebook kernel that runs in ``notebooks/``, say) names the same file.

    Parameters
    ----------
    plan_path
        The work-plan document; default :data:`DEFAULT_PLAN_PATH` (the bundled one).
    store
        The progress store; default ``$TASKANALYTICS_STORE``, else
        ``data/progress/progress.sqlite`` under the project root.

    Returns
    -------
    Resolved
        Absolute ``plan_path`` and ``store`` (``~`` expanded, symlinks resolved).

    Examples
    --------
    >>> paths = resolve()
    >>> paths.plan_path == DEFAULT_PLAN_PATH.resolve() and paths.store.is_absolute()
    True
    """
    plan = Path(plan_path) if plan_path is not None else DEFAULT_PLAN_PATH
    db = Path(store) if store is not None else default_store_path()
    return Resolved(plan_path=plan.expanduser().resolve(), store=db.expanduser().resolve())
