"""The JupyterLab explorer: ipywidgets filters, linked altair charts, sortable tables, export.

All logic is in :mod:`taskanalytics.explore` (plain pandas and altair); this module only wires
widgets to it, so tests drive an :class:`Explorer` by setting widget values and read what the
tables and charts now hold.

Charts are ``alt.JupyterChart`` widgets (anywidget), rendered live by JupyterLab with their
tooltips; a click on a unit's bar arrives through the chart's selection traitlet and sets the
牵头单位 filter, so every view follows it. Tables are a small anywidget (:class:`TableView`) that
scrolls, keeps its header in view and sorts on a header click; sorting is done in Python, so it
is the same in tests. Exported HTML cannot run widgets: briefings use static SVG instead.
"""

from __future__ import annotations

import html
from dataclasses import fields
from pathlib import Path
from typing import Any, Final

import altair as alt
import anywidget
import ipywidgets as w
import pandas as pd
import traitlets
from altair.utils.selection import PointSelection

from taskanalytics import schema
from taskanalytics.errors import TaskAnalyticsError
from taskanalytics.explore.charts import (
    UNIT_SELECTION,
    chart_achievement,
    chart_changes,
    chart_due_by_month,
    chart_indicator_series,
    chart_status_by_unit,
    empty_chart,
)
from taskanalytics.explore.compare import COMPARE_LABELS, compare_selection
from taskanalytics.explore.data import (
    FILTER_LABELS,
    ExploreData,
    Filters,
    Selection,
    explore_data,
    export_selection,
    filter_choices,
    indicator_series,
    relax_hints,
    select,
    store_note,
)
from taskanalytics.plan import Plan
from taskanalytics.plan.order import pinyin_key
from taskanalytics.progress import vocab as vp
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = ["Explorer", "TableView", "TABLE_COLUMNS", "plan_explorer"]

#: Columns shown by each table of the explorer: column -> Chinese header (from
#: :mod:`taskanalytics.schema`), in order. The targets table joins each target's milestone text.
TABLE_COLUMNS: Final[dict[str, dict[str, str]]] = {
    "tasks": schema.labels(
        "assessment.by_task",
        ["task_id", "task_title", "category", "lead_units", "leaders", "status", "light",
         "milestones", "due", "done", "overdue", "not_reported", "on_time_rate", "red_streak"],
    ),
    "milestones": schema.labels(
        "assessment.milestones",
        ["milestone_id", "text", "due_date", "status", "light", "days_overdue", "lead_units",
         "leaders", "reported_status", "note"],
    ),
    "targets": {
        **schema.labels(
            "assessment.indicators",
            ["milestone_id", "metric", "target", "actual", "unit", "achievement", "band",
             "due_date", "status", "lead_units"],
        ),
        "text": schema.label("text", "assessment.milestones"),
    },
}  # fmt: skip
_PERCENT_COLUMNS = {"on_time_rate", "achievement"}
#: Columns holding codes that readers should see in Chinese.
_CODE_LABELS: Final = {"reported_status": vp.STATUS_LABELS}

_TABLE_ESM = """
function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "ta-table";
  el.appendChild(wrap);
  const draw = () => {
    const cols = model.get("columns"), rows = model.get("rows");
    const by = model.get("sort_by"), asc = model.get("ascending");
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const c of cols) {
      const th = document.createElement("th");
      th.textContent = c.label + (c.key === by ? (asc ? " ▲" : " ▼") : "");
      th.title = "点击排序";
      th.onclick = () => {
        if (model.get("sort_by") === c.key) model.set("ascending", !model.get("ascending"));
        else { model.set("sort_by", c.key); model.set("ascending", true); }
        model.save_changes();
      };
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      for (const c of cols) tr.insertCell().textContent = r[c.key] ?? "";
    }
    wrap.style.maxHeight = model.get("max_height") + "px";
    wrap.replaceChildren(table);
  };
  draw();
  for (const name of ["rows", "columns", "sort_by", "ascending", "max_height"])
    model.on("change:" + name, draw);
}
export default { render };
"""

_TABLE_CSS = """
.ta-table { overflow: auto; border: 1px solid #d0d7de; }
.ta-table table { border-collapse: collapse; font-size: 12px; width: 100%; }
.ta-table th { position: sticky; top: 0; background: #f3f5f8; cursor: pointer;
  text-align: left; padding: 4px 6px; white-space: nowrap; border-bottom: 1px solid #d0d7de; }
.ta-table td { padding: 3px 6px; border-top: 1px solid #eee; vertical-align: top;
  max-width: 420px; min-width: 2.5em; }
.ta-table td:nth-child(-n+1) { white-space: nowrap; }
.ta-table tr:hover td { background: #fafbe6; }
"""


def _cell(value: Any, column: str) -> str:
    """Text shown for one cell: lists joined with 、, dates as 2023-06-30, rates in %."""
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if column in _PERCENT_COLUMNS:
        return f"{float(value):.0%}"
    if column in _CODE_LABELS:
        return _CODE_LABELS[column].get(str(value), str(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class TableView(anywidget.AnyWidget):
    """A scrolling table with a sticky header that sorts when a header is clicked.

    Set a frame with :meth:`show`; ``sort_by`` and ``ascending`` (synced with the browser) sort
    it in Python, so :attr:`frame` is exactly what the reader sees, in order.
    """

    _esm = _TABLE_ESM
    _css = _TABLE_CSS
    columns = traitlets.List().tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    sort_by = traitlets.Unicode("").tag(sync=True)
    ascending = traitlets.Bool(True).tag(sync=True)
    max_height = traitlets.Int(320).tag(sync=True)

    def __init__(self, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._labels = dict(labels)
        self._frame = pd.DataFrame(columns=list(labels))
        self.columns = [{"key": k, "label": v} for k, v in labels.items()]
        self.observe(lambda _: self._draw(), names=["sort_by", "ascending"])

    @property
    def frame(self) -> pd.DataFrame:
        """The rows shown, in the order shown (a copy)."""
        return self._sorted().copy()

    def show(self, frame: pd.DataFrame) -> None:
        """Show ``frame``'s columns named in the labels (the frame is not modified)."""
        self._frame = frame[[c for c in self._labels if c in frame.columns]]
        self._draw()

    def _sorted(self) -> pd.DataFrame:
        frame, by = self._frame, self.sort_by
        if by not in frame.columns:
            return frame
        col = frame[by]
        if col.map(lambda v: isinstance(v, list | tuple)).any():
            col = col.map(lambda v: _cell(v, by))
        texts = col.dropna()
        if len(texts) and texts.map(lambda v: isinstance(v, str)).all():
            # names in pinyin order (交警大队 before 人社局), as in the drop-downs
            col = col.map(lambda v: pinyin_key(v) if isinstance(v, str) else v)
        order = col.sort_values(ascending=self.ascending, kind="stable", na_position="last")
        return frame.loc[order.index]

    def _draw(self) -> None:
        frame = self._sorted()
        self.rows = [
            {c: _cell(v, c) for c, v in zip(frame.columns, row, strict=True)}
            for row in frame.itertuples(index=False, name=None)
        ]


class Explorer:
    """Filters, linked charts, tables, export and an indicator picker over one plan.

    Build it with :func:`taskanalytics.explore.plan_explorer`. It displays itself in a notebook.

    Parameters
    ----------
    data
        From :func:`~taskanalytics.explore.explore_data`; not modified.
    quarter
        The quarter shown first; default the last one of ``data``.
    export_dir
        Pre-filled folder of the export button; default ``data/processed/exports/``.
    offline
        Load the charts' JavaScript (vega-embed) from vl-convert's bundle rather than a CDN.
        This switches every ``alt.JupyterChart`` of the process to offline mode.

    Attributes
    ----------
    data : ExploreData
        The assessed tables the explorer filters.
    filters : dict of str to ipywidgets.Widget
        One widget per :class:`~taskanalytics.explore.Filters` field (drop-downs hold ``""``
        for 全部, the text box holds the search string).
    charts : dict of str to altair.JupyterChart
        ``unit`` (status by lead unit; clicking a bar selects the unit), ``month`` (milestones
        due per month), ``achievement`` (indicator achievement), ``series`` (picked indicator).
    tables : dict of str to TableView
        ``tasks``, ``milestones``, ``targets``: the current selection.
    indicator : ipywidgets.Dropdown
        The metric drawn in ``charts["series"]``.
    export_dir : ipywidgets.Text
        Folder the export button writes to.
    compare_from, compare_to : ipywidgets.Dropdown
        The two quarters compared (上期, 本期); ``charts["changes"]`` counts the changes and
        ``tables["changes"]`` lists them (:func:`~taskanalytics.explore.compare.compare_quarters`
        for the milestones the filters pick). The export adds them as a 季度对比 sheet.
    summary, export_status : ipywidgets.HTML
        The selection in one line; the last export's result.
    widget : ipywidgets.VBox
        The whole explorer.
    """

    def __init__(
        self,
        data: ExploreData,
        *,
        quarter: str | None = None,
        export_dir: str | Path | None = None,
        offline: bool = True,
        store: str | Path | None = None,
    ) -> None:
        self._store_note = store_note(store, has_progress=data.has_progress)
        if offline:
            # vega-embed from vl-convert's bundle instead of a CDN (intranet machines have
            # none); altair keeps this per process, and building the bundle takes ~3 s once.
            alt.JupyterChart.enable_offline()
        self.data = data
        choices = filter_choices(data)
        first = quarter if quarter in data.quarters else data.quarters[-1]
        self.filters: dict[str, w.Widget] = {
            name: w.Dropdown(
                options=options,
                value=first if name == "quarter" else "",
                description=FILTER_LABELS[name],
                layout=w.Layout(width="260px"),
            )
            for name, options in choices.items()
        }
        self.filters["text"] = w.Text(
            description="关键词",
            placeholder="任务或节点内容，回车搜索",
            continuous_update=False,
            layout=w.Layout(width="260px"),
        )
        self._selection = select(data, quarter=first)
        self._busy = False
        self.charts: dict[str, alt.JupyterChart] = {}
        for name, chart in self._build_charts(self._selection).items():
            self.charts[name] = alt.JupyterChart(chart)
        self.charts["unit"].observe(self._on_unit_click, names="_vl_selections")
        self.tables = {name: TableView(labels) for name, labels in TABLE_COLUMNS.items()}
        self.tables["changes"] = TableView(COMPARE_LABELS)
        position = data.quarters.index(first)
        self.compare_from = w.Dropdown(
            options=list(data.quarters),
            value=data.quarters[max(position - 1, 0)],
            description="上期",
            layout=w.Layout(width="200px"),
        )
        self.compare_to = w.Dropdown(
            options=list(data.quarters), value=first, description="本期",
            layout=w.Layout(width="200px"),
        )  # fmt: skip
        self.compare_status = w.HTML()
        self.charts["changes"] = alt.JupyterChart(self._changes_chart())
        for picker in (self.compare_from, self.compare_to):
            picker.observe(lambda _: self._draw_changes(), names="value")
        metrics = list(dict.fromkeys(data.targets["metric"].astype(str)))
        self.indicator = w.Dropdown(
            options=metrics, value=self._default_metric(metrics), description="指标"
        )
        self.charts["series"] = alt.JupyterChart(self._series_chart())
        self.indicator.observe(lambda _: self._draw_series(), names="value")
        self.export_dir = w.Text(
            value=str(export_dir) if export_dir else "",
            description="导出到",
            placeholder="默认 data/processed/exports/",
            layout=w.Layout(width="420px"),
        )
        self.export_button = w.Button(description="导出 xlsx + csv", icon="download")
        self.export_button.on_click(lambda _: self._on_export())
        self.export_status = w.HTML()
        self.summary = w.HTML()
        for widget in self.filters.values():
            widget.observe(self._on_filter, names="value")
        self.widget = self._layout()
        self._refresh()

    # ------------------------------------------------------------------ public

    @property
    def selection(self) -> Selection:
        """The rows that match the current filters."""
        return self._selection

    @property
    def current_filters(self) -> Filters:
        """The filter panel's values as a :class:`Filters`."""
        return Filters().replace(**{k: wd.value for k, wd in self.filters.items()})

    def set_filters(self, **values: str | None) -> Selection:
        """Set several filters at once (one refresh); None or ``""`` clears one.

        Parameters
        ----------
        **values
            :class:`~taskanalytics.explore.Filters` field names and values.

        Returns
        -------
        Selection
            The new selection.

        Raises
        ------
        TaskAnalyticsError
            For an unknown filter name.
        """
        unknown = set(values) - {f.name for f in fields(Filters)}
        if unknown:
            raise TaskAnalyticsError(
                f"unknown filter(s) {sorted(unknown)}; expected Filters fields"
            )
        self._busy = True
        try:
            for name, value in values.items():
                self.filters[name].value = value or ""
        finally:
            self._busy = False
        self._refresh()
        return self._selection

    def click_unit(self, unit: str | None) -> Selection:
        """Select a unit on the status chart as a click on its bar does (None: double-click).

        The value goes through the chart's selection traitlet, exactly as the browser sends it.

        Parameters
        ----------
        unit
            A lead unit shown in the chart, or None to clear the selection.

        Returns
        -------
        Selection
        """
        signal = {"unit": [unit], "vlPoint": {"or": [{"unit": unit}]}} if unit else {}
        store = [{"unit": UNIT_SELECTION, "fields": [], "values": [unit]}] if unit else []
        self.charts["unit"]._vl_selections = {UNIT_SELECTION: {"value": signal, "store": store}}
        return self._selection

    def export(self, folder: str | Path | None = None) -> list[Path]:
        """Write the current selection to ``.xlsx`` and ``.csv`` (what the button does).

        Parameters
        ----------
        folder
            Default: the ``export_dir`` box, else ``data/processed/exports/``.

        Returns
        -------
        list of pathlib.Path
            See :func:`~taskanalytics.explore.export_selection`.
        """
        target = folder if folder is not None else (self.export_dir.value.strip() or None)
        pair = (self.compare_from.value, self.compare_to.value)
        return export_selection(self._selection, target, comparison=self._changes, compared=pair)

    def set_compare(self, q1: str, q2: str) -> pd.DataFrame:
        """Compare quarter ``q1`` (上期) with ``q2`` (本期), as picking them does.

        Returns
        -------
        pandas.DataFrame
            The changes shown (:func:`~taskanalytics.explore.compare.compare_selection`).
        """
        self._busy = True
        try:
            self.compare_from.value, self.compare_to.value = q1, q2
        finally:
            self._busy = False
        self._draw_changes()
        return self._changes

    @property
    def changes(self) -> pd.DataFrame:
        """The quarter-to-quarter changes shown (a copy)."""
        return self._changes.copy()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ internals

    def _build_charts(self, sel: Selection) -> dict[str, Any]:
        # The unit chart ignores the unit filter, so the other units stay clickable.
        units = select(self.data, sel.filters, lead_unit=None).milestones
        return {
            "unit": chart_status_by_unit(units, selected=sel.filters.lead_unit),
            "month": chart_due_by_month(sel.milestones),
            "achievement": chart_achievement(sel.targets),
        }

    def _default_metric(self, metrics: list[str]) -> str | None:
        measured = self.data.targets.dropna(subset=["actual"])
        preferred = [m for m in measured["metric"].astype(str) if m in metrics]
        return (preferred or metrics or [None])[0]

    def _series_chart(self) -> Any:
        metric = self.indicator.value
        if metric is None:  # a plan without quantitative targets
            return empty_chart("（本计划没有量化指标）")
        series = indicator_series(self.data, metric, self._selection.filters.quarter)
        return chart_indicator_series(series)

    def _changes_chart(self) -> Any:
        q1, q2 = self.compare_from.value, self.compare_to.value
        self._changes = compare_selection(self.data, self.current_filters, q1, q2)
        return chart_changes(self._changes, title=f"{q1} → {q2} 变化")

    def _draw_changes(self) -> None:
        if self._busy:
            return
        self.charts["changes"].chart = self._changes_chart()
        self.tables["changes"].show(self._changes)
        q1, q2 = self.compare_from.value, self.compare_to.value
        n = len(self._changes)
        if q1 == q2:
            text = "上期与本期相同，请选择两个不同的季度。"
        elif n == 0:
            text = f"{q1} → {q2}：所选范围内没有转红、转绿、督办增减或指标升降档。"
        else:
            counts = self._changes["change"].value_counts()
            text = f"{q1} → {q2}：" + "，".join(f"{k} {v} 项" for k, v in counts.items())
        self.compare_status.value = html.escape(text)

    def _draw_series(self) -> None:
        self.charts["series"].chart = self._series_chart()

    def _on_filter(self, _change: dict[str, Any]) -> None:
        if not self._busy:
            self._refresh()

    def _refresh(self) -> None:
        old_quarter = self._selection.filters.quarter
        self._selection = select(self.data, self.current_filters)
        sel = self._selection
        self._busy = True
        try:
            for name, chart in self._build_charts(sel).items():
                self.charts[name].chart = chart
        finally:
            self._busy = False
        for name in TABLE_COLUMNS:
            self.tables[name].show(getattr(sel, name))
        if sel.filters.quarter != old_quarter and "series" in self.charts:
            self._draw_series()
        if "changes" in self.charts:
            self._draw_changes()
        note = self._store_note
        if note and not self.data.has_progress and "不存在" in note:
            note = f"<span style='color:#b00'>{html.escape(note)}</span>"
        else:
            note = html.escape(note)
        text = f"<b>{html.escape(sel.summary())}</b> {note}"
        if sel.milestones.empty:
            hints = relax_hints(self.data, sel.filters)
            relax = "；".join(hints) if hints else "请放宽筛选条件或清空关键词"
            text += f"<br><span style='color:#b00'>没有符合全部条件的节点。可放宽：{html.escape(relax)}</span>"
        self.summary.value = text

    def _on_unit_click(self, change: dict[str, Any]) -> None:
        if self._busy:  # the chart being redrawn resets its selection: not a click
            return
        raw = (change["new"] or {}).get(UNIT_SELECTION) or {}
        points = PointSelection.from_vega(UNIT_SELECTION, raw.get("value"), raw.get("store", []))
        units = [p["unit"] for p in points.value if p.get("unit")]
        unit = units[0] if units else None
        # A redrawn chart reports its initial selection, which is the current filter: no-op.
        if unit != self.current_filters.lead_unit:
            self.set_filters(lead_unit=unit)

    def _on_export(self) -> None:
        try:
            paths = self.export()
        except TaskAnalyticsError as exc:
            self.export_status.value = (
                f"<span style='color:#b00'>导出失败：{html.escape(str(exc))}</span>"
            )
            return
        names = "、".join(html.escape(p.name) for p in paths)
        self.export_status.value = (
            f"已导出 {len(self._selection.milestones)} 个节点到 "
            f"<code>{html.escape(str(paths[0].parent))}</code>：{names}"
        )

    def _layout(self) -> w.VBox:
        f = self.filters
        panel = w.VBox(
            [
                w.HBox([f["quarter"], f["section"], f["category"]]),
                w.HBox([f["lead_unit"], f["leader"], f["status"]]),
                w.HBox([f["due_quarter"], f["text"]]),
            ]
        )
        wrap = w.Layout(flex_flow="row wrap", align_items="flex-start")
        charts = w.Box(
            [self.charts["unit"], w.VBox([self.charts["month"], self.charts["achievement"]])],
            layout=wrap,
        )
        tabs = w.Tab(children=[self.tables[n] for n in TABLE_COLUMNS])
        for i, title in enumerate(("任务", "节点", "指标")):
            tabs.set_title(i, title)
        export = w.HBox([self.export_dir, self.export_button])
        series = w.VBox([self.indicator, self.charts["series"]])
        compare = w.VBox(
            [
                w.HTML("<b>季度对比</b>：选两个季度，看转红、转绿、新增督办、销号和指标升降档"),
                w.HBox([self.compare_from, self.compare_to]),
                self.compare_status,
                w.Box([self.charts["changes"], self.tables["changes"]], layout=wrap),
            ]
        )
        return w.VBox(
            [panel, self.summary, charts, tabs, compare, export, self.export_status, series]
        )


def plan_explorer(
    plan: Plan,
    progress: pd.DataFrame | None = None,
    *,
    quarter: QuarterLike | None = None,
    export_dir: str | Path | None = None,
    offline: bool = True,
    store: str | Path | None = None,
) -> Explorer:
    """Return the JupyterLab explorer: filter panel, linked charts, tables, export, indicators.

    Parameters
    ----------
    plan
        A plan from :func:`taskanalytics.read_plan`; not modified.
    progress
        Progress reports (:func:`taskanalytics.progress.store.load_progress_history`), or None to
        explore the plan alone.
    quarter
        The quarter shown first (a :class:`~taskanalytics.quarters.Quarter` or its label);
        default the last quarter of the plan year.
    export_dir
        Folder of the export button; default :data:`DEFAULT_EXPORT_DIR`.
    offline
        Charts load their JavaScript from vl-convert's bundle, not a CDN (see ``Explorer``).
    store
        The progress store the analyst named (the notebook's ``store`` parameter), or None for
        the default location; a named store that does not exist is named in the summary line.

    Returns
    -------
    taskanalytics.explore.widgets.Explorer
        Displays itself in a notebook; see its attributes for programmatic use.

    Examples
    --------
    >>> ex = plan_explorer(plan, progress, quarter="2023Q2")  # doctest: +SKIP
    >>> ex.set_filters(lead_unit="财政局")  # doctest: +SKIP
    """
    label = Quarter.parse(quarter).label if quarter else None
    data = explore_data(plan, progress, quarter=label)
    return Explorer(data, quarter=label, export_dir=export_dir, offline=offline, store=store)
