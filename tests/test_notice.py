"""The 督查通报 (briefing/notice.py): the quarter's Word draft, read back with python-docx.

The figures are checked against the context's own numbers (``headline_figures``, the watch
list), not against literals; LibreOffice, when installed, lays the document out as a word
processor would and the PDF's words must stay inside the A4 text block.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from taskanalytics.assess import vocab as va
from taskanalytics.briefing import headline_figures, load_context
from taskanalytics.briefing.notice import (
    DEFAULT_ISSUER,
    NOTICE_TEMPLATE,
    notice_context,
    rate_text,
    write_notice,
)
from taskanalytics.config import DEFAULT_PLAN_PATH

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = ROOT / "taskanalytics" / Path(*NOTICE_TEMPLATE[:-1])
HOSTILE = "<script>alert(1)</script> & <b>"
WATCH_HEADER = ["节点编号", "督办事项", "牵头单位", "分管领导", "督办原因", "逾期天数", "类别"]


@pytest.fixture(scope="module")
def ctx(quarter_store):
    return load_context("2023Q2", plan_path=DEFAULT_PLAN_PATH, store=quarter_store)


@pytest.fixture(scope="module")
def notice(ctx, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("notice")
    return write_notice(ctx, out / f"督查通报_{ctx.quarter}.docx")


def _all_text(doc) -> str:
    """Body paragraphs, table cells, headers and footers, one line each."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        for part in (section.header, section.even_page_header):
            lines.extend(p.text for p in part.paragraphs)
    return "\n".join(lines)


def _table(doc, header: list[str]):
    found = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == header]
    assert len(found) == 1, f"one table headed {header}"
    return found[0]


def _joined(value) -> str:
    """Names as the notice writes them (lists joined with 、; the watch list's text as is)."""
    return value if isinstance(value, str) else va.LIST_SEPARATOR.join(map(str, value))


# --------------------------------------------------------------------------- content


def test_writes_the_named_file_atomically(notice):
    assert notice.name == "督查通报_2023Q2.docx"
    assert notice.is_file()
    assert [p.name for p in notice.parent.iterdir()] == [notice.name]  # no temp file left


def test_title_and_quarter(notice, ctx):
    doc = Document(notice)
    title = [p for p in doc.paragraphs if p.style.name == "Title"]
    assert [p.text for p in title] == ["关于2023年第二季度全区重点工作任务推进情况的通报"]
    text = _all_text(doc)
    assert DEFAULT_ISSUER in text
    assert f"截至{ctx.as_of.year}年{ctx.as_of.month}月{ctx.as_of.day}日" in text
    for heading in ("一、总体情况", "二、主要指标完成情况", "三、督办事项", "四、单位排名",
                    "五、上期督办整改情况", "六、下一步工作"):  # fmt: skip
        assert heading in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def test_the_quarter_figures_are_the_contexts(notice, ctx):
    f = headline_figures(ctx)
    text = _all_text(Document(notice))
    assert f"应完成节点{f['due']}个" in text
    assert f"已完成{f['done']}个" in text
    assert f"逾期未完成{f['overdue']}个" in text
    assert f"按期完成率{rate_text(f['on_time_rate'])}" in text
    assert f"列入督办事项{f['watchlist']}项" in text
    assert f"未报送进度的牵头单位{f['units_not_reporting']}个" in text
    data = notice_context(ctx)
    assert (data["due"], data["done"], data["overdue"]) == (f["due"], f["done"], f["overdue"])
    assert data["on_time_rate"] == pytest.approx(f["on_time_rate"])
    assert data["watch_count"] == f["watchlist"] == len(ctx.current("watchlist"))


def test_every_watch_item_with_its_lead_unit_and_leader(notice, ctx):
    table = _table(Document(notice), WATCH_HEADER)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    watch = ctx.current("watchlist")
    assert len(table.rows) - 1 == len(watch) > 0
    for item in watch.itertuples(index=False):
        cells = rows[item.milestone_id]
        assert cells[2] == _joined(item.lead_units), item.milestone_id
        assert cells[3] == _joined(item.leaders), item.milestone_id
        assert cells[4] == item.reason


def test_ranking_and_last_quarter(notice, ctx):
    text = _all_text(Document(notice))
    ranking = ctx.assessment.unit_ranking(ctx.quarter)
    for word in (va.STANDING_LABELS["advanced"], va.STANDING_LABELS["lagging"]):
        units = ranking.loc[ranking["standing"].astype(object) == word, "unit"]
        assert "、".join(units) in text
    data = notice_context(ctx)
    assert data["rect_rows"], "2023Q1 had watch-list items"
    assert f"已整改{data['rect_done']}项" in text
    assert f"未整改{data['rect_open']}项" in text


def test_first_quarter_has_no_previous_items(quarter_store, tmp_path):
    q1 = load_context("2023Q1", plan_path=DEFAULT_PLAN_PATH, store=quarter_store)
    text = _all_text(Document(write_notice(q1, tmp_path / "q1.docx")))
    assert "2022年第四季度不在本年度评估范围内" in text


def test_synthetic_mark(notice, ctx, tmp_path):
    assert ctx.is_synthetic
    doc = Document(notice)
    assert any("示例数据" in p.text for p in doc.paragraphs)
    assert doc.sections[0].header.paragraphs[0].text == "示例数据"
    real = dataclasses.replace(ctx, is_synthetic=False)
    assert "示例数据" not in _all_text(Document(write_notice(real, tmp_path / "real.docx")))


def test_plan_text_stays_literal(ctx, tmp_path):
    """Plan text and names with <, & reach Word as text: docxtpl escapes them (autoescape)."""
    a = ctx.assessment
    watch = a.watchlist.copy()
    first = watch.index[watch["quarter"] == ctx.quarter][0]
    watch.loc[first, "text"] = HOSTILE
    hostile = dataclasses.replace(ctx, assessment=dataclasses.replace(a, watchlist=watch))
    path = write_notice(hostile, tmp_path / "hostile.docx", issuer=f"区督查室{HOSTILE}")
    doc = Document(path)  # well-formed XML, or python-docx would not open it
    cells = [r.cells[1].text for r in _table(doc, WATCH_HEADER).rows]
    assert HOSTILE in cells
    assert f"区督查室{HOSTILE}" in [p.text for p in doc.paragraphs]


# --------------------------------------------------------------------------- layout


def test_page_setup_is_gbt_9704(notice):
    doc = Document(notice)
    s = doc.sections[0]
    for got, want in (
        (s.page_width, Mm(210)),
        (s.page_height, Mm(297)),
        (s.top_margin, Mm(37)),
        (s.bottom_margin, Mm(35)),
        (s.left_margin, Mm(28)),
        (s.right_margin, Mm(26)),
    ):
        assert abs(got - want) < Mm(0.1)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (s.footer, s.even_page_footer):
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p._p.find(qn("w:fldSimple")).get(qn("w:instr")).strip() == "PAGE"


def test_fonts_are_named_with_fallbacks(notice):
    doc = Document(notice)

    def east_asia(style: str) -> str:
        return doc.styles[style].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia("Title") == "方正小标宋简体"
    assert east_asia("Normal") == "仿宋_GB2312"
    assert east_asia("Heading 1") == "黑体"
    assert east_asia("Heading 2") == "楷体_GB2312"
    assert doc.styles["Normal"].font.size.pt == 16  # 三号
    assert doc.styles["Title"].font.size.pt == 22  # 二号
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    fonts = etree.fromstring(doc.part.part_related_by(RT.FONT_TABLE).blob)
    alt = {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in fonts.iter(qn("w:font"))
        if f.find(qn("w:altName")) is not None
    }
    assert alt["方正小标宋简体"] == "宋体"
    assert alt["仿宋_GB2312"] == "仿宋"
    assert alt["楷体_GB2312"] == "楷体"


# --------------------------------------------------------------------------- rendering

SOFFICE = shutil.which("soffice")


def _pdf(docx: Path, out: Path) -> Path:
    env = {**os.environ, "FONTCONFIG_FILE": str(TEMPLATE_DIR / "fonts.conf")}
    profile = (out / "lo-profile").as_uri()
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = out / (docx.stem + ".pdf")
    if not pdf.is_file():  # soffice without Writer (libreoffice-calc-nogui only) cannot load it
        pytest.skip(
            "LibreOffice could not convert the .docx (is libreoffice-writer-nogui installed?): "
            + (done.stderr or done.stdout).strip()[-300:]
        )
    return pdf


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_libreoffice_pages_keep_text_inside_the_text_block(notice, tmp_path):
    from lxml import etree

    pdf = _pdf(notice, tmp_path)
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, timeout=60, check=True
    ).stdout
    root = etree.fromstring(xml, parser=etree.XMLParser(recover=True, huge_tree=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = root.findall(".//x:page", ns)
    assert len(pages) >= 2
    mm = 72 / 25.4
    tol = 1.5  # points
    words = 0
    for n, page in enumerate(pages, 1):
        width, height = float(page.get("width")), float(page.get("height"))
        assert (round(width), round(height)) == (595, 842), "A4"
        left, right = 28 * mm - tol, width - 26 * mm + tol
        page_words = page.findall("x:word", ns)
        assert page_words, f"page {n} is empty"
        for w in page_words:
            x0, x1 = float(w.get("xMin")), float(w.get("xMax"))
            y0, y1 = float(w.get("yMin")), float(w.get("yMax"))
            assert left <= x0 and x1 <= right, f"page {n}: {w.text!r} at x {x0:.1f}-{x1:.1f}"
            assert 0 <= y0 and y1 <= height, f"page {n}: {w.text!r} at y {y0:.1f}-{y1:.1f}"
            words += 1
    assert words > 500


@pytest.mark.slow
def test_the_quarterly_run_publishes_the_notice_and_links_it(quarter_run):
    import docx

    notice = quarter_run.out_dir / "督查通报_2023Q2.docx"
    text = "\n".join(p.text for p in docx.Document(notice).paragraphs)
    assert "2023年第二季度" in text and "示例数据" in text
    index = (quarter_run.out_dir / "index.html").read_text(encoding="utf-8")
    assert "督查通报" in index and "%E7%9D%A3%E6%9F%A5%E9%80%9A%E6%8A%A5_2023Q2.docx" in index
