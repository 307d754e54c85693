"""Writing a plan's tidy tables to files, for people who work outside Python.

``csv``: one UTF-8 file with BOM per table (opens in Excel), lists joined with 、, dates as
``2023-12-31``. ``xlsx``: one workbook ``plan.xlsx`` with a sheet per table, the same joined
lists and real Excel dates. ``parquet``: one file per table with list columns kept as lists and
datetime columns typed; it needs the optional ``pyarrow`` (``pip install taskanalytics[parquet]``).
Every file is written to a temporary file in the target directory and moved into place, so a
reader never sees half a file.

Plan text is written by people the reader of these files does not control, so every cell goes
through :mod:`taskanalytics.schema.cells`: in a csv a text that a spreadsheet could take for a
formula (``=…``, ``+…``, ``-…``, ``@…``) gets a leading ``'``; in an xlsx it is a text cell with
Excel's quote prefix, its text unchanged; control characters an xlsx cannot hold become U+FFFD.
Numbers stay numbers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from taskanalytics.errors import ExportError
from taskanalytics.plan.build import Plan
from taskanalytics.schema.cells import neutralise_frame, neutralise_sheet, strip_illegal_frame

#: The tables written, in order; each is an attribute of :class:`~taskanalytics.plan.Plan`.
TABLES = ("tasks", "milestones", "targets", "owners")
#: Formats and their file suffixes.
FORMATS = {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}
#: Separator of list items in csv and xlsx cells.
LIST_SEPARATOR = "、"


def write_tables(plan: Plan, out_dir: str | Path, *, fmt: str = "csv") -> list[Path]:
    """Write the plan's tasks, milestones, targets and owners to ``out_dir``.

    Parameters
    ----------
    plan
        A plan from :func:`taskanalytics.read_plan`; not modified.
    out_dir
        Directory for the files; created if missing. Existing files of the same names are
        replaced atomically.
    fmt
        ``csv`` (``tasks.csv`` …, UTF-8 with BOM), ``xlsx`` (one ``plan.xlsx`` with a sheet per
        table) or ``parquet`` (``tasks.parquet`` …; needs ``pyarrow``).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`TABLES`.

    Raises
    ------
    ExportError
        An unknown format, ``pyarrow`` missing for parquet, or a directory that cannot be
        written.

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> paths = write_tables(read_plan(DEFAULT_PLAN_PATH), "/tmp/plan_csv")  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['tasks.csv', 'milestones.csv', 'targets.csv', 'owners.csv']
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise ExportError(
                "format 'parquet' needs pyarrow: pip install 'taskanalytics[parquet]' "
                "(or use --format csv / xlsx)"
            ) from exc
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the output directory ({exc})") from exc
    frames = {name: getattr(plan, name) for name in TABLES}
    if fmt == "xlsx":
        flat = {name: _for_excel(frame) for name, frame in frames.items()}
        return [_atomic(out / "plan.xlsx", lambda tmp: _write_workbook(flat, tmp))]
    paths = []
    for name, frame in frames.items():
        target = out / f"{name}{FORMATS[fmt]}"
        if fmt == "csv":
            flat = _joined(frame)
            paths.append(_atomic(target, lambda tmp, f=flat: _to_csv(f, tmp)))
        else:
            table = _dicts_as_text(frame)  # parquet has no type for an empty dict
            paths.append(_atomic(target, lambda tmp, f=table: f.to_parquet(tmp, index=False)))
    return paths


def _joined(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with list cells joined by 、 (the input is not modified)."""
    out = _dicts_as_text(frame)
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list)).any():
            out[col] = out[col].map(
                lambda v: LIST_SEPARATOR.join(map(str, v)) if isinstance(v, list) else v
            )
    return out


def _dicts_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with dict cells (``tasks.extra``) as ``header：text；…`` (the input is not
    modified); an empty dict is an empty string."""
    out = frame.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, dict)).any():
            out[col] = out[col].map(
                lambda v: "；".join(f"{k}：{x}" for k, x in v.items()) if isinstance(v, dict) else v
            )
    return out


def _for_excel(frame: pd.DataFrame) -> pd.DataFrame:
    """Joined lists, and datetimes as dates so Excel shows 2023-12-31 without a time."""
    out = _joined(frame)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out


def _write_workbook(frames: dict[str, pd.DataFrame], path: str) -> None:
    """One sheet per frame; formula-like texts are quote-prefixed text cells, never formulas."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            strip_illegal_frame(frame).to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            neutralise_sheet(sheet)
            sheet.freeze_panes = "A2"  # the header stays in view while scrolling
            for cell in sheet[1]:
                width = max(10, len(str(cell.value)) + 4)
                sheet.column_dimensions[cell.column_letter].width = width


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write one frame as a UTF-8 (BOM) CSV that Excel opens, atomically.

    A text cell (or header) that a spreadsheet could take for a formula is written with a
    leading ``'`` (:func:`~taskanalytics.schema.cells.neutralise_frame`); ``frame`` itself is
    not modified.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{target.parent}: cannot create the output directory ({exc})") from exc
    return _atomic(target, lambda tmp: _to_csv(frame, tmp))


def _to_csv(frame: pd.DataFrame, path: str) -> None:
    """The one way this package writes a csv: UTF-8 with BOM, formula-like texts quoted."""
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def _atomic(target: Path, write: Callable[[str], None]) -> Path:
    """Write through a temporary file in the same directory, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write ({exc})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
