"""PDF copies of the briefings, printed by headless Chromium from their print stylesheet.

``taskanalytics run -q 2023Q2 --pdf`` prints every page of the quarter to ``pdf/<page>.pdf`` in the
quarter's folder, before it is published, so the pages and their PDFs are published together.
Each page is printed by Debian's ``chromium`` (``--headless --print-to-pdf``) with the page's own
``@page`` rules (A4, margins, 数据截至 and page numbers in the margin boxes: the offline
template's print stylesheet), no header or footer of the browser's, the network off and a
private profile per process; each PDF is written beside its final name and renamed, so a
failed print leaves no half-written file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from taskanalytics.errors import ExportError

__all__ = ["BROWSERS", "find_browser", "print_pdfs"]

#: Browser commands tried, in order (Debian's package is ``chromium``).
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
#: Flags that keep the browser from reaching out and from needing a display or a sandbox.
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-extensions",
)  # fmt: skip


def find_browser() -> str | None:
    """The first of :data:`BROWSERS` on ``PATH``, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdfs(
    pages: Sequence[Path],
    out_dir: Path,
    *,
    browser: str | None = None,
    workers: int | None = None,
    timeout: float = 120.0,
) -> list[Path]:
    """Print HTML pages to PDF, one file each, named after the page.

    Parameters
    ----------
    pages
        The pages (``unit_财政局.html`` → ``out_dir/unit_财政局.pdf``).
    out_dir
        Folder for the PDFs (created).
    browser
        The browser command; default :func:`find_browser`.
    workers
        Browsers run at once; default the number of cores.
    timeout
        Seconds a page may take.

    Returns
    -------
    list of pathlib.Path
        The PDFs, in the order of ``pages``.

    Raises
    ------
    ExportError
        When no browser is installed, or a page cannot be printed (naming it and what the
        browser said); PDFs already printed stay, none is half-written.
    """
    command = browser or find_browser()
    if command is None:
        raise ExportError(
            "PDF copies need a Chromium browser (Debian: apt-get install chromium); "
            f"none of {', '.join(BROWSERS)} is on PATH"
        )
    out_dir.mkdir(parents=True, exist_ok=True)

    def one(page: Path) -> Path:
        target = out_dir / f"{page.stem}.pdf"
        tmp = target.with_name(f".{target.name}.tmp")
        with tempfile.TemporaryDirectory(prefix="taskanalytics-pdf-") as profile:
            args = [command, *_FLAGS, f"--user-data-dir={profile}",
                    f"--print-to-pdf={tmp}", page.resolve().as_uri()]  # fmt: skip
            try:
                done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as err:
                tmp.unlink(missing_ok=True)
                raise ExportError(f"{page.name}: cannot print to PDF ({err})") from err
        if done.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            tmp.unlink(missing_ok=True)
            said = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise ExportError(f"{page.name}: {command} printed no PDF ({said[0]})")
        tmp.replace(target)
        return target

    with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 2)) as pool:
        return list(pool.map(one, pages))
