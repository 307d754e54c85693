"""config.resolve: the plan and store defaults, resolved once to absolute paths."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from taskanalytics import config


@pytest.fixture(autouse=True)
def _no_store_env(monkeypatch):
    monkeypatch.delenv(config.STORE_ENV_VAR, raising=False)


def test_defaults_are_the_bundled_plan_and_the_project_store():
    paths = config.resolve()
    assert paths.plan_path == config.DEFAULT_PLAN_PATH.resolve()
    assert paths.store == (config.PROGRESS_DIR / "progress.sqlite").resolve()
    assert paths.plan_path.is_absolute() and paths.store.is_absolute()


def test_defaults_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    here = config.resolve()
    monkeypatch.chdir(tmp_path)
    assert config.resolve() == here


def test_env_var_overrides_the_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv(config.STORE_ENV_VAR, str(tmp_path / "env.sqlite"))
    assert config.resolve().store == (tmp_path / "env.sqlite").resolve()


def test_argument_overrides_the_env_var(tmp_path, monkeypatch):
    monkeypatch.setenv(config.STORE_ENV_VAR, str(tmp_path / "env.sqlite"))
    paths = config.resolve(store=tmp_path / "arg.sqlite")
    assert paths.store == (tmp_path / "arg.sqlite").resolve()


def test_relative_paths_resolve_against_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    paths = config.resolve("plan.docx", "data/p.sqlite")
    assert paths.plan_path == (tmp_path / "work" / "plan.docx").resolve()
    assert paths.store == (tmp_path / "work" / "data" / "p.sqlite").resolve()
    # resolved at the edge: a later change of directory (a kernel in notebooks/) changes nothing
    monkeypatch.chdir(tmp_path)
    assert config.resolve(paths.plan_path, paths.store) == paths


def test_relative_env_var_resolves_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.STORE_ENV_VAR, "env.sqlite")
    assert config.resolve().store == (tmp_path / "env.sqlite").resolve()


def test_strings_home_and_positional_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = config.resolve(str(tmp_path / "plan.txt"), "~/p.sqlite")
    assert paths == config.Resolved(
        plan_path=(tmp_path / "plan.txt").resolve(), store=(tmp_path / "p.sqlite").resolve()
    )
    assert isinstance(paths.plan_path, Path) and isinstance(paths.store, Path)


def test_resolved_is_frozen():
    paths = config.resolve()
    with pytest.raises(dataclasses.FrozenInstanceError):
        paths.store = Path("x")  # type: ignore[misc]


def test_resolve_never_creates_files(tmp_path):
    config.resolve(tmp_path / "no_plan.txt", tmp_path / "sub" / "no_store.sqlite")
    assert list(tmp_path.iterdir()) == []
