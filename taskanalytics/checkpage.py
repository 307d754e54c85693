"""The 自查 page: a clerk checks a filled template before sending it, and may submit it.

``taskanalytics serve`` runs Voilà on ``nbtemplates/check.ipynb``, which calls
:func:`settings_from_env` and shows :func:`check_app`. All the checking is
:func:`taskanalytics.progress.check.check_upload`; this module only wires ipywidgets to it and
turns its :class:`~taskanalytics.progress.check.CheckResult` into Chinese HTML
(:func:`result_html`), so tests drive a :class:`CheckApp` by setting the upload's value and
clicking its button, without a browser.

The clerk never sees English, a Python repr or a traceback: a library error while storing is
shown as a Chinese sentence with an error number, and logged (with the traceback, for anything
unexpected) to the ``taskanalytics`` logger, which here writes to the server's terminal
(``sys.__stderr__`` of the kernel) instead of the page.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import ipywidgets as w

from taskanalytics import config
from taskanalytics.errors import TaskAnalyticsError, WorkspaceError
from taskanalytics.plan.build import PlanLike
from taskanalytics.progress.check import CheckResult, check_upload, versions_lookup
from taskanalytics.quarters import Quarter
from taskanalytics.workspace import (
    WORKSPACE_ENV_VAR,
    PlanEntry,
    PlanVersionEntry,
    default_workspace,
    load_workspace,
)

__all__ = [
    "CHECK_NOTEBOOK",
    "CHECK_ONLY_ENV_VAR",
    "PLAN_ENV_VAR",
    "STORE_ENV_VAR",
    "CheckApp",
    "CheckSettings",
    "check_app",
    "result_html",
    "settings_from_env",
]

logger = logging.getLogger("taskanalytics")

#: The notebook Voilà serves.
CHECK_NOTEBOOK: Final = config.NBTEMPLATES_DIR / "check.ipynb"
#: The plan checked against: a plan's name in the workspace, or a plan document's path.
PLAN_ENV_VAR: Final = "TASKANALYTICS_CHECK_PLAN"
#: The progress store submitted files go to (an absolute path).
STORE_ENV_VAR: Final = "TASKANALYTICS_CHECK_STORE"
#: ``1``: check only, no 提交 button (the office ingests by hand).
CHECK_ONLY_ENV_VAR: Final = "TASKANALYTICS_CHECK_ONLY"

TITLE: Final = "进度报送自查"
OK_HEADLINE: Final = "可以报送"
BAD_HEADLINE: Final = "不能接收，请修改后重新上传"
STORED_HEADLINE: Final = "已收到并入库"
ALREADY_HEADLINE: Final = "此文件此前已提交，已在库中，无需重复提交"
SUBMIT_LABEL: Final = "提交"

_GREEN, _RED, _AMBER, _GREY = "#1a7f37", "#c62828", "#8a5a00", "#555"
# A long file name wraps instead of widening the page on a phone.
_BOX = (
    "border-left:6px solid {color};background:{bg};padding:10px 14px;margin:8px 0;"
    "line-height:1.7;overflow-wrap:break-word;max-width:100%;"
    "box-sizing:border-box"
)
_LIST = "margin:6px 0 0 0;padding-left:1.6em"


@dataclass(frozen=True)
class CheckSettings:
    """What the page checks against, read once per page by :func:`settings_from_env`.

    Attributes
    ----------
    plan
        The plan's latest version.
    versions
        Finds an earlier version by its hash (templates made before a 调整).
    plan_name
        The plan's name as the page shows it.
    store
        The progress store submitted files go to.
    check_only
        True: check only; the page has no 提交 button.
    """

    plan: PlanLike
    versions: Callable[[str], PlanLike | None]
    plan_name: str
    store: Path
    check_only: bool


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def settings_from_env(environ: Mapping[str, str] | None = None) -> CheckSettings:
    """Read the page's settings from the environment ``taskanalytics serve`` sets.

    Variables: ``TASKANALYTICS_WORKSPACE`` (the settings file; unset: the default workspace,
    never one found from the working directory), :data:`PLAN_ENV_VAR` (a plan's name in it, or
    a plan document; unset: its first plan), :data:`STORE_ENV_VAR` (unset: the workspace's
    store) and :data:`CHECK_ONLY_ENV_VAR` (``1``: check only).

    Parameters
    ----------
    environ
        The variables; default ``os.environ``.

    Returns
    -------
    CheckSettings
        Every version of the plan read.

    Raises
    ------
    WorkspaceError, PlanParseError
        If the workspace or a plan document cannot be read (``serve`` checks this before it
        starts the server).

    Examples
    --------
    >>> settings = settings_from_env({PLAN_ENV_VAR: "data/raw/plan.txt"})  # doctest: +SKIP
    """
    from taskanalytics.plan.build import read_plan
    from taskanalytics.plan.identity import plan_identity

    env = os.environ if environ is None else environ
    file = env.get(WORKSPACE_ENV_VAR) or None
    ws = load_workspace(file) if file else default_workspace()
    chosen = (env.get(PLAN_ENV_VAR) or "").strip()
    entry: PlanEntry
    if not chosen:
        entry = ws.plan()
    elif chosen in ws.plan_names():
        entry = ws.plan(chosen)
    else:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise WorkspaceError(f"{PLAN_ENV_VAR}={chosen!r}: neither a plan of the workspace "
                                 "nor a plan document")  # fmt: skip
        entry = PlanEntry(None, (PlanVersionEntry(path.resolve()),))
    plans = [read_plan(v.path, name=entry.name, **entry.read_options) for v in entry.versions]
    store = Path(env.get(STORE_ENV_VAR) or ws.store).expanduser().resolve()
    return CheckSettings(
        plan=plans[-1],
        versions=versions_lookup(plans),
        plan_name=plan_identity(plans[-1]).name,
        store=store,
        check_only=_flag(env.get(CHECK_ONLY_ENV_VAR)),
    )


# -- the HTML the clerk reads -----------------------------------------------------------------


def _box(color: str, bg: str, body: str) -> str:
    return f'<div style="{_BOX.format(color=color, bg=bg)}">{body}</div>'


def _headline(text: str, color: str) -> str:
    return f'<div style="font-size:1.25em;font-weight:bold;color:{color}">{html.escape(text)}</div>'


def _items(lines: tuple[str, ...], tag: str) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f'<{tag} style="{_LIST}">{items}</{tag}>'


def _who(result: CheckResult) -> str:
    parts = []
    if result.unit:
        parts.append(f"填报单位：{html.escape(result.unit)}")
    if result.quarter:
        parts.append(f"填报季度：{html.escape(_quarter_zh(result.quarter))}")
    parts.append(f"文件：{html.escape(result.file_name)}")
    return "<div>" + "；".join(parts) + "</div>"


def _quarter_zh(label: str) -> str:
    """``2023Q2`` -> ``2023年第二季度`` (the label itself when it is not one)."""
    try:
        return Quarter.parse(label).zh
    except TaskAnalyticsError:
        return label


def result_html(result: CheckResult, *, check_only: bool = False) -> str:
    """Return the Chinese HTML of a check's result: what the clerk reads under the upload.

    Green 「可以报送」 (or 「已收到并入库」 after a submit) with the unit and quarter; red
    「不能接收，请修改后重新上传」 with the numbered problems; warnings as 提醒. Every text from
    the file is escaped.

    Parameters
    ----------
    result
        What :func:`~taskanalytics.progress.check.check_upload` returned.
    check_only
        The page has no 提交 button: say to send the file as the office asks.

    Returns
    -------
    str
        An HTML fragment.
    """
    if not result.accepted:
        n = len(result.problems)
        body = (
            _headline(BAD_HEADLINE, _RED) + _who(result)
            + f"<div>发现 {n} 个问题，请逐条修改后保存，再重新上传：</div>"
            + _items(result.problems, "ol")
        )  # fmt: skip
        out = _box(_RED, "#fdecea", body)
    elif result.stored:
        body = _headline(STORED_HEADLINE, _GREEN) + _who(result)
        body += "<div>督查室已收到本季度报送，无需再通过其他方式重复报送。</div>"
        out = _box(_GREEN, "#e9f6ec", body)
    elif result.already_stored:
        body = _headline(ALREADY_HEADLINE, _GREEN) + _who(result)
        out = _box(_GREEN, "#e9f6ec", body)
    else:
        nxt = (
            "请按督查室的要求报送此文件。"
            if check_only
            else f"请点击下方「{SUBMIT_LABEL}」按钮报送。"
        )
        body = _headline(OK_HEADLINE, _GREEN) + _who(result) + f"<div>检查通过。{nxt}</div>"
        out = _box(_GREEN, "#e9f6ec", body)
    if result.warnings:
        body = (
            f'<div style="font-weight:bold;color:{_AMBER}">提醒（不影响接收，请核实）</div>'
            + _items(result.warnings, "ul")
        )
        out += _box(_AMBER, "#fff8e1", body)
    return out


def _trouble_html(what: str, incident: str) -> str:
    body = (
        _headline(what, _RED)
        + f"<div>请稍后重试；如仍不成功，请联系督查室，并告知错误编号 {incident}。</div>"
    )
    return _box(_RED, "#fdecea", body)


_INSTRUCTIONS = (
    "<ol style='{list};line-height:1.8'>"
    "<li>点击「选择文件」，选中本单位填好的季度进度填报表（督查室下发的 .xlsx 模板）。</li>"
    "<li>系统立即检查。显示绿色「可以报送」即检查通过；显示红色时，请按列出的问题逐条修改，"
    "保存后重新选择文件。</li>"
    "{submit}"
    "</ol>"
)


# -- the app ----------------------------------------------------------------------------------


class CheckApp:
    """The check page's widgets and what they do; :attr:`widget` is what is displayed.

    Parameters
    ----------
    settings
        The plan, its versions, the store and the mode (:func:`settings_from_env`).
    check_upload_fn
        The checking function (tests may pass a failing one); default
        :func:`~taskanalytics.progress.check.check_upload`.
    title
        Show the title 「进度报送自查」 (the notebook has it as a heading already).

    Attributes
    ----------
    upload : ipywidgets.FileUpload
        One ``.xlsx``/``.csv`` file.
    submit : ipywidgets.Button
        提交; not shown in check-only mode, disabled until a file passes the check.
    result : ipywidgets.HTML
        The Chinese result.
    last : CheckResult or None
        The latest result.
    """

    def __init__(
        self,
        settings: CheckSettings,
        *,
        check_upload_fn: Callable[..., CheckResult] = check_upload,
        title: bool = True,
    ) -> None:
        self.settings = settings
        self._check = check_upload_fn
        self._pending: tuple[bytes, str] | None = None
        self.last: CheckResult | None = None
        self.upload = w.FileUpload(
            accept=".xlsx,.csv",
            multiple=False,
            description="选择文件",
            tooltip="选择本单位填好的进度填报表（.xlsx）",
            button_style="primary",
            layout=w.Layout(width="auto", min_width="9em"),
        )
        self.submit = w.Button(
            description=SUBMIT_LABEL,
            button_style="success",
            icon="paper-plane",
            disabled=True,
            tooltip="把检查通过的文件报送督查室",
            layout=w.Layout(width="auto", min_width="7em"),
        )
        self.result = w.HTML(layout=w.Layout(width="100%"))
        self.upload.observe(self._on_upload, names="value")
        self.submit.on_click(self._on_submit)
        submit_step = (
            ""
            if settings.check_only
            else f"<li>检查通过后点击「{SUBMIT_LABEL}」，看到「{STORED_HEADLINE}」即报送完成。</li>"
        )
        heading = f"<h2 style='margin:0.3em 0'>{TITLE}</h2>" if title else ""
        header = w.HTML(
            heading + f"<div style='color:{_GREY};overflow-wrap:break-word'>"
            f"所属计划：{html.escape(settings.plan_name)}</div>"
            + _INSTRUCTIONS.format(list=_LIST, submit=submit_step),
            layout=w.Layout(width="100%"),
        )
        buttons = [self.upload] if settings.check_only else [self.upload, self.submit]
        for button in buttons:
            button.layout.margin = "4px 8px 4px 0"
        row = w.HBox(buttons, layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox(
            [header, row, self.result],
            layout=w.Layout(width="100%", max_width="820px", padding="0 8px"),
        )

    # the handlers never raise: whatever goes wrong is logged and said in Chinese

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:  # the reset below, or nothing chosen
            return
        first = files[0]
        data, name = bytes(first["content"]), str(first.get("name") or "")
        self._pending = None
        self.submit.disabled = True
        self.result.value = f"<div style='color:{_GREY}'>正在检查……</div>"
        result = self._run(data, name, submit=False, failing="系统暂时无法检查此文件")
        if result is not None and result.accepted and not self.settings.check_only:
            self._pending = (data, name)
            self.submit.disabled = False
        try:  # so that choosing the same file again checks it again
            self.upload.value = ()
        except Exception:  # noqa: BLE001 - a front end that cannot reset is harmless
            logger.debug("check page: could not reset the upload", exc_info=True)

    def _on_submit(self, _button: Any = None) -> None:
        if self._pending is None or self.settings.check_only:
            return
        data, name = self._pending
        self.submit.disabled = True
        self.result.value = f"<div style='color:{_GREY}'>正在提交……</div>"
        result = self._run(data, name, submit=True, failing="暂时无法入库")
        if result is None or not result.in_store:
            # after a failure (the store busy, say) the clerk may try again
            self.submit.disabled = result is not None and not result.accepted
            return
        self._pending = None

    def _run(self, data: bytes, name: str, *, submit: bool, failing: str) -> CheckResult | None:
        """Check (and with ``submit`` store) one file; show the result; None on a failure."""
        s = self.settings
        try:
            result = self._check(
                data, name, plan=s.plan, versions=s.versions,
                store=None if s.check_only else s.store, submit=submit,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - the page's edge: log it, say it in Chinese
            incident = uuid.uuid4().hex[:8]
            expected = isinstance(exc, TaskAnalyticsError)
            logger.log(
                logging.ERROR, "check page: error %s while %s %r: %s", incident,
                "submitting" if submit else "checking", name, exc, exc_info=not expected,
            )  # fmt: skip
            self.last = None
            self.result.value = _trouble_html(failing, incident)
            return None
        self.last = result
        self.result.value = result_html(result, check_only=s.check_only)
        return result


def _log_to_server() -> None:
    """Send the ``taskanalytics`` logger to the server's terminal, not to the page: in a
    kernel, ``sys.stderr`` is the page's output."""
    stream = sys.__stderr__
    if stream is None or any(getattr(h, "_check_page", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler._check_page = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def check_app(settings: CheckSettings | None = None, *, title: bool = True) -> w.VBox:
    """Return the check page's widget, ready to display.

    Parameters
    ----------
    settings
        Default :func:`settings_from_env`.
    title
        Show the title 「进度报送自查」 above the instructions.

    Returns
    -------
    ipywidgets.VBox
        Title, instructions, the upload, 提交 (unless check-only) and the result area.

    Examples
    --------
    >>> check_app(settings_from_env())  # doctest: +SKIP
    """
    _log_to_server()
    return CheckApp(settings or settings_from_env(), title=title).widget
