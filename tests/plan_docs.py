"""Small synthetic work-plan documents, written the way the Word text export prints them."""

from __future__ import annotations

from pathlib import Path

HEADER = [
    "类别",
    "指标任务",
    "主要时间节点或阶段性量化指标",
    "完成时限",
    "牵头单位",
    "责任单位",
    "分管领导",
]

LETTER = """

双区政办发〔2023〕1号

盘锦市双台子区人民政府办公室关于印发
2023年区政府工作报告任务分解的通知

各镇人民政府、街道办事处：
经区政府同意，现将《2023年区政府工作报告任务分解》印发给你们。

盘锦市双台子区人民政府办公室
                              2023年3月16日


2023年区政府工作报告任务分解
"""


def cells(*texts: str) -> str:
    """One printed row: every cell starts with a tab on a new line, rows end in a blank line."""
    return "".join(f"\t{t}\n" for t in texts) + "\n"


def table(rows: list[str], *, declared: tuple[int, int] | None = (1, 1), livelihood=False) -> str:
    head = " " + "".join(f"\t{h}\n" for h in HEADER) + "\n"
    if declared:
        verb = "共确定工作任务" if livelihood else "经合并同类项、剔除交叉项，共保留工作任务"
        head += f"\t{verb}{declared[0]}项、形成阶段性指标{declared[1]}个。\n\n"
    return head + "".join(rows)


def task_row(
    number: int,
    milestones: str,
    *,
    prefix: tuple[str, ...] = ("一\n主要\n预期\n目标",),
    title: str = "示例任务。",
    deadline: str = "12月31日",
    lead: str = "财政局",
    responsible: str = "",
    leaders: str = "祝美娟",
) -> str:
    return cells(*prefix, f"{number}.{title}", milestones, deadline, lead, responsible, leaders)


def write_doc(tmp_path: Path, body: str, *, name: str = "plan.txt", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((LETTER + body).encode(encoding))
    return path


# --- other districts' layouts (tests/test_readers_layouts.py) ---------------------------------


def export_table(header: list[str], rows: list[list[str]]) -> str:
    """A table as the tab-cell text export prints it: the header row, then each row; a row of
    one cell (a heading merged across the table) prints as that one cell."""
    return "".join(cells(*row) for row in [header, *rows])


def write_text(tmp_path: Path, name: str, lines: list[str], body: str = "") -> Path:
    """A ``.txt`` of title lines (the letter, a table title) and then ``body``."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return path


def write_ledger(path: Path, rows: list[list[object]], merges=(), *, sheet: str = "台账") -> Path:
    """An Excel ledger (台账): rows as given, then the merged ranges (``"A2:A3"``)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path
