"""Retake the README's pictures of a reporting template, as LibreOffice prints it.

Run from the project root::

    .venv/bin/python scripts/template_picture.py --out docs/

Writes 发改局's 2023Q2 template (the bundled plan, with a deadline and recipient), fills one
milestone of four targets as a clerk would (openpyxl, through ``fill_template``), converts the
workbook to PDF with LibreOffice (``soffice --headless``, Debian package
``libreoffice-calc-nogui``: the template's own A4 print setup, row heights and fills, as a
spreadsheet program lays them out) and crops two pictures with ``pdftoppm`` (poppler-utils):

- ``template-sheet.png``: the top of the data sheet (page 2);
- ``template-readme.png``: the 说明 cover sheet (page 1).

Not part of ``make test``: LibreOffice is a 300 MB system package the tests do not need (they
read the templates back with openpyxl).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.templates import write_templates

#: What the clerk typed: T031.02 done with its four targets (新开工、复工、竣工、投产).
FILLED = {
    "T031.02": {
        "status": "已完成",
        "completed_date": dt.date(2023, 6, 20),
        "values": {1: 10, 2: 36, 3: 10, 4: 11},
        "note": "四项均已完成，复工项目超出目标 1 个",
    },
    "T001.02": {"status": "推进中", "values": {1: 1.8}, "note": "上半年数据待统计局反馈"},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--dpi", type=int, default=130)
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install libreoffice-calc-nogui poppler-utils")
            return 1
    plan = read_plan(DEFAULT_PLAN_PATH)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (blank,) = write_templates(
            plan, "2023Q2", work / "blank", units=["发改局"],
            deadline="2023年7月5日前", recipient="区政府督查室",
        )  # fmt: skip
        filled = fill_template(blank, work / "发改局_2023Q2.xlsx", FILLED, synthetic=False)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(filled)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        pdf = work / "发改局_2023Q2.pdf"
        args.out.mkdir(parents=True, exist_ok=True)
        scale = args.dpi / 72
        crops = {  # (page, x, y, width, height) in points of the A4 page
            "template-sheet": (2, 50, 62, 742, 250),
            "template-readme": (1, 30, 40, 540, 560),
        }
        for name, (page, x, y, w, h) in crops.items():
            stem = work / name
            subprocess.run(
                ["pdftoppm", "-r", str(args.dpi), "-f", str(page), "-l", str(page), "-singlefile",
                 "-x", str(round(x * scale)), "-y", str(round(y * scale)),
                 "-W", str(round(w * scale)), "-H", str(round(h * scale)), "-png", str(pdf),
                 str(stem)],
                check=True, timeout=120,
            )  # fmt: skip
            shutil.copy(stem.with_suffix(".png"), args.out / f"{name}.png")
            print(args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
