"""The briefings on a 375 px phone, a 1280 px screen and A4 paper (issue 11, part 6).

In Chromium (tests/browser.py): no element is wider than its box except inside the designated
scroll boxes (``.ta-scroll``), every table scrolls in one of them, and no chart text is drawn
under 10 px (each chart SVG's font sizes times the scale it is drawn at). Printed to PDF: the
footer has the as-of date and page numbers, and no page but the last is mostly blank (pages
rendered by poppler's ``pdftoppm``, then the tallest band without ink is measured); the
detector is checked on a page made blank on purpose.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from browser import open_page

pytestmark = pytest.mark.slow

#: The smallest chart text a reader may see, in CSS px.
MIN_CHART_TEXT_PX = 10.0
#: A page (not the last) is "mostly blank" when a band this share of its text block has no ink.
BLANK_BAND_SHARE = 0.5
#: The printable block of the PDF pages, in mm from the top and the bottom (the template's
#: @page margins: 14 mm top, 16 mm bottom, where the footer is).
_TOP_MM, _BOTTOM_MM = 14, 16
_DPI = 30

PAGES = ["overview", "unit-财政局", "indicator-回迁安置"]

#: Per element that is not a scroll box: wider content than its box (it spills out or is cut
#: off), and tables that sit outside a scroll box. Inside ``.ta-scroll`` anything may be wide.
_OVERFLOW_JS = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'inline' || cs.display === 'none' || el.closest('svg')) continue;
    if (el.closest('.ta-scroll')) continue;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
  }
  const loose = [...document.querySelectorAll('table')].filter(t => !t.closest('.ta-scroll'));
  const doc = document.documentElement;
  return {over: out, tables: loose.length, page: doc.scrollWidth - doc.clientWidth};
}"""

#: Per displayed chart image: its smallest SVG font size times the scale it is drawn at.
_CHART_TEXT_JS = """() => [...document.querySelectorAll('img')].flatMap(img => {
  const src = img.currentSrc || img.src;
  const shown = img.getBoundingClientRect().width;
  if (!src.startsWith('data:image/svg+xml;base64,') || shown === 0) return [];
  const bytes = Uint8Array.from(atob(src.split(',', 2)[1]), c => c.charCodeAt(0));
  const svg = new TextDecoder().decode(bytes);
  const sizes = [...svg.matchAll(/<text\\b[^>]*font-size="([\\d.]+)px"/g)].map(m => +m[1]);
  const box = img.closest('.jp-OutputArea-output') || img.parentElement;
  return [{min: Math.min(...sizes) * shown / img.naturalWidth, shown, box: box.clientWidth,
           phone: src !== img.src, picture: img.parentElement.tagName === 'PICTURE',
           alt: img.alt}];
})"""


def _page(result, stem: str) -> Path:
    path = result.out_dir / f"{stem}.html"
    assert path.is_file(), f"no {path.name} in the quarterly run"
    return path


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("stem", PAGES)
def test_no_table_or_chart_overflows_and_chart_text_is_readable(quarter_run, stem, width):
    with open_page(_page(quarter_run, stem), width=width, height=800) as (page, _):
        layout = page.evaluate(_OVERFLOW_JS)
        shown = page.evaluate(_CHART_TEXT_JS)
    assert layout["over"] == [] and layout["page"] <= 0, layout
    assert layout["tables"] == 0, "every table scrolls inside its own box (.ta-scroll)"
    assert shown, "the page shows charts"
    for chart in shown:
        assert chart["shown"] <= chart["box"] + 1, chart
        assert chart["min"] >= MIN_CHART_TEXT_PX, chart
        assert chart["alt"] and chart["picture"], chart
        assert chart["phone"] == (width <= 600), chart  # a phone draws the phone variant


def _needs_poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (scripts/sysdeps.sh installs it)")


def _print_pdf(html: Path, pdf: Path) -> Path:
    with open_page(html, width=1280) as (page, _):
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    return pdf


def _pages_grey(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Each PDF page as a grey image (rows x columns, 0 black .. 255 white), by pdftoppm."""
    subprocess.run(["pdftoppm", "-r", str(_DPI), "-gray", str(pdf), str(folder / "p")], check=True)
    pages = []
    for path in sorted(folder.glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        data = path.read_bytes()
        _, width, height, _, _ = data.split(maxsplit=4)
        w, h = int(width), int(height)
        pages.append(np.frombuffer(data[-w * h :], dtype=np.uint8).reshape(h, w))
    return pages


def mostly_blank_pages(pdf: Path, folder: Path) -> list[int]:
    """Page numbers (from 1) that are mostly blank: any page without ink in its text block,
    and any page but the last with a band without ink taller than :data:`BLANK_BAND_SHARE`
    of its text block (the last page of a document may end early)."""
    pages = _pages_grey(pdf, folder)
    px_per_mm = _DPI / 25.4
    blank = []
    for number, grey in enumerate(pages, start=1):
        block = grey[round(_TOP_MM * px_per_mm) : grey.shape[0] - round(_BOTTOM_MM * px_per_mm)]
        inked = (block < 200).any(axis=1)
        longest = run = 0
        for row in inked:
            run = 0 if row else run + 1
            longest = max(longest, run)
        if not inked.any() or (number < len(pages) and longest > BLANK_BAND_SHARE * len(inked)):
            blank.append(number)
    return blank


def test_the_blank_page_detector_finds_a_page_made_blank(tmp_path):
    _needs_poppler()
    lines = "".join(f"<p>第 {i} 行：督查事项进展情况，按时完成。</p>" for i in range(20))
    html = tmp_path / "blank.html"
    html.write_text(
        '<html lang="zh-CN"><body>'
        f"{lines}<div style='break-before: page'>只有一行</div>"
        f"<div style='break-before: page'>{lines}</div></body></html>",
        encoding="utf-8",
    )
    pdf = _print_pdf(html, tmp_path / "blank.pdf")
    folder = tmp_path / "png"
    folder.mkdir()
    assert len(_pages_grey(pdf, folder)) == 3
    # the page of one line is mostly blank; two thirds full and the last page are not
    assert mostly_blank_pages(pdf, folder) == [2]


@pytest.mark.parametrize("stem", PAGES)
def test_print_on_a4_has_no_mostly_blank_page_and_a_footer(quarter_run, tmp_path, stem):
    _needs_poppler()
    pdf = _print_pdf(_page(quarter_run, stem), tmp_path / f"{stem}.pdf")
    folder = tmp_path / "png"
    folder.mkdir()
    count = len(_pages_grey(pdf, folder))
    assert count >= 1
    assert mostly_blank_pages(pdf, folder) == [], f"{stem}: {count} pages"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:count]
    for number, page_text in enumerate(pages, start=1):
        assert re.search(r"数据截至 \d{4}-\d{2}-\d{2}", page_text), (stem, number)
        # pdftotext drops the spaces of "— 1 / 6 —"
        assert f"—{number}/{count}—" in re.sub(r"\s+", "", page_text), (stem, number)
