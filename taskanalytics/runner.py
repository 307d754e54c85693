"""Run a report notebook with papermill and export it as an offline, code-free HTML briefing.

``notebooks/<name>.ipynb`` -> papermill (parameters injected) -> ``<output_dir>/<name>.ipynb``
-> nbconvert with the shipped ``offline`` template (the lab page without require.js, MathJax,
Mermaid and the widget manager, so nothing is fetched from a CDN), inputs and prompts left out
-> ``<output_dir>/<name>.html``, written atomically.
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat

from taskanalytics import config
from taskanalytics.errors import NotebookRunError

__all__ = [
    "OFFLINE_TEMPLATE",
    "execute_notebook",
    "export_html",
    "run_notebook",
    "shared_kernel",
]

logger = logging.getLogger("taskanalytics")

#: Name of the nbconvert template directory shipped in ``taskanalytics/nbtemplates/``.
OFFLINE_TEMPLATE = "offline"


_H1 = re.compile(r'<h1 class="ta-h">([^<]+)</h1>')
_QUARTER = re.compile(r"<span>季度：([^<]+)</span>")


def _first_line(source: str) -> str:
    line = next((s for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= 80 else line[:77] + "..."


class _AbsolutePathIO:
    """papermill's I/O for absolute local paths, without its ``os.chdir``.

    papermill's own local handler wraps every read and write of a notebook in ``os.chdir`` to
    the directory it was started from: a change of the whole process's working directory, made
    by each worker thread of a quarterly run while the others work. Registered for paths
    starting with ``/``, this handler reads and writes them as they are; relative paths still
    go to papermill's handler, and :func:`execute_notebook` passes absolute ones only.
    """

    def read(self, path: str) -> str:
        with open(path, encoding="utf-8") as handle:
            return handle.read()

    def write(self, buf: str, path: str) -> None:
        folder = os.path.dirname(path)
        if folder and not os.path.isdir(folder):
            raise FileNotFoundError(f"output folder {folder} doesn't exist.")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(buf)

    def listdir(self, path: str) -> list[str]:
        return [os.path.join(path, name) for name in os.listdir(path)]

    def pretty_path(self, path: str) -> str:
        return path


_IO_LOCK = threading.Lock()


def _register_absolute_path_io() -> None:
    """Route papermill's I/O of absolute paths through :class:`_AbsolutePathIO` (once)."""
    from papermill.iorw import papermill_io

    with _IO_LOCK:
        if not any(isinstance(h, _AbsolutePathIO) for _, h in papermill_io._handlers):
            papermill_io.register("/", _AbsolutePathIO())


def execute_notebook(
    name: str,
    *,
    parameters: dict[str, Any] | None = None,
    output_dir: Path | None = None,
    kernel_name: str = "python3",
    notebooks_dir: Path | None = None,
    output_name: str | None = None,
    kernel: Any = None,
) -> Path:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``<output_dir>/<output_name>.ipynb``.

    Parameters
    ----------
    name
        Notebook name without ``.ipynb``, e.g. ``"source_audit"``.
    parameters
        Values injected after the notebook's ``parameters`` cell.
    output_dir
        Where the executed notebook and the HTML go; default :data:`config.REPORTS_DIR`.
        Created if missing.
    kernel_name
        Jupyter kernel to run with; named explicitly because user-level kernelspecs from other
        work may exist.
    notebooks_dir
        Directory holding the notebooks; default :data:`config.NOTEBOOKS_DIR`. The kernel
        runs with this as its working directory; this process's working directory is never
        changed (papermill's ``cwd`` and its local file I/O would ``os.chdir`` the whole
        process, under every other thread: see :class:`_AbsolutePathIO`), so paths given to a
        notebook must be absolute.
    output_name
        Stem of the output files; default ``name``. A quarterly run writes one notebook many
        times (``unit_财政局``, ``unit_住建局`` …).
    kernel
        A started ``jupyter_client`` kernel manager to run in (see :func:`shared_kernel`);
        default a new kernel for this notebook, started in ``notebooks_dir``. Reusing one kernel for a batch saves the
        kernel start and the imports (about 2 s) on every notebook after the first.

    Returns
    -------
    pathlib.Path
        The executed notebook.

    Raises
    ------
    NotebookRunError
        If the notebook does not exist or a cell raises (the message names the notebook, the
        cell and the exception); the partly executed notebook is kept for debugging.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else config.NOTEBOOKS_DIR
    source = nb_dir / f"{name}.ipynb"
    if not source.is_file():
        available = sorted(p.stem for p in nb_dir.glob("*.ipynb"))
        raise NotebookRunError(f"no notebook {source}; available: {available}")
    out_dir = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_name or name
    executed = out_dir / f"{stem}.ipynb"
    if kernel is None:  # a kernel of its own, started in nb_dir (never papermill's cwd=)
        with shared_kernel(kernel_name=kernel_name, cwd=nb_dir) as own:
            return execute_notebook(
                name, parameters=parameters, output_dir=out_dir, kernel_name=kernel_name,
                notebooks_dir=nb_dir, output_name=output_name, kernel=own,
            )  # fmt: skip

    _register_absolute_path_io()
    started = time.perf_counter()
    clients: list[Any] = []
    try:
        with _closing_clients(kernel, clients):
            pm.execute_notebook(
                str(source.resolve()),
                str(executed.resolve()),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name,
                progress_bar=False,
                km=kernel,
            )
    except PapermillExecutionError as exc:
        raise NotebookRunError(
            f"notebook {source.name} failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}, starting {_first_line(exc.source)!r}): "
            f"{exc.ename}: {exc.evalue}; the partly executed notebook is {executed}"
        ) from exc
    except Exception as exc:  # kernel start-up, bad parameters, invalid notebook JSON ...
        raise NotebookRunError(
            f"notebook {source.name} could not be run: {type(exc).__name__}: {exc}"
        ) from exc
    logger.info("executed %s in %.1f s", source.name, time.perf_counter() - started)
    return executed


@contextmanager
def _closing_clients(kernel: Any, clients: list[Any]) -> Iterator[None]:
    """Stop the channels of every client papermill opens on a shared kernel, when it is done.

    nbclient stops its client only when it owns the kernel manager; on a kernel we lend it
    (``km=``) each notebook left its client's ZeroMQ sockets open: about ten descriptors a
    notebook, 900 for a quarterly run, past the common limit of 1,024 for a run of two plans.
    """
    original = kernel.client

    def client(*args: Any, **kwargs: Any) -> Any:
        made = original(*args, **kwargs)
        clients.append(made)
        return made

    kernel.client = client
    try:
        yield
    finally:
        kernel.client = original
        for made in clients:
            try:
                made.stop_channels()
            except Exception:  # noqa: BLE001 - closing is best effort; the run's result stands
                logger.debug("could not stop a kernel client's channels", exc_info=True)


def run_notebook(
    name: str,
    *,
    parameters: dict[str, Any] | None = None,
    output_dir: Path | None = None,
    kernel_name: str = "python3",
    notebooks_dir: Path | None = None,
    output_name: str | None = None,
    kernel: Any = None,
) -> Path:
    """Execute a report notebook (:func:`execute_notebook`) and export it (:func:`export_html`).

    Parameters are those of :func:`execute_notebook`.

    Returns
    -------
    pathlib.Path
        The HTML briefing, ``<output_dir>/<output_name or name>.html``.

    Raises
    ------
    NotebookRunError
        If the notebook does not exist, a cell raises, or the export fails.

    Examples
    --------
    >>> run_notebook("source_audit", parameters={"plan_path": None})  # doctest: +SKIP
    PosixPath('.../reports/source_audit.html')
    """
    executed = execute_notebook(
        name,
        parameters=parameters,
        output_dir=output_dir,
        kernel_name=kernel_name,
        notebooks_dir=notebooks_dir,
        output_name=output_name,
        kernel=kernel,
    )
    return export_html(executed, executed.with_suffix(".html"))


@contextmanager
def shared_kernel(*, kernel_name: str = "python3", cwd: Path | None = None) -> Iterator[Any]:
    """Start one kernel for a batch of notebooks and shut it down afterwards.

    Every notebook run in it still goes through papermill (parameters injected, outputs
    recorded); only the kernel process, and with it the imported modules, is shared. Notebooks
    must therefore define everything they use (they do: a parameters cell, then library calls).

    Examples
    --------
    >>> with shared_kernel() as kernel:  # doctest: +SKIP
    ...     run_notebook("unit_briefing", parameters={"unit": "财政局"}, kernel=kernel)
    """
    from jupyter_client.manager import KernelManager

    # ipc: local socket files (absolute paths, as the kernel runs in another directory) instead
    # of TCP on loopback, which also avoids the kernel's "TCP without encryption" warning
    with tempfile.TemporaryDirectory(prefix="ta-kernel-") as sockets:
        manager = KernelManager(
            kernel_name=kernel_name, transport="ipc", ip=str(Path(sockets) / "k")
        )
        try:
            manager.start_kernel(cwd=str(cwd or config.NOTEBOOKS_DIR))
        except Exception as exc:
            raise NotebookRunError(f"could not start kernel {kernel_name!r}: {exc}") from exc
        try:
            yield manager
        finally:
            manager.shutdown_kernel(now=True)


def _page_title(nb: Any) -> str | None:
    """The Chinese title a briefing states: its header's ``<h1 class="ta-h">`` and the
    quarter of its ``季度：`` line, read from the outputs; None when it has no such header."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("text/html", "")
            text = data if isinstance(data, str) else "".join(data)
            found = _H1.search(text)
            if found:
                title = html.unescape(found.group(1)).strip()
                quarter = _QUARTER.search(text)
                return f"{title} {html.unescape(quarter.group(1))}" if quarter else title
    return None


def export_html(
    notebook_path: Path, html_path: Path | None = None, *, title: str | None = None
) -> Path:
    """Export an executed notebook to a code-free HTML page that loads nothing from the network.

    Uses nbconvert's ``HTMLExporter`` with the shipped ``offline`` template, inputs and
    input/output prompts excluded. The file is written to a temporary file in the target
    directory and then moved into place, so readers never see half a page.

    Parameters
    ----------
    notebook_path
        An executed ``.ipynb``.
    html_path
        Target file; default the notebook path with ``.html``.
    title
        The page's ``<title>`` (the browser tab, bookmarks); default the notebook's metadata
        ``title``, else the briefing's own header (its ``<h1>`` and quarter), else the file
        name.

    Returns
    -------
    pathlib.Path
        ``html_path``.

    Raises
    ------
    NotebookRunError
        If the notebook cannot be read or exported.

    Examples
    --------
    >>> export_html(Path("reports/source_audit.ipynb"))  # doctest: +SKIP
    PosixPath('reports/source_audit.html')
    """
    from nbconvert import HTMLExporter

    notebook_path = Path(notebook_path)
    target = Path(html_path) if html_path is not None else notebook_path.with_suffix(".html")
    started = time.perf_counter()
    try:
        nb = nbformat.read(notebook_path, as_version=4)
        page_title = title or nb.metadata.get("title") or _page_title(nb)
        if page_title:  # the lab template's <title> is metadata.title, else the file name
            nb.metadata["title"] = page_title
        exporter = HTMLExporter(
            template_name=OFFLINE_TEMPLATE,
            extra_template_basedirs=[str(config.NBTEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": notebook_path.stem}}
        )
    except Exception as exc:
        raise NotebookRunError(
            f"could not export {notebook_path} to HTML: {type(exc).__name__}: {exc}"
        ) from exc
    _write_atomically(target, body)
    logger.info("exported %s in %.2f s", target.name, time.perf_counter() - started)
    return target


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; a briefing is meant to be shared
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
