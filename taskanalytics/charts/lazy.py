"""altair, imported on first use.

A quarterly run draws every chart of its briefings by hand (:mod:`~taskanalytics.charts.svg`,
:mod:`~taskanalytics.charts.bars`, :mod:`~taskanalytics.charts.grid`), so its kernels need not
import altair: 0.32 s of each kernel's start, on the run's critical path. The ``chart_*``
builders, the offline renderer and the year-over-year chart use :data:`alt`, which imports
altair the first time one of its attributes is read; :func:`when_imported` runs set-up (the
renderer and theme of :func:`~taskanalytics.charts.enable_offline_charts`) at that moment.

Examples
--------
>>> from taskanalytics.charts.lazy import alt
>>> alt.Chart.__name__
'Chart'
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from importlib import metadata
from types import ModuleType
from typing import Any

__all__ = ["alt", "altair_api_module", "when_imported"]

_hooks: list[Callable[[ModuleType], None]] = []


def _load() -> ModuleType:
    """The altair module, imported if it was not, after the pending hooks have run on it."""
    module = importlib.import_module("altair")
    while _hooks:
        _hooks.pop(0)(module)
    return module


class _LazyAltair:
    """Stands for the ``altair`` module: the first attribute read imports it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_load(), name)

    def __repr__(self) -> str:
        return "<altair, imported on first use>"


#: Use as ``alt`` (``alt.Chart(...)``, ``alt.renderers``): the altair module, imported on first use.
alt: Any = _LazyAltair()


def when_imported(hook: Callable[[ModuleType], None]) -> None:
    """Run ``hook(altair)`` now if altair is imported, else when :data:`alt` first imports it.

    Parameters
    ----------
    hook
        Set-up that needs altair (registering a renderer or a theme).
    """
    if "altair" in sys.modules:
        hook(_load())
    elif hook not in _hooks:  # every notebook of a kernel asks again; run it once
        _hooks.append(hook)


@functools.cache
def altair_api_module() -> str:
    """The module of the installed altair that defines its chart classes, without importing it.

    Returns
    -------
    str
        ``altair.vegalite.v<major>.api``, from the installed distribution's version: IPython can
        then register a display for altair's charts by name, before altair is imported.
    """
    major = metadata.version("altair").split(".", 1)[0]
    return f"altair.vegalite.v{major}.api"
