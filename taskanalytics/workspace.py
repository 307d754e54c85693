"""The workspace: one settings file, ``taskanalytics.toml``, that names what a year's work uses.

An office monitors several plan documents at once (the 工作报告 decomposition and a separate
十件民生实事 document, say) with one progress store. The settings file at the project root names
the plans in use, the store, the output folder, and the reporting deadline and recipient printed
on every template's 说明 sheet. Every CLI command reads it; command-line flags override it.

The file
--------
Relative paths are relative to the folder that holds the settings file; ``~`` is expanded::

    # taskanalytics.toml
    store = "data/progress/progress.sqlite"
    output = "reports"

    [templates]
    deadline = "每季度最后一个月25日前"      # printed on every template's 说明 sheet
    recipient = "区政府督查室（duchashi@example.gov.cn）"

    [[plans]]
    name = "2023-工作报告"
    path = "data/raw/000_898b1f1251978864.txt"

    [[plans]]
    name = "2023-民生实事"
    path = "data/raw/2023-民生实事.txt"

    [[plans]]                      # a plan revised mid-year (调整): its versions, oldest first
    name = "2024-工作报告"
    versions = [
      { path = "data/raw/2024-工作报告.txt" },
      { path = "data/raw/2024-工作报告-调整.docx", from = "2024-07-01" },
    ]

Every key is optional. Without ``[[plans]]`` the one plan is the bundled
:data:`~taskanalytics.config.DEFAULT_PLAN_PATH`; without ``output`` it is
:data:`~taskanalytics.config.REPORTS_DIR`. A plan gives either ``path`` or ``versions``, not
both. Its ``name`` is required, unique, and becomes a folder name (``reports/<plan>/<quarter>/``),
so it must not be empty, contain ``/`` or ``\\`` (nor ``<>:"|?*``, which Windows refuses), start
with ``.``, or start or end with a space. In ``versions`` the first entry has no ``from`` (it is
in force from the start of the plan year); every later one has a ``from`` date
(``"2024-07-01"`` or a bare TOML date ``2024-07-01``), each later than the one before.

Errors name the file and the key; ``plans[2]`` is the second ``[[plans]]`` table (counted from 1,
as a reader counts them), e.g. ``…/taskanalytics.toml: plans[2].path: file not found: /abs/path``.

Which file, and precedence
--------------------------
The settings file is the one passed to :func:`load_workspace`, else ``$TASKANALYTICS_WORKSPACE``,
else the first ``taskanalytics.toml`` in the working directory or one of its parents, else none
(the default workspace: today's behaviour). For the store the precedence is

    flag (``--store``) > ``store`` in the file > ``$TASKANALYTICS_STORE`` > ``data/progress/progress.sqlite``

and for the output folder flag > file > :data:`~taskanalytics.config.REPORTS_DIR`. Flags are
applied by the caller, with :meth:`Workspace.with_overrides`.

Examples
--------
>>> ws = load_workspace()                        # doctest: +SKIP
>>> ws.plan("2023-民生实事").path                  # doctest: +SKIP
PosixPath('/srv/plans/data/raw/2023-民生实事.txt')
>>> ws.with_overrides(store="other.sqlite").store  # doctest: +SKIP
PosixPath('/home/me/other.sqlite')
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

from taskanalytics import config
from taskanalytics.errors import WorkspaceError

__all__ = [
    "WORKSPACE_ENV_VAR",
    "WORKSPACE_FILE",
    "PlanEntry",
    "PlanVersionEntry",
    "Workspace",
    "default_workspace",
    "find_workspace",
    "load_workspace",
]

#: The settings file's name, looked for in the working directory and its parents.
WORKSPACE_FILE: Final = "taskanalytics.toml"

#: Environment variable naming the settings file explicitly (it must exist).
WORKSPACE_ENV_VAR: Final = "TASKANALYTICS_WORKSPACE"

_TOP_KEYS: Final = ("output", "plans", "store", "templates")
_TEMPLATE_KEYS: Final = ("deadline", "recipient")
_PLAN_KEYS: Final = ("name", "path", "versions", "mapping", "year")
#: A mapping value that skips a column (TOML has no null).
SKIP_COLUMN: Final = "skip"
_VERSION_KEYS: Final = ("from", "path")
_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Names become folder names: refuse path separators and what Windows cannot store.
_BAD_NAME_CHARS: Final = re.compile(r'[/\\<>:"|?*\x00-\x1f]')


@dataclass(frozen=True)
class PlanVersionEntry:
    """One version of a plan document.

    Attributes
    ----------
    path
        The document, an absolute path.
    effective_from
        The first day it is in force; None for the first version (in force from the start of
        the plan year).
    """

    path: Path
    effective_from: dt.date | None = None


@dataclass(frozen=True)
class PlanEntry:
    """A plan in use: its name and its versions, oldest first.

    Attributes
    ----------
    name
        The plan's name (a folder name under the output folder); None only in the default
        workspace, where the caller uses the plan's own default name (``"2023-工作报告"``).
    versions
        At least one; the first has ``effective_from=None``, later ones strictly later dates.

    Raises
    ------
    WorkspaceError
        If ``versions`` breaks those rules.
    """

    name: str | None
    versions: tuple[PlanVersionEntry, ...]
    #: Headers the document prints -> contract columns (None: skip the column), for a table
    #: whose headers the synonym table does not know (``read_plan(..., mapping=)``).
    mapping: tuple[tuple[str, str | None], ...] = ()
    #: The plan year, for a document that does not say (``read_plan(..., year=)``).
    year: int | None = None

    @property
    def read_options(self) -> dict[str, Any]:
        """Keyword arguments of ``read_plan`` for this plan's documents."""
        return {"mapping": dict(self.mapping) or None, "year": self.year}

    def __post_init__(self) -> None:
        label = repr(self.name) if self.name is not None else "the default plan"
        if not self.versions:
            raise WorkspaceError(f"plan {label}: no versions")
        if self.versions[0].effective_from is not None:
            raise WorkspaceError(f"plan {label}: the first version must have no effective date")
        dates = [v.effective_from for v in self.versions[1:]]
        if any(d is None for d in dates):
            raise WorkspaceError(f"plan {label}: every version after the first needs a date")
        if any(a >= b for a, b in pairwise(dates)):  # type: ignore[operator]
            raise WorkspaceError(f"plan {label}: versions are not in date order")

    @property
    def path(self) -> Path:
        """The latest version's document."""
        return self.versions[-1].path

    def version_at(self, day: dt.date) -> PlanVersionEntry:
        """Return the version in force on ``day``.

        Parameters
        ----------
        day
            The day asked about (a quarter's last day, say).

        Returns
        -------
        PlanVersionEntry
            The latest version whose ``effective_from`` is None or on or before ``day``.

        Examples
        --------
        >>> entry = PlanEntry("p", (PlanVersionEntry(Path("/a.txt")),
        ...                         PlanVersionEntry(Path("/b.txt"), dt.date(2024, 7, 1))))
        >>> entry.version_at(dt.date(2024, 6, 30)).path, entry.version_at(dt.date(2024, 7, 1)).path
        (PosixPath('/a.txt'), PosixPath('/b.txt'))
        """
        found = self.versions[0]
        for version in self.versions[1:]:
            if version.effective_from is not None and version.effective_from <= day:
                found = version
        return found


@dataclass(frozen=True)
class Workspace:
    """The settings a run uses: the plans, the store, the output folder, the template texts.

    Attributes
    ----------
    file
        The settings file read, or None for the default workspace.
    root
        The folder relative paths in the file are taken against (the file's folder; the project
        root for the default workspace).
    plans
        The plans in use, in the file's order; at least one.
    store
        The progress store's SQLite file, absolute (it need not exist yet).
    output
        The folder reports are written under, absolute (it need not exist yet).
    deadline
        The reporting deadline printed on templates (``每季度最后一个月25日前``), or None.
    recipient
        Who receives the filled-in templates, printed on templates, or None.
    """

    file: Path | None
    root: Path
    plans: tuple[PlanEntry, ...]
    store: Path
    output: Path
    deadline: str | None = None
    recipient: str | None = None

    def __post_init__(self) -> None:
        if not self.plans:
            raise WorkspaceError("a workspace needs at least one plan")

    def plan_names(self) -> list[str]:
        """Return the plans' names, in the file's order (empty for the default workspace)."""
        return [p.name for p in self.plans if p.name is not None]

    def plan(self, name: str | None = None) -> PlanEntry:
        """Return the plan called ``name``, or the first plan.

        Parameters
        ----------
        name
            A name from :meth:`plan_names`; None for the first plan.

        Returns
        -------
        PlanEntry
            The plan.

        Raises
        ------
        WorkspaceError
            If no plan has that name; the message lists the names there are.
        """
        if name is None:
            return self.plans[0]
        for entry in self.plans:
            if entry.name == name:
                return entry
        where = str(self.file) if self.file is not None else "the default workspace"
        names = self.plan_names()
        if names:
            known = "known: " + ", ".join(names)
        else:
            known = (
                f"it has one unnamed plan ({self.plans[0].path}); "
                f"name plans in {WORKSPACE_FILE} with [[plans]] tables"
            )
        raise WorkspaceError(f"{where}: no plan named {name!r} [计划名称]; {known}")

    def with_overrides(
        self,
        *,
        store: str | os.PathLike[str] | None = None,
        output: str | os.PathLike[str] | None = None,
    ) -> Workspace:
        """Return a copy with command-line flags applied; this workspace is not changed.

        Parameters
        ----------
        store
            The progress store given on the command line; relative to the working directory.
        output
            The output folder given on the command line; relative to the working directory.

        Returns
        -------
        Workspace
            A new workspace; None leaves a setting as it is.
        """
        changes: dict[str, Path] = {}
        if store is not None:
            changes["store"] = Path(store).expanduser().resolve()
        if output is not None:
            changes["output"] = Path(output).expanduser().resolve()
        return replace(self, **changes)


def find_workspace(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Find the settings file: ``$TASKANALYTICS_WORKSPACE``, else ``taskanalytics.toml`` upwards.

    Parameters
    ----------
    start
        The folder to search from, then its parents; default the working directory.

    Returns
    -------
    pathlib.Path or None
        The settings file, absolute; None if there is none.

    Raises
    ------
    WorkspaceError
        If ``$TASKANALYTICS_WORKSPACE`` is set but names no file.
    """
    env = os.environ.get(WORKSPACE_ENV_VAR)
    if env:
        path = Path(env).expanduser().resolve()
        if not path.is_file():
            raise WorkspaceError(f"${WORKSPACE_ENV_VAR}: settings file not found: {path}")
        return path
    here = Path(start).expanduser().resolve() if start is not None else Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None


def load_workspace(path: str | os.PathLike[str] | None = None) -> Workspace:
    """Read the settings file into a :class:`Workspace`, or return the default workspace.

    Parameters
    ----------
    path
        The settings file; default :func:`find_workspace`'s answer. With none found, the default
        workspace: the bundled plan (unnamed), the default store, :data:`config.REPORTS_DIR`.

    Returns
    -------
    Workspace
        All paths absolute. Flags are not applied here: see :meth:`Workspace.with_overrides`.

    Raises
    ------
    WorkspaceError
        If the file is missing, is not UTF-8 TOML, has an unknown key, or a value is wrong; the
        message names the file and the key (``plans[2].path``).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / WORKSPACE_FILE).write_text('output = "out"', encoding="utf-8")
    >>> ws = load_workspace(folder / WORKSPACE_FILE)
    >>> ws.output == (folder / "out").resolve(), ws.plan().path == config.DEFAULT_PLAN_PATH
    (True, True)
    """
    if path is None:
        found = find_workspace()
        if found is None:
            return default_workspace()
        file = found
    else:
        file = Path(path).expanduser().resolve()
    return _read(file)


# -- reading -------------------------------------------------------------------------------------


def _default_store() -> Path:
    # $TASKANALYTICS_STORE (relative to the working directory, as config.resolve takes it)
    return config.default_store_path().expanduser().resolve()


def _default_plans() -> tuple[PlanEntry, ...]:
    return (PlanEntry(None, (PlanVersionEntry(config.DEFAULT_PLAN_PATH.resolve()),)),)


def default_workspace() -> Workspace:
    """The workspace without a settings file: the bundled plan (unnamed), the default store
    (``$TASKANALYTICS_STORE`` or ``data/progress/progress.sqlite``), ``reports/``."""
    return Workspace(
        file=None,
        root=config.PROJECT_ROOT.resolve(),
        plans=_default_plans(),
        store=_default_store(),
        output=config.REPORTS_DIR.resolve(),
    )


class _Reader:
    """Validates one parsed file; every error names the file and the key."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.root = file.parent

    def error(self, key: str, message: str) -> WorkspaceError:
        return WorkspaceError(f"{self.file}: {key}: {message}")

    def check_keys(self, table: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.error(
                    f"{where}.{key}" if where else key,
                    f"unknown key {key!r}{hint}; known: {', '.join(known)}",
                )

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, found {value!r}")
        return value

    def path(self, value: object, key: str) -> Path:
        text = self.string(value, key)
        if not text.strip():
            raise self.error(key, "empty path")
        return (self.root / Path(text).expanduser()).resolve()

    def plan_file(self, value: object, key: str) -> Path:
        path = self.path(value, key)
        if not path.exists():
            raise self.error(key, f"file not found: {path}")
        if not path.is_file():
            raise self.error(key, f"not a file: {path}")
        return path

    def text(self, value: object, key: str) -> str | None:
        return self.string(value, key).strip() or None

    def date(self, value: object, key: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.error(key, f'not a date: {value!r}; expected YYYY-MM-DD, e.g. "2024-07-01"')

    def name(self, value: object, key: str) -> str:
        name = self.string(value, key)
        if not name.strip():
            raise self.error(key, "empty name [计划名称]")
        if name != name.strip():
            raise self.error(key, f"{name!r} starts or ends with a space")
        if name.startswith("."):
            raise self.error(key, f"{name!r} starts with '.' (names become folder names)")
        bad = _BAD_NAME_CHARS.search(name)
        if bad:
            raise self.error(key, f"{name!r} contains {bad.group()!r} (names become folder names)")
        return name

    def table(self, value: object, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, found {value!r}")
        return value

    def plan(self, raw: object, key: str) -> PlanEntry:
        table = self.table(raw, key)
        self.check_keys(table, _PLAN_KEYS, key)
        if "name" not in table:
            raise self.error(f"{key}.name", "missing; every plan needs a name [计划名称]")
        name = self.name(table["name"], f"{key}.name")
        has_path, has_versions = "path" in table, "versions" in table
        if has_path and has_versions:
            raise self.error(key, "give either 'path' or 'versions', not both")
        if not has_path and not has_versions:
            raise self.error(key, "missing 'path' (or 'versions' for a plan revised mid-year)")
        mapping = self.mapping(table.get("mapping", {}), f"{key}.mapping")
        year = table.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise self.error(f"{key}.year", f"expected a year such as 2024, found {year!r}")
        if has_path:
            versions = (PlanVersionEntry(self.plan_file(table["path"], f"{key}.path")),)
        else:
            versions = self.versions(table["versions"], f"{key}.versions")
        return PlanEntry(name, versions, mapping, year)

    def mapping(self, raw: object, key: str) -> tuple[tuple[str, str | None], ...]:
        table = self.table(raw, key)
        out = []
        for header, column in table.items():
            if not isinstance(column, str) or not column.strip():
                raise self.error(
                    f"{key}.{header}",
                    f"expected a column name (task, milestones, deadline, lead_units, …) or "
                    f"'{SKIP_COLUMN}', found {column!r}",
                )
            column = column.strip()
            out.append((str(header), None if column == SKIP_COLUMN else column))
        return tuple(out)

    def versions(self, raw: object, key: str) -> tuple[PlanVersionEntry, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.error(key, f"expected a non-empty array of {{ path = ... }}, found {raw!r}")
        out: list[PlanVersionEntry] = []
        for i, item in enumerate(raw, start=1):
            where = f"{key}[{i}]"
            table = self.table(item, where)
            self.check_keys(table, _VERSION_KEYS, where)
            if "path" not in table:
                raise self.error(f"{where}.path", "missing")
            path = self.plan_file(table["path"], f"{where}.path")
            if i == 1:
                if "from" in table:
                    raise self.error(
                        f"{where}.from",
                        "the first version is in force from the start of the plan year; "
                        "give 'from' only on later versions (调整)",
                    )
                out.append(PlanVersionEntry(path, None))
                continue
            if "from" not in table:
                raise self.error(f"{where}.from", "missing; a later version needs its first day")
            day = self.date(table["from"], f"{where}.from")
            before = out[-1].effective_from
            if before is not None and day <= before:
                raise self.error(
                    f"{where}.from",
                    f"{day} is not after the previous version's {before}; list versions oldest first",
                )
            out.append(PlanVersionEntry(path, day))
        return tuple(out)

    def plans(self, raw: object) -> tuple[PlanEntry, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.error(
                "plans", "expected one or more [[plans]] tables (leave it out for the bundled plan)"
            )
        entries: list[PlanEntry] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw, start=1):
            entry = self.plan(item, f"plans[{i}]")
            # casefold: "Plan" and "plan" are one folder on Windows and macOS
            folded = str(entry.name).casefold()
            if folded in seen:
                raise self.error(
                    f"plans[{i}].name",
                    f"duplicate name {entry.name!r} (also plans[{seen[folded]}].name)",
                )
            seen[folded] = i
            entries.append(entry)
        return tuple(entries)

    def workspace(self, data: Mapping[str, Any]) -> Workspace:
        self.check_keys(data, _TOP_KEYS, "")
        templates = self.table(data.get("templates", {}), "templates")
        self.check_keys(templates, _TEMPLATE_KEYS, "templates")
        texts = {
            key: self.text(templates[key], f"templates.{key}") if key in templates else None
            for key in _TEMPLATE_KEYS
        }
        plans = self.plans(data["plans"]) if "plans" in data else _default_plans()
        store = self.path(data["store"], "store") if "store" in data else _default_store()
        output = (
            self.path(data["output"], "output")
            if "output" in data
            else config.REPORTS_DIR.resolve()
        )
        return Workspace(
            file=self.file,
            root=self.root,
            plans=plans,
            store=store,
            output=output,
            deadline=texts["deadline"],
            recipient=texts["recipient"],
        )


def _read(file: Path) -> Workspace:
    if not file.exists():
        raise WorkspaceError(f"{file}: settings file not found")
    if not file.is_file():
        raise WorkspaceError(f"{file}: not a file")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")  # Windows editors may add a byte-order mark
    except UnicodeDecodeError as exc:
        raise WorkspaceError(
            f"{file}: not UTF-8 text (byte {exc.start}); save it as UTF-8, not GBK"
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        where = f"{file}, line {found.group(1)}" if found else str(file)
        raise WorkspaceError(f"{where}: TOML syntax error: {exc}") from exc
    return _Reader(file).workspace(data)
