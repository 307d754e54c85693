"""The pipeline's layers: the import-linter contracts hold, and a wrong import breaks them.

The contracts are in ``pyproject.toml`` (``[tool.importlinter]``); ``make lint`` runs them too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import taskanalytics

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "contract"),
    [
        # the plan (stage 1) reaching up into the briefings (stage 4)
        ("plan/vocab.py", "from taskanalytics.briefing import blocks", "The pipeline runs one way"),
        # the assessment reaching into the Excel template writer
        ("assess/vocab.py", "import taskanalytics.progress.templates", "Excel layer"),
        # the store drawing charts
        ("progress/store.py", "import altair", "no charts, notebooks or widgets"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path, module, wrong_import, contract):
    """A copy of the package with one deliberate wrong import fails the linter, naming it."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "taskanalytics",
        src / "taskanalytics",
        ignore=shutil.ignore_patterns("__pycache__", "nbtemplates"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = src / "taskanalytics" / module
    target.write_text(target.read_text() + f"\n{wrong_import}  # deliberately wrong\n")

    result = _lint(tmp_path, pythonpath=src)

    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "BROKEN" in out and contract in out
    dotted = "taskanalytics." + module.removesuffix(".py").replace("/", ".")
    assert dotted in out  # the report names the module that imports wrongly


def test_import_taskanalytics_loads_no_excel_charts_or_notebooks():
    code = (
        "import json, sys, taskanalytics;"
        "heavy = ('openpyxl', 'altair', 'papermill', 'nbconvert', 'ipywidgets', 'docx');"
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []


def test_public_api_has_the_data_contract_readers():
    for name in ("read_plan", "audit", "load_progress", "load_progress_history", "assess"):
        assert name in taskanalytics.__all__ and callable(getattr(taskanalytics, name))
    assert issubclass(taskanalytics.AssessmentError, taskanalytics.TaskAnalyticsError)


def test_every_error_class_lives_in_errors_py():
    """Library code defines no exception classes outside ``taskanalytics/errors.py``."""
    import ast

    offenders = []
    for path in (ROOT / "taskanalytics").rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []
