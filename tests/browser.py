"""Headless Debian chromium for the tests, with the network off: one way to open a page."""

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


@contextmanager
def open_page(
    path: Path, *, width: int = 1200, height: int = 900
) -> Iterator[tuple[Any, list[str]]]:
    """Open a local HTML file; yield the page and the list of requests that left ``file:``/``data:``.

    Skips the test only when chromium is not installed (``make test`` installs it).
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("requestfailed", lambda r: outside.append(r.url))
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
                    else outside.append(r.url))  # fmt: skip
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            yield page, outside
        finally:
            browser.close()
