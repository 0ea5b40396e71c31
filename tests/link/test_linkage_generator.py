"""The synthetic linkage benchmark (fixtures/linkage/generate.py): deterministic, with a truth
that holds, careers that follow the class year, and namesakes that are whole other people."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "linkage_generate", ROOT / "fixtures" / "linkage" / "generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)
LEVEL_OF = {title: level for level, titles in generate.vocab.TITLES.items() for title in titles}
ORDER = list(generate.vocab.TITLES)


@pytest.fixture(scope="module")
def bench():
    return generate.make(400, 3000, seed=7)


def test_same_seed_same_tables(bench):
    again = generate.make(400, 3000, seed=7)
    pd.testing.assert_frame_equal(bench.alumni, again.alumni)
    pd.testing.assert_frame_equal(bench.truth, again.truth)
    assert not bench.alumni.equals(generate.make(400, 3000, seed=8).alumni)


def test_truth_rows_exist_and_each_hard_case_is_present(bench):
    assert bench.truth["connections_row"].between(1, len(bench.connections)).all()
    assert bench.truth["alumni_row"].between(1, len(bench.alumni)).all()
    kinds = set(bench.truth["kind"])
    assert {"outdated employer", "nickname", "maiden name", "typo", "plain"} <= kinds
    assert len(bench.duplicates) > 0 and bench.truth.attrs["namesakes"] > 0


def _first_year(bench) -> pd.Series:
    """Each alumni row's earliest class year ("'16 BMath, '22 MASc" -> 2016)."""
    from pipeline.ingest.alumni_fields import parse_class_years

    return parse_class_years(bench.alumni["Class Year"].astype("str"))[0]


def test_careers_follow_the_class_year(bench):
    alumni = bench.alumni.assign(
        level=bench.alumni["Current Title"].map(LEVEL_OF), **{"Class Year": _first_year(bench)}
    )
    recent = alumni[alumni["Class Year"] >= 2025]["level"]
    early = alumni[alumni["Class Year"] <= 1990]["level"]
    assert recent.isin(["student", "entry"]).mean() > 0.9
    assert early.isin(["mid", "senior", "exec"]).mean() > 0.9


def test_an_outdated_job_is_an_earlier_one(bench):
    outdated = bench.truth[bench.truth["kind"] == "outdated employer"]
    now = bench.connections["Position"].iloc[outdated["connections_row"] - 1].map(LEVEL_OF)
    then = bench.alumni["Current Title"].iloc[outdated["alumni_row"] - 1].map(LEVEL_OF)
    gap = now.map(ORDER.index).to_numpy() - then.map(ORDER.index).to_numpy()
    # one level below, or the same job when the duplicate row kept the current one
    assert set(gap) <= {0, 1} and (gap == 1).mean() > 0.6


def test_namesakes_are_other_people_with_their_own_address(bench):
    linked = set(bench.truth["connections_row"])
    connections = bench.connections.assign(row=range(1, len(bench.connections) + 1))
    alone = connections[~connections["row"].isin(linked)]
    names = set(zip(alone["First Name"], alone["Last Name"], strict=True))
    true_rows = set(bench.truth["alumni_row"])
    alumni = bench.alumni.assign(row=range(1, len(bench.alumni) + 1))
    pairs = zip(alumni["First Name"], alumni["Last Name"], strict=True)
    same_name = pd.Series([(f, la) in names for f, la in pairs], index=alumni.index)
    namesakes = alumni[same_name & ~alumni["row"].isin(true_rows)]
    assert len(namesakes) >= bench.truth.attrs["namesakes"]
    with_email = namesakes[namesakes["Email"] != ""]
    assert len(with_email) > 0
    for first, last, email in with_email[["First Name", "Last Name", "Email"]].itertuples(
        index=False
    ):
        assert email.startswith(f"{first}.{last}".lower().replace(" ", ""))


def test_an_address_belongs_to_one_person(bench):
    # two people of one name drawing one number would share an address, which no real address
    # does: the later one's number moves on
    many = generate._addresses(
        pd.Series(["Li"] * 300).to_numpy(), pd.Series(["Wu"] * 300).to_numpy(),
        (pd.Series(range(300)) * 7 % 97).to_numpy(), 97, "example.com",
    )  # fmt: skip
    assert len(set(many)) == 300 and all(a.startswith("li.wu") for a in many)
    # in the tables: rows sharing an address are one person (an alumni duplicate pair, or a
    # connection and the alum the truth links it to)
    rows = bench.alumni.assign(row=range(1, len(bench.alumni) + 1))
    rows = rows[rows["Email"] != ""]
    one = {frozenset(p) for p in bench.duplicates[["alumni_row_a", "alumni_row_b"]].to_numpy()}
    for _, group in rows.groupby("Email"):
        assert len(group) == 1 or frozenset(group["row"]) in one
    conn = bench.connections.assign(row=range(1, len(bench.connections) + 1))
    conn = conn[conn["Email Address"] != ""].merge(rows, left_on="Email Address", right_on="Email")
    truth = set(zip(bench.truth["connections_row"], bench.truth["alumni_row"], strict=True))
    assert all((c, a) in truth for c, a in zip(conn["row_x"], conn["row_y"], strict=True))


@pytest.mark.parametrize("seed", [11, 13])
def test_linking_a_small_benchmark_keeps_its_accuracy(seed, today):
    """A guard, not the measurement (benchmarks/bench_link.py is): default settings on a small
    generated benchmark stay precise and find nearly every link."""
    from pipeline.link import evaluate, score
    from pipeline.normalize import normalize
    from pipeline.settings import Settings

    bench = generate.make(1000, 6000, seed=seed)
    frame = normalize(generate.people(bench), Settings(), today)
    scored = score(frame, Settings())
    ids = scored.frame.assign(label=scored.labels)
    pairs = ids[ids["source"] == "connections"].merge(
        ids[ids["source"] == "alumni"], on="label", suffixes=("_c", "_a")
    )
    found = pd.DataFrame({"left": pairs["record_id_c"], "right": pairs["record_id_a"]})
    truth = pd.DataFrame(
        {
            "left": "connections:" + bench.truth["connections_row"].astype(str),
            "right": "alumni:" + bench.truth["alumni_row"].astype(str),
        }
    )
    result = evaluate(found, truth)
    assert result.precision >= 0.985 and result.recall >= 0.95, result.summary()


def _rows(bench, rows) -> pd.DataFrame:
    return bench.alumni.iloc[pd.Series(rows).to_numpy() - 1].reset_index(drop=True)


def _programs(cell: str) -> set[str]:
    return {p for p in cell.split("; ") if p}


def test_alumni_rows_hold_schooling_and_address_and_connections_do_not(bench):
    alumni = bench.alumni
    for column in ("Degree", "Program", "City", "Province/State", "Country"):
        filled = (alumni[column] != "").mean()
        assert 0.8 < filled < 0.97, (column, filled)  # mostly there, sometimes blank
    assert alumni["Program"].nunique() > 20 and alumni["City"].nunique() > 10
    assert not {"Degree", "Program", "City", "Class Year"} & set(bench.connections.columns)


def test_a_second_degree_is_one_cell_with_both_years(bench):
    from pipeline.ingest.alumni_fields import parse_class_years

    written = bench.alumni["Class Year"].map(lambda v: isinstance(v, str))
    cells = bench.alumni.loc[written, "Class Year"]
    assert 0.03 < len(cells) / len(bench.alumni) < 0.15
    first, every = parse_class_years(cells)
    years = every.str.split("|").map(lambda ys: [int(y) for y in ys])
    assert (years.map(len) == 2).all()
    gap = years.map(lambda ys: ys[1] - ys[0])
    assert gap.between(2, 9).all() and (first == years.map(min)).all()
    assert max(max(ys) for ys in years) <= generate.EXPORT_YEAR
    assert cells.str.fullmatch(r"'\d\d B\w+, '\d\d (MASc|MMath|MBA|PhD)").all()


def test_a_persons_two_rows_agree_and_namesakes_do_not(bench):
    """Duplicate rows share a program and a class year (a record made at the later degree
    holds that degree only) and mostly a city; alumni of one name who are other people draw
    their own."""
    from pipeline.ingest.alumni_fields import parse_class_years

    a = _rows(bench, bench.duplicates["alumni_row_a"])
    b = _rows(bench, bench.duplicates["alumni_row_b"])
    years = [parse_class_years(x["Class Year"].astype("str"))[1] for x in (a, b)]
    shared_year = [bool(set(x.split("|")) & set(y.split("|"))) for x, y in zip(*years, strict=True)]
    assert all(shared_year)
    given = (a["Program"] != "") & (b["Program"] != "")
    shared_program = [
        bool(_programs(x) & _programs(y))
        for x, y in zip(a["Program"][given], b["Program"][given], strict=True)
    ]
    assert all(shared_program)
    cities = (a["City"] != "") & (b["City"] != "")
    same_city = (a["City"][cities] == b["City"][cities]).mean()
    assert 0.6 < same_city < 0.95  # some records are from before or after a move

    # other people of one name (exact name, not a duplicate pair) in the list
    rows = bench.alumni.assign(row=range(1, len(bench.alumni) + 1))
    rows = rows[rows["Program"] != ""]
    one = {frozenset(p) for p in bench.duplicates[["alumni_row_a", "alumni_row_b"]].to_numpy()}
    agree, pairs = 0, 0
    for _, group in rows.groupby(["First Name", "Last Name"]):
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                x, y = group.iloc[i], group.iloc[j]
                if frozenset((x["row"], y["row"])) in one:
                    continue
                pairs += 1
                agree += bool(_programs(x["Program"]) & _programs(y["Program"]))
    assert pairs >= 10 and agree / pairs < 0.3


def test_schooling_does_not_change_the_people(bench, monkeypatch):
    """The schooling columns come from their own random stream: other odds for them leave the
    names, jobs, addresses and the truth as they were, so figures measured before and after
    they were added compare the same people."""
    monkeypatch.setattr(generate, "SECOND_DEGREE", 0.5)
    monkeypatch.setattr(generate, "MOVED", 0.9)
    other = generate.make(400, 3000, seed=7)
    school = ["Class Year", "Degree", "Program", "City", "Province/State", "Country"]
    assert not other.alumni["Program"].equals(bench.alumni["Program"])
    pd.testing.assert_frame_equal(other.alumni.drop(columns=school),
                                  bench.alumni.drop(columns=school))  # fmt: skip
    pd.testing.assert_frame_equal(other.connections, bench.connections)
    pd.testing.assert_frame_equal(other.truth, bench.truth)
    pd.testing.assert_frame_equal(other.duplicates, bench.duplicates)
