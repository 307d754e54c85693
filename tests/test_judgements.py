"""研判: the round trip enter -> store -> briefing, with the light and the 研判 never merged."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from taskanalytics import briefing, schema
from taskanalytics.briefing import context as briefing_context
from taskanalytics.cli import main
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.errors import ValidationError
from taskanalytics.explore import judgement_form
from taskanalytics.progress import (
    load_judgements,
    open_store,
    read_judgement_file,
    record_judgements,
    write_judgement_template,
)
from taskanalytics.progress.db import SCHEMA_VERSION

Q = "2023Q2"


def _count(path, table="judgements") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _row(task_id, judgement, reason="理由", **kw):
    return {"task_id": task_id, "quarter": Q, "judgement": judgement, "reason": reason,
            "judged_by": "督查室张三", **kw}  # fmt: skip


def _context(store):
    briefing_context._load.cache_clear()  # WAL writes may leave the main file's stamp alone
    return briefing.load_context(Q, plan_path=DEFAULT_PLAN_PATH, store=store)


@pytest.fixture
def lights(seed_plan, demo_store_copy):
    """Task id -> light word on the demo store in 2023Q2 (before any judgement)."""
    by_task = _context(demo_store_copy).current("by_task")
    return dict(zip(by_task["task_id"], by_task["light"].astype(str), strict=True))


def _task(lights, word):
    return next(t for t, light in lights.items() if light == word)


# --------------------------------------------------------------------------- the store


def test_schema_v5_has_an_append_only_judgements_table(seed_plan, demo_store_copy):
    assert SCHEMA_VERSION == 5
    record_judgements(demo_store_copy, seed_plan, [_row("T001", "有风险")], source="form")
    with sqlite3.connect(demo_store_copy) as conn:
        for sql in ("UPDATE judgements SET reason = 'x'", "DELETE FROM judgements"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    assert _count(demo_store_copy) == 1


def test_the_template_filled_with_openpyxl_round_trips(seed_plan, demo_store_copy, tmp_path):
    path = write_judgement_template(seed_plan, Q, tmp_path / "研判.xlsx", lights={"T001": "绿"})
    wb = openpyxl.load_workbook(path)
    ws = wb["研判填报"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["任务编号", "任务", "牵头单位", "当前灯色", "季度"]
    col = {h: i + 1 for i, h in enumerate(header)}
    assert ws.max_row - 1 == len(seed_plan.tasks)  # one row per task, in plan order
    assert [ws.cell(r, 1).value for r in (2, 3)] == list(seed_plan.tasks["task_id"][:2])
    assert ws.cell(2, col["当前灯色"]).value == "绿" and ws.cell(2, col["季度"]).value == Q
    assert any("有把握" in dv.formula1 for dv in ws.data_validations.dataValidation)
    for r, word, reason in ((2, "有风险", "资金尚未到位"), (3, "有把握", "已开工")):
        ws.cell(r, col["研判"]).value = word
        ws.cell(r, col["理由"]).value = reason
        ws.cell(r, col["研判人"]).value = "李四"
        ws.cell(r, col["研判日期"]).value = dt.datetime(2023, 6, 28)
    filled = tmp_path / "研判_已填.xlsx"
    wb.save(filled)

    rows = read_judgement_file(filled, seed_plan)
    assert list(rows["task_id"]) == ["T001", "T002"]  # unfilled rows skipped
    assert record_judgements(demo_store_copy, seed_plan, rows, source=filled) == 2
    open_store(demo_store_copy)  # re-opened: still there, nothing to migrate
    loaded = load_judgements(demo_store_copy, seed_plan, Q)
    schema.validate(loaded, "progress.judgements")
    got = loaded.set_index("task_id")
    assert got.loc["T001", "judgement"] == "at_risk" and got.loc["T002", "reason"] == "已开工"
    assert got.loc["T001", "source"] == filled.name and len(got.loc["T001", "source_sha256"]) == 64
    assert got.loc["T001", "judged_at"] == pd.Timestamp("2023-06-28")


def test_the_form_records_and_the_latest_wins(seed_plan, demo_store_copy):
    form = judgement_form(seed_plan, demo_store_copy, quarter=Q)
    assert [v for _, v in form.task.options][:3] == list(seed_plan.tasks["task_id"][:3])
    form.task.value, form.judgement.value = "T003", "sure"
    form.reason.value, form.judged_by.value = "序时推进", "王五"
    form.save_button.click()
    assert "已保存" in form.status.value
    form.judgement.value, form.reason.value = "unlikely", "用地指标未落实"
    form.save_button.click()
    assert _count(demo_store_copy) == 2  # both kept: append-only
    got = load_judgements(demo_store_copy, seed_plan, Q)
    assert got[["task_id", "judgement", "reason", "source"]].values.tolist() == [
        ["T003", "unlikely", "用地指标未落实", "form"]
    ]


def test_the_form_shows_problems_and_stores_nothing(seed_plan, demo_store_copy):
    form = judgement_form(seed_plan, demo_store_copy, quarter=Q)
    form.task.value = "T003"
    form.save_button.click()  # no 研判, no 理由, no 研判人
    assert "未保存" in form.status.value
    for words in ("「研判」列", "「理由」列", "「研判人」列"):
        assert words in form.status.value
    assert _count(demo_store_copy) == 0


def test_bad_rows_list_every_problem_in_chinese_and_store_nothing(seed_plan, demo_store_copy):
    rows = [
        _row("T999", "有风险"),
        {**_row("T001", "还行"), "quarter": "2024Q1"},
        _row("T002", "有把握", reason="  "),
        _row("T003", "at_risk", reason="长" * 501),
        _row("T004", "sure", judged_at=dt.date.today() + dt.timedelta(days=3)),
    ]
    with pytest.raises(ValidationError) as caught:
        record_judgements(demo_store_copy, seed_plan, rows, source="form")
    lines = caught.value.zh_lines()
    assert len(lines) == 6
    assert "第 1 行「任务编号」列：填写的“T999”不是本计划的任务编号。" in lines
    assert any("第 2 行「季度」列" in x and "2023年" in x for x in lines)
    assert any("第 2 行「研判」列：填写的“还行”不是可选的研判" in x for x in lines)
    assert "第 3 行「理由」列：未填写，须写明研判理由。" in lines
    assert any("第 4 行「理由」列" in x and "500" in x for x in lines)
    assert any("第 5 行「研判日期」列" in x for x in lines)
    assert all(re.search(r"[\u4e00-\u9fff]", x) for x in lines)
    assert _count(demo_store_copy) == 0


def test_a_filled_csv_and_the_cli(seed_plan, demo_store_copy, tmp_path):
    args = ["--store", str(demo_store_copy), "--plan", str(DEFAULT_PLAN_PATH)]
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(main, ["judge", "-q", Q, "--template", str(out), *args])
    assert result.exit_code == 0, result.output
    assert out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("任务编号,季度,研判,理由,研判人,研判日期\nT001,2023Q1,有风险,资金,张三,\n",
                   encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(main, ["judge", "-q", Q, str(bad), *args])
    assert result.exit_code == 1
    assert "第 2 行「季度」列" in result.output and "不是本次录入的季度" in result.output
    good = tmp_path / "good.csv"
    good.write_text("任务编号,季度,研判,理由,研判人,研判日期\nT001,,有风险,资金,张三,2023-06-30\n",
                    encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(main, ["judge", "-q", Q, str(good), *args])
    assert result.exit_code == 0, result.output
    assert load_judgements(demo_store_copy, seed_plan, Q)["task_id"].tolist() == ["T001"]


# --------------------------------------------------------------------------- the briefings


def _cells_of(html: str, task_id: str) -> list[str]:
    """The cells of a task's row (cards carry ``data-label``)."""
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f">{task_id}<" in r)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row,
                                                                   re.S)]  # fmt: skip


def test_tasks_table_shows_light_and_judgement_in_separate_columns(
    seed_plan, demo_store_copy, lights
):
    green, red = _task(lights, "绿"), _task(lights, "红")
    before = _context(demo_store_copy).assessment.by_task.copy()
    record_judgements(
        demo_store_copy, seed_plan,
        [_row(green, "有风险", reason="资金缺口较大"), _row(red, "有把握", reason="下月完工")],
        source="form",
    )  # fmt: skip
    ctx = _context(demo_store_copy)
    pd.testing.assert_frame_equal(ctx.assessment.by_task, before)  # the light is unchanged
    html = briefing.tasks_table(ctx).data
    headers = re.findall(r"<th>(.*?)</th>", html)
    assert headers.index("研判") == headers.index("灯色") + 1
    light_at, judged_at = headers.index("灯色"), headers.index("研判")
    for task, light, word in ((green, "绿", "有风险"), (red, "红", "有把握")):
        cells = _cells_of(html, task)
        assert cells[light_at] == light and cells[judged_at] == word
    unjudged = next(t for t in lights if t not in (green, red) and lights[t] in ("红", "绿"))
    assert _cells_of(html, unjudged)[judged_at] == ""  # nothing, not a default
    unit = ctx.current("by_task").set_index("task_id").loc[green, "lead_units"][0]
    assert "有风险" in briefing.tasks_table(ctx, unit=unit).data


def test_the_overview_lists_the_disagreements_that_matter(seed_plan, demo_store_copy, lights):
    greens = [t for t, x in lights.items() if x == "绿"]
    reds = [t for t, x in lights.items() if x == "红"]
    ctx = _context(demo_store_copy)
    assert "尚未录入研判" in briefing.disagreements_section(ctx).data
    record_judgements(
        demo_store_copy, seed_plan,
        [
            _row(greens[0], "有风险", reason="资金缺口"),  # disagrees
            _row(greens[1], "有把握", reason="进展顺利"),  # agrees
            _row(reds[0], "有把握", reason="下月可完成"),  # disagrees
            _row(reds[1], "难以完成", reason="用地未落实"),  # agrees
        ],
        source="form",
    )  # fmt: skip
    ctx = _context(demo_store_copy)
    found = briefing.disagreements(ctx)
    assert found["task_id"].tolist() == [greens[0], reds[0]]
    assert found["light"].astype(str).tolist() == ["绿", "红"]
    assert found["judgement"].tolist() == ["有风险", "有把握"]
    html = briefing.disagreements_section(ctx, title="研判与进度不一致的任务", level=3).data
    assert "<h3" in html and "研判与进度不一致的任务" in html
    headers = re.findall(r"<th>(.*?)</th>", html)
    assert headers == ["任务编号", "任务", "牵头单位", "灯色", "研判", "理由", "研判人"]
    assert "资金缺口" in html and "下月可完成" in html
    assert "进展顺利" not in html and "用地未落实" not in html
