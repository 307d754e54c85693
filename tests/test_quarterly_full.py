"""The whole quarterly run on demo data, as the scheduled job does it, and the pages in Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser import open_page
from stores import XSS

from taskanalytics.quarterly import quarterly_briefings, run_quarter

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(seed_plan, quarter_store, quarter_run):
    """The session's quarterly run (tests/conftest.py): demo data plus 财政局's XSS note."""
    return seed_plan, quarter_store, quarter_run


def test_every_expected_briefing_exists_and_the_index_links_resolve(run):
    plan, store, result = run
    expected = quarterly_briefings(plan, "2023Q2", store=store)
    folder = result.out_dir
    assert folder.name == "2023Q2"
    assert sorted(p.stem for p in folder.glob("*.html") if p.stem != "index") == sorted(
        b.stem for b in expected
    )
    index = (folder / "index.html").read_text(encoding="utf-8")
    links = [unquote(link) for link in re.findall(r'<a href="([^"]+)"', index)]
    pages = [link for link in links if link.endswith(".html") and not link.startswith("../")]
    # the 单位排名 at the top links unit pages again, so the pages are compared as a set
    assert set(pages) == {f"{b.stem}.html" for b in expected}
    assert "../../index.html" in links  # up to every plan's quarters
    assert all((folder / link).is_file() for link in links)
    for heading in (
        "全区总览",
        "督办清单",
        "牵头单位简报",
        "分管领导简报",
        "指标专题",
        "源文件质量检查",
    ):
        assert heading in index
    assert "示例数据" in index and "数据截至 2023-06-30" in index
    assert re.search(r"<code>[0-9a-f]{12}</code>", index)  # source files with their hashes


def test_the_watchlist_page_and_its_excel_are_linked_and_complete(run):
    from openpyxl import load_workbook

    from taskanalytics import briefing, schema

    _, store, result = run
    folder = result.out_dir
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="watchlist.html"' in index and 'href="watchlist.xlsx"' in index
    ctx = briefing.load_context("2023Q2", store=store)
    items = ctx.current("watchlist")
    rows = list(load_workbook(folder / "watchlist.xlsx").worksheets[0].values)
    assert list(rows[0]) == list(schema.labels("assessment.watchlist").values())
    assert len(rows) - 1 == len(items) > 0
    page = (folder / "watchlist.html").read_text(encoding="utf-8")
    body = page.split("<main>", 1)[1]
    assert "仅显示" not in body and "分管领导" in body and "新增/持续" in body
    assert "上期督办事项整改情况" in body and "未报送" in body
    for link in {unquote(h) for h in re.findall(r'<a href="([^"#]+)"', body)}:
        assert (folder / link).is_file(), link
    overview = (folder / "overview.html").read_text(encoding="utf-8")
    assert 'href="watchlist.html"' in overview and "上期督办事项整改情况" in overview
    assert "未报送进度的牵头单位" in overview


def test_every_indicator_has_its_page_and_the_all_targets_page_links_them(run):
    from taskanalytics import briefing
    from taskanalytics.briefing.pages import indicator_page

    plan, store, result = run
    folder = result.out_dir
    index = (folder / "index.html").read_text(encoding="utf-8")
    linked = {unquote(h) for h in re.findall(r'<a href="([^"]+)"', index)}
    debt = indicator_page("化解政府性债务")
    assert {"indicators_all.html", debt, indicator_page("回迁安置")} <= linked
    assert "全部量化指标" in index and "指标专题（44）" in index
    keys = briefing.indicator_keys(plan)
    assert all(indicator_page(k) in linked for k in keys)
    page = (folder / debt).read_text(encoding="utf-8")
    assert "化解政府性债务" in page and "70,289" in page  # the year target
    body = (folder / "indicators_all.html").read_text(encoding="utf-8").split("<main>", 1)[1]
    ctx = briefing.load_context("2023Q2", store=store)
    assert body.count('data-label="目标值"') == len(ctx.current("indicators"))  # every target
    assert "-4,414.1 万元" in body and "个百分点" in body and "无数据" in body
    targets = {unquote(h) for h in re.findall(r'<a href="([^"#]+)"', body)}
    assert debt in targets and all((folder / t).is_file() for t in targets)


def test_every_page_links_back_has_a_chinese_title_and_a_sources_footer(run):
    _, _, result = run
    for page in result.out_dir.glob("*.html"):
        if page.stem == "index":
            continue
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<title>([^<]*)</title>", html).group(1)
        assert re.search(r"[\u4e00-\u9fff]", title) and page.stem not in title, (page.name, title)
        body = html.split("<main>", 1)[1]
        assert '<a href="index.html">← 返回目录</a>' in body, page.name
        head, _, _ = body.partition("<h2")  # before the first section
        assert "SHA-256" not in head and "数据来源" not in head, page.name
        footer = body.rsplit("数据来源", 1)[1]
        assert body.count("数据来源") >= 1 and "SHA-256" in footer, page.name
        assert re.search(r'class="ta-hash">[0-9a-f]{12}<', footer), page.name
    finance = (result.out_dir / "unit-财政局.html").read_text(encoding="utf-8")
    assert "<title>财政局 2023年第二季度督查简报</title>" in finance


def test_the_index_opens_with_the_headline_numbers_and_the_ranking(run):
    from taskanalytics import briefing
    from taskanalytics.assess import vocab as va

    _, store, result = run
    folder = result.out_dir
    index = (folder / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>([^<]*)</title>", index).group(1)
    assert "2023年第二季度" in title and "2023Q2" not in title
    ctx = briefing.load_context("2023Q2", store=store)
    figures = briefing.headline_figures(ctx)
    due = int(ctx.current("by_section")["due"].sum())
    assert figures["due"] == due and f"{due} 个</div>" in index
    for label in briefing.HEADLINE_LABELS.values():
        assert label in index
    ranking = ctx.assessment.unit_ranking("2023Q2")
    advanced = ranking.loc[ranking["standing"] == va.STANDING_LABELS["advanced"], "unit"]
    lagging = ranking.loc[ranking["standing"] == va.STANDING_LABELS["lagging"], "unit"]
    assert len(advanced) and len(lagging)
    opening = index.split("牵头单位简报", 1)[0]  # before the grouped links
    assert "单位排名" in opening and "先进" in opening and "后进" in opening
    for unit in [*advanced, *lagging]:
        assert f">{unit}</a>" in opening
    assert "viewport" in index and "示例数据" in index


def test_unit_names_in_the_overviews_unit_table_link_to_existing_pages(run):
    _, _, result = run
    folder = result.out_dir
    body = (folder / "overview.html").read_text(encoding="utf-8").split("<main>", 1)[1]
    section = body.split("各牵头单位进展", 1)[1].split("单位排名", 1)[0]
    links = {unquote(h) for h in re.findall(r'<a href="([^"#]+)"', section)}
    assert len(links) > 10 and all(link.startswith("unit-") for link in links)
    assert all((folder / link).is_file() for link in links)
    for link in {unquote(h) for h in re.findall(r'<a href="([^"#]+)"', body)}:
        assert (folder / link).is_file(), link
    assert "43,000" in body or "万元" in body  # main targets with separators and units


def test_every_page_is_code_free_offline_flagged_and_small(run):
    _, _, result = run
    for page in result.out_dir.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        if page.stem != "index":
            body = html.split("<main>", 1)[1]
            assert 'class="jp-InputArea' not in body and "Out[" not in body, page.name
        if page.stem != "source_audit":  # the audit reads the plan only, no progress data
            assert "示例数据" in html, page.name
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            refs = re.findall(rf"<{tag}\b[^>]*\b{attr}=[\"']([^\"']*)", html)
            assert not [r for r in refs if re.match(r"(https?:)?//", r)], (page.name, refs)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(url\()?\s*https?:", html)
        assert page.stat().st_size < 1_500_000, page.name


def test_a_units_script_note_is_escaped(run):
    _, _, result = run
    html = (result.out_dir / "unit-财政局.html").read_text(encoding="utf-8")
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rerunning_the_quarter_is_safe(run, tmp_path):
    plan, store, result = run
    out = tmp_path / "reports"
    shutil.copytree(result.out_dir, out / "2023-工作报告" / "2023Q2")
    jobs = [b for b in quarterly_briefings(plan, "2023Q2", store=store) if b.group == "overview"]
    again = run_quarter("2023Q2", store=store, out_dir=out, briefings=jobs)
    assert again.out_dir == out / "2023-工作报告" / "2023Q2"
    assert sorted(p.name for p in again.out_dir.glob("*.html")) == ["index.html", "overview.html"]
    # the folder copied in (published before links) became the link to the one new build
    hidden = sorted(p.name for p in again.out_dir.parent.iterdir() if p.name.startswith("."))
    assert again.out_dir.is_symlink()
    assert hidden == sorted([".2023Q2.lock", again.out_dir.readlink().name])


def _open(page_path: Path, width: int, shot: Path):
    with open_page(page_path, width=width) as (page, outside):
        charts = page.locator('img[src^="data:image/svg+xml"], svg.marks')
        drawn = []
        for i in range(charts.count()):
            chart = charts.nth(i)
            chart.scroll_into_view_if_needed()
            drawn.append(chart.evaluate("el => el.getBoundingClientRect().width"))
        page.screenshot(path=str(shot), full_page=True)
    return outside, drawn


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("stem", ["overview", "unit-财政局"])
def test_pages_draw_charts_in_chromium_without_network(run, tmp_path, stem, width):
    _, _, result = run
    shot = tmp_path / f"{stem}-{width}.png"
    outside, drawn = _open(result.out_dir / f"{stem}.html", width, shot)
    assert outside == []
    assert drawn and all(w > 50 for w in drawn)
    assert all(w <= width for w in drawn)  # charts fit the phone's width
    assert shot.stat().st_size > 10_000
