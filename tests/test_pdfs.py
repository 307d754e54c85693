"""PDF copies of the briefings (``run --pdf``, taskanalytics.pdfs): printed by headless Chromium
from the pages' print stylesheet, published with the pages, linked from the index."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from taskanalytics.errors import ExportError
from taskanalytics.pdfs import print_pdfs


def test_no_browser_is_a_clear_error(tmp_path, monkeypatch):
    import taskanalytics.pdfs as pdfs

    page = tmp_path / "a.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    monkeypatch.setattr(pdfs, "find_browser", lambda: None)
    with pytest.raises(ExportError, match="apt-get install chromium"):
        print_pdfs([page], tmp_path / "pdf")
    assert not (tmp_path / "pdf").exists()


def test_a_browser_that_prints_nothing_leaves_no_file(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(ExportError, match="a.html"):
        print_pdfs([page], tmp_path / "pdf", browser=shutil.which("false") or "/bin/false")
    assert list((tmp_path / "pdf").iterdir()) == []


@pytest.mark.slow
def test_a_run_with_pdf_publishes_a_pdf_of_every_page(seed_plan, demo_store, tmp_path):
    if shutil.which("chromium") is None or shutil.which("pdftotext") is None:
        pytest.skip("Debian chromium and poppler-utils are not installed (make test installs them)")
    from taskanalytics.quarterly import quarterly_briefings, run_quarter

    jobs = quarterly_briefings(seed_plan, "2023Q2", store=demo_store)
    # a unit's and a leader's page: printing is the same for every page, these run quickest
    chosen = [next(j for j in jobs if j.group == group) for group in ("unit", "leader")]
    result = run_quarter(
        "2023Q2", store=demo_store, out_dir=tmp_path / "reports", briefings=chosen, pdf=True
    )
    folder = result.out_dir
    index = (folder / "index.html").read_text(encoding="utf-8")
    for job in chosen:
        pdf = folder / "pdf" / f"{job.stem}.pdf"
        assert pdf.is_file(), job.stem
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        assert "数据来源" in text or "数据截至" in text, job.stem
        assert "<script" not in text
    first = subprocess.run(["pdftotext", str(folder / "pdf" / f"{chosen[0].stem}.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "示例数据" in first
    assert index.count(">PDF</a>") == len(chosen)
