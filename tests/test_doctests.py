"""The examples in the package's docstrings run and print what they say (``doctest``).

Examples that need a store or a kernel are marked ``+SKIP`` in the docstring; every other one
runs here, so a docstring cannot drift from the code it documents.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import taskanalytics

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(taskanalytics.__path__, prefix="taskanalytics.")
    if info.name != "taskanalytics.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
