"""summary.xlsx, the career centre's view of a batch: one sheet per question it asks.

Students (status, counts, the best prospect, the error of a failed one), Top prospects (each
student's top 10), Employers (how many students' top 10s reach into each employer), Popular
alumni (asked by several students; the cap and who was held back), Found nobody, Set aside
(rows of the students table that were not run, with their reason). Written by the workbook's own
grid writer (``export.sheets``: every text cell through ``export.cells``, never a formula);
the file is replaced atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.batch.student import Outcome
from pipeline.batch.students import Students
from pipeline.export.files import replace_atomically
from pipeline.export.sheets import Book, Col, write_grid

SHEETS = ("Students", "Top prospects", "Employers", "Popular alumni", "Found nobody", "Set aside")


def frames(
    outcomes: Sequence[Outcome],
    students: Students,
    held: dict[str, tuple[str, ...]],
    demand: dict[str, int],
    cap: int | None,
) -> dict[str, pd.DataFrame]:
    """The summary's sheets as frames (tests read these; the workbook writes them)."""
    names = dict(zip(students.table["student_id"], students.table["name"], strict=True))
    per_student = pd.DataFrame(
        [
            {
                "Student ID": o.student_id,
                "Student": names.get(o.student_id, ""),
                "Workbook": o.file,
                "Status": o.status,
                "Candidates": o.candidates,
                "Ranked": o.ranked,
                "Best prospect": o.top[0]["name"] if o.top else "",
                "Held back (cap)": len(held.get(o.student_id, ())),
                "Seconds": o.seconds,
                "Error": o.error,
            }
            for o in outcomes
        ]
    )
    top = pd.DataFrame(
        [
            {
                "Student ID": o.student_id,
                "Student": names.get(o.student_id, ""),
                "Rank": k,
                "Prospect": t["name"],
                "Company": t["company"],
                "Title": t["title"],
                "Score": round(t["score"], 3),
                "ID (prospect)": t["prospect_id"],
            }
            for o in outcomes
            for k, t in enumerate(o.top, start=1)
        ],
        columns=["Student ID", "Student", "Rank", "Prospect", "Company", "Title", "Score",
                 "ID (prospect)"],
    )  # fmt: skip
    employers = (
        top[top["Company"] != ""]
        .groupby("Company")
        .agg(**{"Students": ("Student ID", "nunique"), "Alumni": ("ID (prospect)", "nunique"),
                "Places in top 10s": ("Rank", "size")})
        .sort_values(["Students", "Places in top 10s"], ascending=False)
        .reset_index()
    )  # fmt: skip
    seen = top.drop_duplicates("ID (prospect)").set_index("ID (prospect)")
    after = top.groupby("ID (prospect)")["Student ID"].nunique()
    held_count: dict[str, int] = {}
    for ids in held.values():
        for pid in ids:
            held_count[pid] = held_count.get(pid, 0) + 1
    popular = pd.DataFrame(
        [
            {
                "Prospect": seen["Prospect"].get(pid, ""),
                "Company": seen["Company"].get(pid, ""),
                "Title": seen["Title"].get(pid, ""),
                "Students asking": n,
                "In top 10s (after the cap)": int(after.get(pid, 0)),
                "Held back from": held_count.get(pid, 0),
                "Cap": cap if cap is not None else "none",
                "ID (prospect)": pid,
            }
            for pid, n in demand.items()
            if n > 1 or pid in held_count
        ],
        columns=["Prospect", "Company", "Title", "Students asking", "In top 10s (after the cap)",
                 "Held back from", "Cap", "ID (prospect)"],
    )  # fmt: skip
    popular = popular.sort_values(["Students asking", "Prospect"], ascending=[False, True])
    nobody = per_student[(per_student["Status"] != "failed") & (per_student["Ranked"] == 0)]
    nobody = nobody[["Student ID", "Student", "Workbook"]].assign(
        Why="no alumni at the target employers or in the target roles' families and years"
    )
    aside = students.rejected.rename(columns={"source_row": "Row", "reason": "Reason"})
    aside = aside.assign(File=students.report.file)[["File", "Row", "Reason"]]
    return dict(zip(SHEETS, (per_student, top, employers, popular.reset_index(drop=True),
                             nobody.reset_index(drop=True), aside), strict=True))  # fmt: skip


def write_summary(
    path: Path,
    outcomes: Sequence[Outcome],
    students: Students,
    held: dict[str, tuple[str, ...]],
    demand: dict[str, int],
    cap: int | None,
) -> Path:
    """Write summary.xlsx (see the module doc) with the workbook's own grid writer; return
    its path."""

    def write(target: Path) -> None:
        with Book(target) as book:
            for title, frame in frames(outcomes, students, held, demand, cap).items():
                cols = [
                    Col(str(c), frame[c].tolist(), width=_width(frame[c], c)) for c in frame.columns
                ]
                write_grid(book, book.sheet(title), cols)

    return replace_atomically(Path(path), write, backup=False)


def _width(values: pd.Series, header: str) -> float:
    longest = max([len(str(header)), *(len(str(v)) for v in values.head(200))])
    return float(min(max(longest + 2, 8), 50))
