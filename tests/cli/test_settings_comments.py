"""Settings files the tool writes keep the user's comments and order (tomlkit): `learn --write`,
the notebooks' tuned-*.toml (``settings.update_toml``) and `prospects init`."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from pipeline import settings, starter
from pipeline.errors import OutputError
from pipeline.ingest.profile import Education, Position, Profile
from pipeline.rank.learn import with_weights

COMMENTED = """\
# My settings for the autumn search.   (a header comment)
# Second header line, with "quotes" and a # inside.

[me]  # who I am
name = "Robin Ng"
schools = ["University of Waterloo", "UW"]   # main school first
school_aliases = { "UW" = "University of Waterloo" }
# grad_year = 2021   <- read from the archive instead

[targets]
# Roles I want to hear about:
roles = ["data scientist", "product manager"]
companies = ["Shopify"]  # more later

[weights]                  # how much each signal counts
role_fit = 0.30            # the job itself
company_fit = 0.25
warmth = 0.15   # how reachable
# stage_fit left at its default on purpose

[match]
threshold = 0.8 # careful
[match.comparisons]        # extra comparisons
phone = "digits"           # the phone column

[output]
top_n = 20
"""


def comment_lines(text: str) -> list[str]:
    """Every line that carries a comment, as written (a whole-line or an end-of-line comment)."""
    return [line for line in text.splitlines() if "#" in line]


def keys_in_order(text: str) -> list[str]:
    out, section = [], ""
    for line in text.splitlines():
        bare = line.split("#")[0].strip()
        if bare.startswith("["):
            section = bare.strip("[]").strip()
            out.append(f"[{section}]")
        elif "=" in bare:
            out.append(f"{section}.{bare.split('=')[0].strip()}")
    return out


def test_tuned_weights_keep_every_comment_and_the_order(tmp_path: Path) -> None:
    weights = {"role_fit": 0.4, "warmth": 0.05, "stage_fit": 0.2}
    written = with_weights(COMMENTED, weights)
    path = tmp_path / "shortlist.toml"
    path.write_text(written, encoding="utf-8")

    # Every comment line is still there, untouched, except on the lines whose value changed,
    # where the value changed and the comment stayed.
    changed = {
        "role_fit = 0.30            # the job itself": "role_fit = 0.4            # the job itself",
        "warmth = 0.15   # how reachable": "warmth = 0.05   # how reachable",
    }
    assert comment_lines(written) == [changed.get(x, x) for x in comment_lines(COMMENTED)]
    # The user's keys keep their order; a key they had not written comes at the end of its table.
    old, new = keys_in_order(COMMENTED), keys_in_order(written)
    assert [k for k in new if k in old] == old
    assert new.index("weights.stage_fit") == new.index("weights.warmth") + 1
    # Loaded with the normal loader: the same settings with the new weights, nothing else moved.
    expected = settings.from_dict(tomllib.loads(COMMENTED))
    expected = dataclasses.replace(
        expected, weights=dataclasses.replace(expected.weights, **weights)
    )
    assert settings.load(path) == expected
    assert settings.load(path).match.comparisons == {"phone": "digits"}


def test_update_toml_changes_only_what_the_tuning_changed() -> None:
    before = settings.from_dict(tomllib.loads(COMMENTED))
    tuned = dataclasses.replace(
        before,
        match=dataclasses.replace(before.match, threshold=0.65, review_band=0.1),
        output=dataclasses.replace(before.output, top_n=30),
    )
    written = settings.update_toml(COMMENTED, tuned)
    assert "threshold = 0.65 # careful" in written and "top_n = 30" in written
    assert "review_band = 0.1" in written
    unchanged = [x for x in COMMENTED.splitlines() if "threshold" not in x and "top_n" not in x]
    lines = written.splitlines()
    assert all(x in lines for x in unchanged)  # every other line as the user wrote it
    assert settings.from_dict(tomllib.loads(written)) == tuned
    # Nothing to change: the same text, byte for byte.
    assert settings.update_toml(COMMENTED, before) == COMMENTED


def test_save_tuned_writes_beside_and_never_over_the_users_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(COMMENTED, encoding="utf-8")
    before = settings.from_dict(tomllib.loads(COMMENTED))
    tuned = dataclasses.replace(before, match=dataclasses.replace(before.match, threshold=0.65))
    out = settings.save_tuned(mine, tuned, tmp_path / "new" / "tuned.toml")
    assert out == tmp_path / "new" / "tuned.toml"
    assert out.read_text("utf-8") == settings.update_toml(COMMENTED, tuned)
    # The notebook pointed at the user's own file: refused, and the file is as it was.
    with pytest.raises(OutputError, match="one of the input files"):
        settings.save_tuned(mine, tuned, mine)
    assert mine.read_text("utf-8") == COMMENTED
    with pytest.raises(OutputError, match="is a folder"):
        settings.save_tuned(mine, tuned, tmp_path)


def test_update_toml_adds_a_missing_section_and_never_writes_defaults() -> None:
    text = "# only a comment\n[me]\nname = 'A'\n"
    base = settings.from_dict(tomllib.loads(text))
    tuned = dataclasses.replace(base, weights=dataclasses.replace(base.weights, warmth=0.5))
    written = settings.update_toml(text, tuned)
    assert written.startswith(text)
    assert "[weights]" in written and "warmth = 0.5" in written
    assert "role_fit" not in written and "[output]" not in written  # defaults stay implicit
    assert settings.from_dict(tomllib.loads(written)) == tuned


@pytest.mark.parametrize("name", ['Ann "Nan" O\'Brien', "Back\\slash", "Tab\there", "Line\nbreak"])
def test_init_writes_valid_toml_for_any_name_and_keeps_its_comments(monkeypatch, name) -> None:
    profile = Profile(
        name=name,
        education=(Education('Université "Laval"', "BSc", 2015, 2019),),
        positions=(Position("Acme \\ Co", "Analyst", (2020, 1), (None, None), False),),
    )
    monkeypatch.setattr(starter, "read_profile", lambda _export: profile)
    monkeypatch.setattr(starter, "open_export", lambda path: path)
    text = starter.starter_toml(Path("export.zip"))
    loaded = settings.from_dict(tomllib.loads(text))
    assert loaded.me.name == name
    assert loaded.me.schools == ('Université "Laval"',)
    assert loaded.me.grad_year == 2019
    assert loaded.targets.exclude_companies == ("Acme \\ Co",)
    template = starter.TEMPLATE.format(name="shortlist.toml")
    assert [x for x in text.splitlines() if x.lstrip().startswith("#")] == [
        x for x in template.splitlines() if x.lstrip().startswith("#")
    ]
    assert "# your schools, main one first" in text and "# e.g. your current employer" in text
