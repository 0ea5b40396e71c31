from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline import run, settings
from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.export.workbook import ID_HEADER, SHORTLIST_SHEET, write_workbook
from pipeline.ingest.reviewed import read_reviewed
from pipeline.progress import without_progress
from pipeline.rank.learn import TooFewLabels, fit_weights, learn, with_weights

runner = CliRunner()
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ranking"


@pytest.fixture(scope="module")
def ranked() -> pd.DataFrame:
    inputs = run.Inputs(FIXTURE / "Connections.csv", (FIXTURE / "alumni.csv",))
    config = settings.load(FIXTURE / "settings.toml")
    return run.shortlist(inputs, config, today=date(2026, 11, 28)).ranked


def reviewed_workbook(path: Path, ranked: pd.DataFrame, answer) -> Path:
    """The workbook shortlist writes, with Interested filled by ``answer(row of ranked)``."""
    write_workbook(path, ranked, top_n=len(ranked))
    wb = load_workbook(path)
    ws = wb[SHORTLIST_SHEET]
    headers = [c.value for c in ws[1]]
    col, id_col = headers.index("Interested") + 1, headers.index(ID_HEADER) + 1
    by_id = ranked.set_index("prospect_id")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, col).value = answer(by_id.loc[ws.cell(r, id_col).value])
    wb.save(path)
    return path


def connections_only(row) -> str | None:
    """A user who only wants people they already know: yes to connections, no to the rest."""
    return "yes" if row["is_connection"] else ("no" if row["rank"] % 2 else "No ")


def test_read_reviewed_gives_grades_and_features(tmp_path, ranked):
    path = reviewed_workbook(tmp_path / "wb.xlsx", ranked, connections_only)
    got = read_reviewed(path)
    assert len(got) == len(ranked)
    assert set(got["interested"]) == {"yes", "no"}  # "No " read as "no"
    assert got["grade"].isin([0.0, 2.0]).all()
    merged = got.merge(ranked[["prospect_id", "warmth", "role_fit"]], on="prospect_id")
    assert np.allclose(merged["warmth_x"], merged["warmth_y"], atol=0.01)
    assert np.allclose(merged["role_fit_x"], merged["role_fit_y"], atol=0.01)


def test_read_reviewed_refuses_other_files(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_reviewed(tmp_path / "missing.xlsx")
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"Name": ["A"]}).to_excel(other, index=False)
    with pytest.raises(InputError, match="ID \\(keep\\)"):
        read_reviewed(other)


def test_fit_weights_is_non_negative_and_finds_the_feature_that_explains_the_answers():
    rng = np.random.default_rng(0)
    x = rng.random((60, 3))
    y = (x[:, 2] > 0.5).astype(float) * 2
    w0 = np.array([0.4, 0.4, 0.2])
    w = fit_weights(x, y, w0, shrinkage=0.0)
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    assert w.argmax() == 2
    shrunk = fit_weights(x, y, w0, shrinkage=50.0)
    assert np.abs(shrunk - w0).sum() < np.abs(w - w0).sum()  # shrinkage pulls toward w0


def test_learn_refuses_politely_with_too_few_answers():
    reviewed = pd.DataFrame({"prospect_id": list("abcde"), "grade": [2, 0, 1, np.nan, 2]})
    reviewed["warmth"] = 0.5
    with pytest.raises(TooFewLabels, match=r"Only 4 people .* answer 16 more"):
        learn(reviewed, settings.Settings())


def test_learn_refuses_when_every_answer_is_the_same():
    reviewed = pd.DataFrame({"prospect_id": [str(i) for i in range(30)], "grade": [2.0] * 30})
    reviewed["warmth"] = np.linspace(0, 1, 30)
    with pytest.raises(TooFewLabels, match="at least 3 people you would ask"):
        learn(reviewed, settings.Settings())


def test_with_weights_keeps_comments_and_other_settings():
    text = (
        "# my settings\n[me]\nname = 'Robin'\n\n[weights]  # tuned\n"
        "warmth = 0.15   # how reachable\nrole_fit = 0.3\n\n[output]\ntop_n = 20\n"
    )
    new = with_weights(text, {"warmth": 0.5, "role_fit": 0.25, "stage_fit": 0.1})
    assert new.startswith("# my settings\n[me]\nname = 'Robin'")
    assert "warmth = 0.5   # how reachable" in new and "stage_fit = 0.1" in new
    loaded = settings.from_dict(__import__("tomllib").loads(new))
    assert loaded.output.top_n == 20 and loaded.weights.warmth == 0.5


def test_cli_learn_prints_both_weights_and_writes_only_with_write(tmp_path, ranked):
    path = reviewed_workbook(tmp_path / "wb.xlsx", ranked, connections_only)
    config = tmp_path / "shortlist.toml"
    original = (FIXTURE / "settings.toml").read_text(encoding="utf-8")
    config.write_text(original, encoding="utf-8")

    shown = runner.invoke(app, ["learn", str(path), "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert "current" in shown.stdout and "learned" in shown.stdout and "agreement" in shown.stdout
    assert "NDCG" not in shown.stdout  # the technical name only with --verbose
    assert "accepted" in shown.stdout
    assert config.read_text(encoding="utf-8") == original  # no --write: nothing written

    written = runner.invoke(app, ["learn", str(path), "--config", str(config), "--write"])
    assert written.exit_code == 0, written.output
    new = settings.load(config)
    assert new.weights.warmth > settings.load(FIXTURE / "settings.toml").weights.warmth
    assert new.targets.companies == ("Shopify", "Google", "RBC", "TD")  # the rest is kept
    assert "# Persona for the ranking fixture" in config.read_text(encoding="utf-8")
    assert list(tmp_path.glob("shortlist.*.bak.toml"))  # the previous file is kept


def test_cli_learn_with_too_few_answers_exits_1_saying_how_many_more(tmp_path, ranked):
    few = ranked.head(5)
    path = reviewed_workbook(tmp_path / "wb.xlsx", few, lambda row: "yes")
    result = runner.invoke(app, ["learn", str(path)])
    assert result.exit_code == 1
    lines = without_progress(result.stderr).strip().splitlines()
    assert len(lines) == 1 and "answer 15 more" in lines[0]


def test_cli_learn_write_without_config_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["learn", str(tmp_path / "wb.xlsx"), "--write"])
    assert result.exit_code == 2
