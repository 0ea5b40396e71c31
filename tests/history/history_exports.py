"""Three consecutive generated exports of one invented user (and their alumni lists), each
version differing from the one before by known changes, for the history tests.

Version 1 -> 2: Ilsa Brandt changes jobs (Deloitte -> Accenture), Oren Vasquez is promoted at TD
(Data Scientist -> Senior Data Scientist), Pia Lindqvist moves to Shopify (a target), Tomas
Keller is no longer a connection, Yara Haddad is a new connection, and the alumni list gains a
record for Bruno Achterberg, a connection already.
Version 2 -> 3: Pia Lindqvist leaves Shopify for Wealthsimple, Zane Okafor is a new connection,
Greta Olsen (an alum only) is gone from the alumni list, and Jonas Weber (an alum without a
LinkedIn address, so an id made from name, year and employer) moves from Telus to Rogers.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from pipeline import history, run, settings

# As a script (python tests/history/history_exports.py) the repository root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fixtures.common import ALUMNI_HEADER, table
from fixtures.common import CONNECTIONS_HEADER as HEADER

PREAMBLE = 'Notes:\n"Synthetic export for the history tests."\n\n'
#: first, last, company, position, connected on (slug: first-last)
CONNECTIONS = table("""
Ilsa   | Brandt     | Deloitte   | Data Analyst              | 14 Mar 2023
Oren   | Vasquez    | TD         | Data Scientist            | 02 Feb 2023
Pia    | Lindqvist  | Deloitte   | Machine Learning Engineer | 20 Jan 2023
Tomas  | Keller     | Sun Life   | Actuarial Analyst         | 11 Nov 2022
Bruno  | Achterberg | Cohere     | Machine Learning Engineer | 05 Oct 2022
Hedda  | Moreau     | Google     | Data Scientist            | 01 Sep 2022
Kwame  | Asante     | RBC        | Product Manager           | 18 Aug 2022
Lotte  | Vermeer    | Shopify    | Software Engineer         | 03 Jul 2022
Matteo | Ricci      | Scotiabank | Data Engineer             | 22 Jun 2022
Noor   | Qureshi    | Microsoft  | Program Manager           | 09 May 2022
Sven   | Dahl       | KPMG       | Consultant                | 30 Apr 2022
Anouk  | Janssen    | BMO        | Analyst                   | 12 Mar 2022
""")
#: first, last, class year, degree, program, employer, job title
ALUMNI = table("""
Greta  | Olsen    | 2016 | BSc  | Statistics          | Intact   | Pricing Analyst
Hedda  | Moreau   | 2018 | BSc  | Statistics          | Google   | Data Scientist
Rafael | Quintero | 2015 | BA   | Economics           | CIBC     | Director, Analytics
Ines   | Carvalho | 2019 | BSc  | Computer Science    | Shopify  | Data Scientist
Jonas  | Weber    | 2017 | BASc | Engineering Science | Telus    | Engineering Manager
Maeve  | Byrne    | 2020 | BSc  | Mathematics         | Manulife | Actuarial Analyst
""")
BRUNO_ALUM = (
    "Bruno",
    "Achterberg",
    "2019",
    "BASc",
    "Engineering Science",
    "Cohere",
    "Machine Learning Engineer",
)

SETTINGS = """
[me]
name = "Robin Tamsin"
schools = ["University of Toronto"]
grad_year = 2024

[targets]
roles = ["data scientist", "machine learning engineer"]
companies = ["Shopify", "Google"]

[history]
rank_move = 30
"""


def version(k: int) -> tuple[list[tuple], list[tuple]]:
    """The connections and alumni rows of export version ``k`` (1, 2 or 3)."""
    conns = {c[0]: list(c) for c in CONNECTIONS}
    alumni = list(ALUMNI)
    if k >= 2:
        conns["Ilsa"][2] = "Accenture"
        conns["Oren"][3] = "Senior Data Scientist"
        conns["Pia"][2] = "Shopify"
        del conns["Tomas"]
        conns["Yara"] = ["Yara", "Haddad", "Wealthsimple", "Data Scientist", "02 Sep 2026"]
        alumni.append(BRUNO_ALUM)
    if k >= 3:
        conns["Pia"][2] = "Wealthsimple"
        conns["Zane"] = ["Zane", "Okafor", "Deloitte", "Senior Consultant", "20 Oct 2026"]
        alumni = [a for a in alumni if a[0] != "Greta"]
        alumni = [(*a[:5], "Rogers", a[6]) if a[0] == "Jonas" else a for a in alumni]
    newest_first = sorted(
        conns.values(), key=lambda c: date.fromisoformat(_iso(c[4])), reverse=True
    )
    return [tuple(c) for c in newest_first], alumni


def _iso(text: str) -> str:
    from datetime import datetime

    return datetime.strptime(text, "%d %b %Y").date().isoformat()


def write_version(folder: Path, k: int) -> run.Inputs:
    """Write version ``k`` as Connections.csv and alumni.csv under ``folder``; its Inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    conns, alumni = version(k)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for first, last, company, position, on in conns:
        slug = f"{first}-{last}".lower()
        writer.writerow(
            [first, last, f"https://www.linkedin.com/in/{slug}", "", company, position, on]
        )
    (folder / "Connections.csv").write_text(
        PREAMBLE + out.getvalue().rstrip("\n"), encoding="utf-8"
    )
    with open(folder / "alumni.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ALUMNI_HEADER)
        w.writerows(alumni)
    return run.Inputs(folder / "Connections.csv", (folder / "alumni.csv",))


RUN_DATES = {1: date(2026, 6, 1), 2: date(2026, 9, 10), 3: date(2026, 11, 2)}


def load_settings(folder: Path) -> settings.Settings:
    """The invented user's settings (targets Shopify and Google; rank moves over 30 places).

    A function, not a fixture in tests/history/conftest.py: tests elsewhere import from
    "conftest" by name, and a second conftest module on sys.path would shadow theirs."""
    path = folder / "shortlist.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    return settings.load(path)


def record(folder: Path, k: int, loaded: settings.Settings, db: Path, **kw) -> history.Pending:
    """Run the pipeline on version ``k`` and add it to the history at ``db``."""
    from datetime import datetime

    inputs = write_version(folder / f"v{k}", k)
    if kw.get("previous") is not None:
        inputs = replace(inputs, previous=kw["previous"])
    result = run.shortlist(inputs, loaded, today=RUN_DATES[k])
    pending = history.prepare(result, db, now=datetime.combine(RUN_DATES[k], datetime.min.time()))
    pending.result = result  # type: ignore[attr-defined]  # for the tests' own checks
    pending.commit()
    return pending


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "history"


def write_fixtures(folder: Path = FIXTURES) -> None:
    """The committed copy under fixtures/history/ (notebook 3's demo history): v1, v2, v3 and
    the settings. Regenerate: python tests/history/history_exports.py"""
    for k in RUN_DATES:
        write_version(folder / f"v{k}", k)
    (folder / "shortlist.toml").write_text(
        "# The invented user of the history fixtures (tests/history/history_exports.py).\n"
        + SETTINGS.lstrip(),
        encoding="utf-8",
    )


if __name__ == "__main__":
    write_fixtures()


def mark_contacts(book: Path, notes: str | None = None) -> None:
    """Type into the workbook's Shortlist what a user writes after contacting two people: Oren
    Vasquez written to in June, replied, keen (due again after 90 days; ``notes``), Lotte
    Vermeer written to on 1 September, no answer yet (the 3B7 follow-up)."""
    from datetime import datetime

    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb["Shortlist"]
    head = {c.value: c.column for c in ws[1]}
    typed = {
        "oren-vasquez": {"Status": "Replied", "Contacted on": datetime(2026, 6, 2),
                         "Interested": "yes", "Notes": notes},
        "lotte-vermeer": {"Status": "Contacted", "Contacted on": datetime(2026, 9, 1)},
    }  # fmt: skip
    for row in range(2, ws.max_row + 1):
        for header, value in typed.get(ws.cell(row, head["ID (keep)"]).value, {}).items():
            ws.cell(row, head[header]).value = value
    wb.save(book)
