"""workspace: the taskanalytics.toml settings file, its defaults, search, validation, overrides."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from taskanalytics import config, workspace
from taskanalytics.errors import TaskAnalyticsError, WorkspaceError
from taskanalytics.workspace import (
    WORKSPACE_ENV_VAR,
    WORKSPACE_FILE,
    PlanEntry,
    PlanVersionEntry,
    Workspace,
    find_workspace,
    load_workspace,
)

# The module docstring's example, verbatim apart from the files it names (made in each test).
FULL = """\
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
"""

RAW_FILES = (
    "000_898b1f1251978864.txt",
    "2023-民生实事.txt",
    "2024-工作报告.txt",
    "2024-工作报告-调整.docx",
    "a.txt",
    "b.txt",
    "c.txt",
)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(WORKSPACE_ENV_VAR, raising=False)
    monkeypatch.delenv(config.STORE_ENV_VAR, raising=False)


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder with the plan files the examples name (no settings file yet)."""
    raw = tmp_path / "proj" / "data" / "raw"
    raw.mkdir(parents=True)
    for name in RAW_FILES:
        (raw / name).write_text("x", encoding="utf-8")
    return tmp_path / "proj"


def _write(folder: Path, text: str) -> Path:
    path = folder / WORKSPACE_FILE
    path.write_text(text, encoding="utf-8")
    return path


# -- no settings file ----------------------------------------------------------------------------


def test_no_file_gives_the_default_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_workspace() is None
    ws = load_workspace()
    assert ws.file is None
    assert ws.root == config.PROJECT_ROOT.resolve()
    assert len(ws.plans) == 1
    entry = ws.plan()
    assert entry.name is None
    assert entry.path == config.DEFAULT_PLAN_PATH.resolve()
    assert entry.versions == (PlanVersionEntry(config.DEFAULT_PLAN_PATH.resolve(), None),)
    assert ws.store == (config.PROGRESS_DIR / "progress.sqlite").resolve()
    assert ws.store == config.resolve().store
    assert ws.output == config.REPORTS_DIR.resolve()
    assert ws.deadline is None and ws.recipient is None
    assert ws.plan_names() == []


def test_default_workspace_store_honours_the_store_env_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.STORE_ENV_VAR, "env.sqlite")  # relative: against the cwd
    assert load_workspace().store == (tmp_path / "env.sqlite").resolve()


def test_default_workspace_rejects_a_plan_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ws = load_workspace()
    with pytest.raises(WorkspaceError, match="default workspace") as info:
        ws.plan("2023-工作报告")
    assert "'2023-工作报告'" in str(info.value)
    assert WORKSPACE_FILE in str(info.value)


# -- a full file ---------------------------------------------------------------------------------


def test_full_file_resolves_relative_paths_against_its_folder(project, tmp_path, monkeypatch):
    file = _write(project, FULL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working directory does not matter for paths in the file

    ws = load_workspace(file)

    raw = project.resolve() / "data" / "raw"
    assert ws.file == file.resolve()
    assert ws.root == project.resolve()
    assert ws.store == project.resolve() / "data" / "progress" / "progress.sqlite"
    assert ws.output == project.resolve() / "reports"
    assert ws.deadline == "每季度最后一个月25日前"
    assert ws.recipient == "区政府督查室（duchashi@example.gov.cn）"
    assert ws.plan_names() == ["2023-工作报告", "2023-民生实事", "2024-工作报告"]
    assert ws.plan() == ws.plans[0]
    assert ws.plan("2023-民生实事") == PlanEntry(
        "2023-民生实事", (PlanVersionEntry(raw / "2023-民生实事.txt", None),)
    )
    revised = ws.plan("2024-工作报告")
    assert revised.versions == (
        PlanVersionEntry(raw / "2024-工作报告.txt", None),
        PlanVersionEntry(raw / "2024-工作报告-调整.docx", dt.date(2024, 7, 1)),
    )
    assert revised.path == raw / "2024-工作报告-调整.docx"
    for path in (ws.store, ws.output, *(v.path for p in ws.plans for v in p.versions)):
        assert path.is_absolute()


def test_file_given_as_a_relative_string(project, monkeypatch):
    _write(project, 'output = "out"\n')
    monkeypatch.chdir(project)
    ws = load_workspace(WORKSPACE_FILE)
    assert ws.file == (project / WORKSPACE_FILE).resolve()
    assert ws.output == (project / "out").resolve()


def test_partial_file_keeps_the_other_defaults(project):
    ws = load_workspace(_write(project, '[templates]\nrecipient = "  督查室  "\n'))
    assert ws.file == (project / WORKSPACE_FILE).resolve()
    assert ws.plans == load_workspace(_write(project, "")).plans
    assert ws.plan().name is None and ws.plan().path == config.DEFAULT_PLAN_PATH.resolve()
    assert ws.store == (config.PROGRESS_DIR / "progress.sqlite").resolve()
    assert ws.output == config.REPORTS_DIR.resolve()
    assert ws.recipient == "督查室" and ws.deadline is None


def test_blank_template_text_is_none(project):
    ws = load_workspace(_write(project, '[templates]\ndeadline = "   "\n'))
    assert ws.deadline is None


def test_store_in_the_file_beats_the_store_env_var(project, tmp_path, monkeypatch):
    monkeypatch.setenv(config.STORE_ENV_VAR, str(tmp_path / "env.sqlite"))
    assert load_workspace(_write(project, "")).store == (tmp_path / "env.sqlite").resolve()
    ws = load_workspace(_write(project, 'store = "mine.sqlite"\n'))
    assert ws.store == (project / "mine.sqlite").resolve()


def test_absolute_and_home_paths(project, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "plans").mkdir(parents=True)
    (home / "plans" / "p.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    absolute = tmp_path / "abs" / "out"
    text = (
        f'store = "~/s.sqlite"\noutput = "{absolute.as_posix()}"\n'
        '[[plans]]\nname = "p"\npath = "~/plans/p.txt"\n'
    )
    ws = load_workspace(_write(project, text))
    assert ws.store == (home / "s.sqlite").resolve()
    assert ws.output == absolute.resolve()
    assert ws.plan("p").path == (home / "plans" / "p.txt").resolve()


def test_bare_toml_date_and_byte_order_mark(project):
    text = (
        '[[plans]]\nname = "p"\nversions = [\n  { path = "data/raw/a.txt" },\n'
        '  { path = "data/raw/b.txt", from = 2024-07-01 },\n]\n'
    )
    file = project / WORKSPACE_FILE
    file.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # as Windows Notepad saves it
    ws = load_workspace(file)
    assert ws.plan("p").versions[1].effective_from == dt.date(2024, 7, 1)


# -- finding the file ----------------------------------------------------------------------------


def test_found_from_a_subfolder(project, monkeypatch):
    file = _write(project, FULL)
    sub = project / "notebooks" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert find_workspace() == file.resolve()
    assert find_workspace(start=sub) == file.resolve()
    ws = load_workspace()
    assert ws.file == file.resolve()
    assert ws.output == project.resolve() / "reports"  # the file's folder, not the cwd


def test_the_nearest_file_wins(project):
    _write(project, "")
    inner = project / "inner"
    inner.mkdir()
    nearest = _write(inner, "")
    assert find_workspace(start=inner) == nearest.resolve()
    assert find_workspace(start=project) == (project / WORKSPACE_FILE).resolve()


def test_a_folder_named_like_the_file_is_not_found(tmp_path):
    (tmp_path / WORKSPACE_FILE).mkdir()
    assert find_workspace(start=tmp_path) is None


def test_env_var_beats_the_search(project, tmp_path, monkeypatch):
    _write(project, 'output = "from-cwd"\n')
    other = tmp_path / "other"
    other.mkdir()
    chosen = _write(other, 'output = "from-env"\n')
    monkeypatch.chdir(project)
    monkeypatch.setenv(WORKSPACE_ENV_VAR, str(chosen))
    assert find_workspace() == chosen.resolve()
    assert find_workspace(start=project) == chosen.resolve()
    assert load_workspace().output == (other / "from-env").resolve()


def test_relative_env_var_resolves_against_the_cwd(project, monkeypatch):
    _write(project, 'output = "o"\n')
    monkeypatch.chdir(project)
    monkeypatch.setenv(WORKSPACE_ENV_VAR, WORKSPACE_FILE)
    assert find_workspace() == (project / WORKSPACE_FILE).resolve()


def test_env_var_naming_no_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(WORKSPACE_ENV_VAR, str(tmp_path / "missing.toml"))
    with pytest.raises(WorkspaceError, match=WORKSPACE_ENV_VAR) as info:
        find_workspace()
    assert "missing.toml" in str(info.value)
    with pytest.raises(WorkspaceError, match=WORKSPACE_ENV_VAR):
        load_workspace()


def test_given_path_beats_the_env_var(project, tmp_path, monkeypatch):
    given = _write(project, 'output = "given"\n')
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv(WORKSPACE_ENV_VAR, str(_write(other, 'output = "env"\n')))
    assert load_workspace(given).output == (project / "given").resolve()


def test_given_file_must_exist(tmp_path):
    with pytest.raises(WorkspaceError, match="settings file not found") as info:
        load_workspace(tmp_path / "nope.toml")
    assert str((tmp_path / "nope.toml").resolve()) in str(info.value)
    with pytest.raises(WorkspaceError, match="not a file"):
        load_workspace(tmp_path)


# -- validation ----------------------------------------------------------------------------------

PLAN_A = '[[plans]]\nname = "a"\npath = "data/raw/a.txt"\n'


def _versions(*items: str) -> str:
    return '[[plans]]\nname = "r"\nversions = [\n' + "".join(f"  {i},\n" for i in items) + "]\n"


V1 = '{ path = "data/raw/a.txt" }'

BAD = {
    "unknown top key": ('stroe = "x.sqlite"\n', "stroe: unknown key 'stroe'"),
    "unknown plan key": (
        '[[plans]]\nname = "a"\npaht = "data/raw/a.txt"\n',
        "plans[1].paht: unknown key",
    ),
    "unknown templates key": ('[templates]\ndeadlin = "x"\n', "templates.deadlin: unknown key"),
    "unknown version key": (
        _versions(V1, '{ path = "data/raw/b.txt", form = "2024-07-01" }'),
        "plans[1].versions[2].form: unknown key",
    ),
    "plan file not found": (
        PLAN_A + '[[plans]]\nname = "b"\npath = "data/raw/nope.txt"\n',
        "plans[2].path: file not found: ",
    ),
    "plan path is a folder": (
        '[[plans]]\nname = "a"\npath = "data/raw"\n',
        "plans[1].path: not a file",
    ),
    "plan path empty": ('[[plans]]\nname = "a"\npath = ""\n', "plans[1].path: empty path"),
    "plan path not a string": (
        '[[plans]]\nname = "a"\npath = 3\n',
        "plans[1].path: expected a string",
    ),
    "version file not found": (
        _versions(V1, '{ path = "data/raw/nope.docx", from = "2024-07-01" }'),
        "plans[1].versions[2].path: file not found",
    ),
    "version without path": (
        _versions('{ from = "2024-07-01" }'),
        "plans[1].versions[1].path: missing",
    ),
    "duplicate name": (PLAN_A + PLAN_A, "plans[2].name: duplicate name 'a' (also plans[1].name)"),
    "duplicate name up to case": (
        '[[plans]]\nname = "Plan"\npath = "data/raw/a.txt"\n'
        '[[plans]]\nname = "plan"\npath = "data/raw/b.txt"\n',
        "plans[2].name: duplicate name 'plan'",
    ),
    "both path and versions": (
        '[[plans]]\nname = "a"\npath = "data/raw/a.txt"\nversions = [' + V1 + "]\n",
        "plans[1]: give either 'path' or 'versions', not both",
    ),
    "neither path nor versions": ('[[plans]]\nname = "a"\n', "plans[1]: missing 'path'"),
    "no name": ('[[plans]]\npath = "data/raw/a.txt"\n', "plans[1].name: missing"),
    "empty name": ('[[plans]]\nname = ""\npath = "data/raw/a.txt"\n', "plans[1].name: empty name"),
    "blank name": (
        '[[plans]]\nname = "  "\npath = "data/raw/a.txt"\n',
        "plans[1].name: empty name",
    ),
    "name with slash": (
        '[[plans]]\nname = "a/b"\npath = "data/raw/a.txt"\n',
        "plans[1].name: 'a/b' contains '/'",
    ),
    "name with backslash": (
        '[[plans]]\nname = "a\\\\b"\npath = "data/raw/a.txt"\n',
        "plans[1].name: 'a\\\\b' contains '\\\\'",
    ),
    "name starting with a dot": (
        '[[plans]]\nname = ".hidden"\npath = "data/raw/a.txt"\n',
        "plans[1].name: '.hidden' starts with '.'",
    ),
    "name with a colon": (
        '[[plans]]\nname = "a:b"\npath = "data/raw/a.txt"\n',
        "plans[1].name: 'a:b' contains ':'",
    ),
    "name with a trailing space": (
        '[[plans]]\nname = "a "\npath = "data/raw/a.txt"\n',
        "plans[1].name: 'a ' starts or ends with a space",
    ),
    "name not a string": (
        '[[plans]]\nname = 2023\npath = "data/raw/a.txt"\n',
        "plans[1].name: expected a string",
    ),
    "bad from date": (
        _versions(V1, '{ path = "data/raw/b.txt", from = "2024-13-01" }'),
        "plans[1].versions[2].from: not a date: '2024-13-01'",
    ),
    "from in words": (
        _versions(V1, '{ path = "data/raw/b.txt", from = "7月1日" }'),
        "plans[1].versions[2].from: not a date",
    ),
    "from with a time": (
        _versions(V1, '{ path = "data/raw/b.txt", from = 2024-07-01T08:00:00 }'),
        "plans[1].versions[2].from: not a date",
    ),
    "from on the first version": (
        _versions('{ path = "data/raw/a.txt", from = "2024-01-01" }'),
        "plans[1].versions[1].from: the first version",
    ),
    "later version without from": (
        _versions(V1, '{ path = "data/raw/b.txt" }'),
        "plans[1].versions[2].from: missing",
    ),
    "versions out of order": (
        _versions(
            V1,
            '{ path = "data/raw/b.txt", from = "2024-07-01" }',
            '{ path = "data/raw/c.txt", from = "2024-03-01" }',
        ),
        "plans[1].versions[3].from: 2024-03-01 is not after the previous version's 2024-07-01",
    ),
    "versions on the same day": (
        _versions(
            V1,
            '{ path = "data/raw/b.txt", from = "2024-07-01" }',
            '{ path = "data/raw/c.txt", from = "2024-07-01" }',
        ),
        "plans[1].versions[3].from: 2024-07-01 is not after",
    ),
    "versions empty": (
        '[[plans]]\nname = "a"\nversions = []\n',
        "plans[1].versions: expected a non-empty array",
    ),
    "versions not an array": (
        '[[plans]]\nname = "a"\nversions = "data/raw/a.txt"\n',
        "plans[1].versions: expected a non-empty array",
    ),
    "version not a table": (
        '[[plans]]\nname = "a"\nversions = ["data/raw/a.txt"]\n',
        "plans[1].versions[1]: expected a table",
    ),
    "plans empty": ("plans = []\n", "plans: expected one or more [[plans]] tables"),
    "plans not tables": ('plans = ["data/raw/a.txt"]\n', "plans[1]: expected a table"),
    "plans a string": ('plans = "data/raw/a.txt"\n', "plans: expected one or more"),
    "store not a string": ("store = 5\n", "store: expected a string, found 5"),
    "store empty": ('store = ""\n', "store: empty path"),
    "output not a string": ("output = true\n", "output: expected a string"),
    "templates not a table": ('templates = "x"\n', "templates: expected a table"),
    "deadline not a string": (
        "[templates]\ndeadline = 25\n",
        "templates.deadline: expected a string",
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(BAD.values()), ids=list(BAD))
def test_validation_errors_name_the_file_and_the_key(project, text, expected):
    file = _write(project, text)
    with pytest.raises(WorkspaceError) as info:
        load_workspace(file)
    message = str(info.value)
    assert message.startswith(f"{file.resolve()}: "), message
    assert expected in message, message


def test_not_found_message_gives_the_absolute_path(project):
    file = _write(project, PLAN_A + '[[plans]]\nname = "b"\npath = "data/raw/../raw/nope.txt"\n')
    with pytest.raises(WorkspaceError) as info:
        load_workspace(file)
    missing = (project / "data" / "raw" / "nope.txt").resolve()
    assert str(info.value) == f"{file.resolve()}: plans[2].path: file not found: {missing}"


def test_unknown_key_lists_the_known_keys_and_suggests_one(project):
    with pytest.raises(WorkspaceError) as info:
        load_workspace(_write(project, 'stroe = "x.sqlite"\n'))
    message = str(info.value)
    assert "known: output, plans, store, templates" in message
    assert "did you mean 'store'?" in message


def test_toml_syntax_error_names_the_line(project):
    file = _write(project, 'store = "a.sqlite"\noutput = "reports"\n[[plans]\nname = "a"\n')
    with pytest.raises(WorkspaceError) as info:
        load_workspace(file)
    assert str(info.value).startswith(f"{file.resolve()}, line 3: TOML syntax error")
    assert isinstance(info.value.__cause__, __import__("tomllib").TOMLDecodeError)


def test_file_not_in_utf8_is_an_error(project):
    file = project / WORKSPACE_FILE
    file.write_bytes('[templates]\ndeadline = "每季度"\n'.encode("gbk"))
    with pytest.raises(WorkspaceError, match="not UTF-8") as info:
        load_workspace(file)
    assert str(file.resolve()) in str(info.value)


def test_workspace_error_is_a_taskanalytics_error():
    assert issubclass(WorkspaceError, TaskAnalyticsError)


# -- plans and versions --------------------------------------------------------------------------

A, B, C = Path("/plans/a.txt"), Path("/plans/b.docx"), Path("/plans/c.docx")
REVISED = PlanEntry(
    "2024-工作报告",
    (
        PlanVersionEntry(A, None),
        PlanVersionEntry(B, dt.date(2024, 7, 1)),
        PlanVersionEntry(C, dt.date(2024, 10, 15)),
    ),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 12, 31), A),  # before the plan year: still the first version
        (dt.date(2024, 3, 31), A),
        (dt.date(2024, 6, 30), A),  # the day before the revision
        (dt.date(2024, 7, 1), B),  # the revision's first day
        (dt.date(2024, 9, 30), B),
        (dt.date(2024, 10, 14), B),
        (dt.date(2024, 10, 15), C),
        (dt.date(2025, 1, 1), C),
    ],
)
def test_version_at(day, expected):
    assert REVISED.version_at(day).path == expected


def test_path_is_the_latest_version():
    assert REVISED.path == C
    single = PlanEntry("x", (PlanVersionEntry(A),))
    assert single.path == A and single.version_at(dt.date(2024, 1, 1)).path == A


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        ((), "no versions"),
        ((PlanVersionEntry(A, dt.date(2024, 1, 1)),), "first version"),
        ((PlanVersionEntry(A), PlanVersionEntry(B)), "needs a date"),
        (
            (
                PlanVersionEntry(A),
                PlanVersionEntry(B, dt.date(2024, 7, 1)),
                PlanVersionEntry(C, dt.date(2024, 7, 1)),
            ),
            "date order",
        ),
    ],
)
def test_plan_entry_checks_its_versions(versions, message):
    with pytest.raises(WorkspaceError, match=message):
        PlanEntry("x", versions)


def test_a_workspace_needs_a_plan(tmp_path):
    with pytest.raises(WorkspaceError, match="at least one plan"):
        Workspace(file=None, root=tmp_path, plans=(), store=tmp_path, output=tmp_path)


def test_unknown_plan_name_lists_the_known_names(project):
    file = _write(project, FULL)
    ws = load_workspace(file)
    with pytest.raises(WorkspaceError) as info:
        ws.plan("2023-民生")
    message = str(info.value)
    assert str(file.resolve()) in message and "'2023-民生'" in message
    assert "known: 2023-工作报告, 2023-民生实事, 2024-工作报告" in message


def test_objects_are_frozen(project):
    ws = load_workspace(_write(project, FULL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ws.store = Path("x")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ws.plans[0].name = "y"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ws.plans[0].versions[0].path = Path("z")  # type: ignore[misc]


# -- flags ---------------------------------------------------------------------------------------


def test_with_overrides_applies_flags_against_the_cwd(project, tmp_path, monkeypatch):
    ws = load_workspace(_write(project, FULL))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)

    both = ws.with_overrides(store="flag.sqlite", output=Path("out"))

    assert both.store == (cwd / "flag.sqlite").resolve()
    assert both.output == (cwd / "out").resolve()
    assert both.plans == ws.plans and both.file == ws.file and both.root == ws.root
    assert (both.deadline, both.recipient) == (ws.deadline, ws.recipient)
    # the original is unchanged
    assert ws.store == project.resolve() / "data" / "progress" / "progress.sqlite"
    assert ws.output == project.resolve() / "reports"


def test_with_overrides_none_leaves_settings(project, tmp_path, monkeypatch):
    ws = load_workspace(_write(project, FULL))
    monkeypatch.chdir(tmp_path)
    assert ws.with_overrides() == ws
    only_store = ws.with_overrides(store=tmp_path / "s.sqlite")
    assert only_store.store == (tmp_path / "s.sqlite").resolve()
    assert only_store.output == ws.output


def test_flag_beats_file_beats_env_beats_default(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    default = (config.PROGRESS_DIR / "progress.sqlite").resolve()
    empty = _write(project, "")
    assert load_workspace(empty).store == default
    monkeypatch.setenv(config.STORE_ENV_VAR, str(tmp_path / "env.sqlite"))
    assert load_workspace(empty).store == (tmp_path / "env.sqlite").resolve()
    with_store = _write(project, 'store = "file.sqlite"\n')
    assert load_workspace(with_store).store == (project / "file.sqlite").resolve()
    flagged = load_workspace(with_store).with_overrides(store="flag.sqlite")
    assert flagged.store == (tmp_path / "flag.sqlite").resolve()


def test_with_overrides_expands_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ws = load_workspace().with_overrides(output="~/reports")
    assert ws.output == (tmp_path / "home" / "reports").resolve()


# -- layering ------------------------------------------------------------------------------------

ALLOWED = {
    "taskanalytics",
    "taskanalytics.config",
    "taskanalytics.errors",
    "taskanalytics.quarters",
}


def test_workspace_imports_only_the_lowest_layer():
    """workspace sits beside config: no plan, progress, assess (nor anything above)."""
    tree = ast.parse(Path(workspace.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            if node.module == "taskanalytics":
                imported.update(f"taskanalytics.{alias.name}" for alias in node.names)
    ours = {m for m in imported if m.split(".")[0] == "taskanalytics"}
    assert ours, "expected imports of taskanalytics.config / errors"
    assert ours <= ALLOWED, ours - ALLOWED
