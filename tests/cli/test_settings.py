from pathlib import Path

import pytest

from pipeline import settings
from pipeline.errors import SettingsError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "shortlist.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_work_without_a_file():
    s = settings.load(None)
    assert s.output.top_n == 50
    assert s.targets.years_ahead == 5.0
    assert s.weights.role_fit > 0


def test_values_are_read_and_typed(tmp_path):
    s = settings.load(
        write(
            tmp_path,
            '[targets]\nroles = ["data scientist"]\nyears_ahead = 4\n'
            '[me]\nschool_aliases = { UW = "University of Waterloo" }\n',
        )
    )
    assert s.targets.roles == ("data scientist",)
    assert s.targets.years_ahead == 4.0 and isinstance(s.targets.years_ahead, float)
    assert s.me.school_aliases == {"UW": "University of Waterloo"}


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        settings.Settings().output.top_n = 3  # type: ignore[misc]


def test_misspelt_key_names_the_key_the_file_and_a_suggestion(tmp_path):
    with pytest.raises(SettingsError) as err:
        settings.load(write(tmp_path, "[targets]\nrolez = []\n"))
    message = str(err.value)
    assert "targets.rolez" in message and "shortlist.toml" in message and "'roles'" in message


def test_unknown_section(tmp_path):
    with pytest.raises(SettingsError, match="unknown key 'weigths'"):
        settings.load(write(tmp_path, "[weigths]\nrole_fit = 1\n"))


@pytest.mark.parametrize(
    "text, key",
    [
        ('[output]\ntop_n = "fifty"\n', "output.top_n"),
        ("[output]\ntop_n = 1.5\n", "output.top_n"),
        ("[targets]\nroles = [1, 2]\n", "targets.roles"),
        ('[targets]\ninclude_peers = "yes"\n', "targets.include_peers"),
        ("[weights]\nwarmth = true\n", "weights.warmth"),
        ("[me]\nschool_aliases = [1]\n", "me.school_aliases"),
        ("targets = 3\n", "targets"),
    ],
)
def test_wrong_types_name_the_key(tmp_path, text, key):
    with pytest.raises(SettingsError) as err:
        settings.load(write(tmp_path, text))
    assert key in str(err.value)


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(SettingsError, match="not valid TOML"):
        settings.load(write(tmp_path, "[output\n"))
    with pytest.raises(SettingsError, match="does not exist"):
        settings.load(tmp_path / "nope.toml")


def test_dump_round_trips(tmp_path):
    s = settings.from_dict(
        {
            "targets": {"roles": ["pm"], "companies": ['Say "hi" Inc']},
            "me": {"school_aliases": {"U W": "X"}},
        }
    )
    again = settings.load(write(tmp_path, settings.dump_toml(s)))
    assert again == s


def test_flatten_lists_every_key():
    rows = dict(settings.flatten(settings.Settings()))
    assert rows["output.top_n"] == "50"
    assert "weights.warmth" in rows and "me.school_aliases" in rows
