"""Headless Debian chromium for the tests, with the network off: one browser per test process.

Launching playwright's driver and chromium costs about a second of CPU; the tests open some
thirty pages. Each pytest process (each pytest-xdist worker) launches one chromium on first
use (:func:`shared_browser`) and every page gets its own browser context (cookies, storage and
viewport of its own), closed with the page; ``conftest`` closes the browser when the session
ends.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

#: Flags that keep chromium from reaching out (the machine has no network but the registries).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]  # fmt: skip

_shared: dict[str, Any] = {}


def shared_browser() -> Any:
    """This process's chromium, launched on first use (a playwright ``Browser``).

    Skips the test only when chromium or playwright is not installed (``make test`` installs
    them).
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    browser = _shared.get("browser")
    if browser is None or not browser.is_connected():
        if "playwright" not in _shared:
            _shared["playwright"] = sync_api.sync_playwright().start()
        browser = _shared["playwright"].chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        _shared["browser"] = browser
    return browser


def close_shared_browser() -> None:
    """Close the process's chromium and playwright driver, if they were started."""
    browser = _shared.pop("browser", None)
    playwright = _shared.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@contextmanager
def new_page(*, width: int = 1200, height: int = 900) -> Iterator[Any]:
    """A blank page of the shared browser in a fresh context, closed on exit."""
    context = shared_browser().new_context(viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


@contextmanager
def open_page(
    path: Path, *, width: int = 1200, height: int = 900
) -> Iterator[tuple[Any, list[str]]]:
    """Open a local HTML file; yield the page and the list of requests that left ``file:``/``data:``."""
    outside: list[str] = []
    with new_page(width=width, height=height) as page:
        page.on("requestfailed", lambda r: outside.append(r.url))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
                else outside.append(r.url))  # fmt: skip
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        yield page, outside
