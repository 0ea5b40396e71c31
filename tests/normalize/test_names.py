"""Tests for person names: display cleaning, credentials and case (ingest), keys and variants.

All names are invented or generic placeholders.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest.credentials import split_credentials
from pipeline.ingest.display_names import (
    clean_display,
    clean_names_frame,
    display_case,
    parse_full_name,
)
from pipeline.normalize.names import (
    alternate_name_keys,
    first_name_variants,
    name_key,
    names_frame,
    variants_compatible,
)

CLEAN_DISPLAY = [
    ("plain", "Jane", "Jane"),
    ("math bold", "𝐉𝐚𝐧𝐞", "Jane"),
    ("math italic", "𝘑𝘢𝘯𝘦 𝘋𝘰𝘦", "Jane Doe"),
    ("math double-struck", "𝕁𝕒𝕟𝕖", "Jane"),
    ("fullwidth", "Ｊａｎｅ", "Jane"),
    ("flag", "Jane 🇨🇦", "Jane"),
    ("flag between words", "Jane 🇨🇦 Doe", "Jane Doe"),
    ("emoji with variation selector", "Jane ❤️", "Jane"),
    ("zwj emoji sequence", "Jane 👩‍💻 Doe", "Jane Doe"),
    ("sparkles", "✨Jane✨", "Jane"),
    ("skin tone modifier", "Jane 👋🏽", "Jane"),
    ("pronouns parentheses", "Jane (She/Her)", "Jane"),
    ("pronouns three parts", "Doe (he/him/his)", "Doe"),
    ("pronouns brackets", "Jane [they/them]", "Jane"),
    ("pronouns after pipe", "Jane | she/her", "Jane"),
    ("pronouns with spaces", "Doe (She / They)", "Doe"),
    ("pronouns label", "Doe (pronouns: he/him)", "Doe"),
    ("pronouns in the middle", "Jane (she/her) Doe", "Jane Doe"),
    ("single pronoun in brackets", "Jane (she)", "Jane"),
    ("zwj inside a name", "Ja\u200dne", "Jane"),
    ("zero-width space", "Ja\u200bne", "Jane"),
    ("word joiner and bom", "\ufeffJa\u2060ne", "Jane"),
    ("rlm", "\u200fDoe", "Doe"),
    ("bidi embedding", "\u202bDoe\u202c", "Doe"),
    ("bidi isolate", "\u2067Doe\u2069", "Doe"),
    ("soft hyphen", "Ja\u00adne", "Jane"),
    ("control chars", "Jane\tDoe\x07", "Jane Doe"),
    ("nbsp and doubles", "Jane\u00a0\u00a0 Doe", "Jane Doe"),
    ("stray pipe", "Jane |", "Jane"),
    ("stray dash", "- Doe", "Doe"),
    ("all caps kept", "JANE", "JANE"),
    ("accents kept", "Zoë Ødegård", "Zoë Ødegård"),
    ("NA is a name", "NA", "NA"),
    ("None is a name", "None", "None"),
    ("nickname in parentheses kept", "Jane (Janie)", "Jane (Janie)"),
    ("a name that is a pronoun elsewhere", "Gabriella (Ella)", "Gabriella (Ella)"),
    ("initial kept", "K.", "K."),
    ("hyphenated kept", "Smith-Jones", "Smith-Jones"),
    ("trademark becomes registered", "Doe PMP™", "Doe PMP®"),
    ("only punctuation", ".", ""),
    ("only emoji", "🚀", ""),
    ("hangul filler", "\u3164", ""),
    ("cjk kept", "张伟", "张伟"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CLEAN_DISPLAY], ids=[c[0] for c in CLEAN_DISPLAY]
)
def test_clean_display(text: str, expected: str) -> None:
    assert clean_display(text) == expected


SPLIT_CREDENTIALS = [
    ("Doe, MBA", ("Doe", "MBA")),
    ("Doe, P.Eng., MASc.", ("Doe", "P.Eng., MASc.")),
    ("Doe PMP®", ("Doe", "PMP")),
    ("Doe, CPA, CA", ("Doe", "CPA, CA")),
    ("Smith-Jones", ("Smith-Jones", "")),
    ("Doe, Jr.", ("Doe Jr.", "")),
    ("Doe, Jr., MBA", ("Doe Jr.", "MBA")),
    ("Doe III", ("Doe III", "")),
    ("Mr.", ("Mr.", "")),
    ("K.", ("K.", "")),
    ("Doe, Jane", ("Doe, Jane", "")),
    ("Doe MBA, PMP", ("Doe", "MBA, PMP")),
    ("Doe PhD", ("Doe", "PhD")),
    ("Doe, Ph.D", ("Doe", "Ph.D")),
    ("Doe, PHD", ("Doe", "PHD")),
    ("Doe (PhD)", ("Doe", "PhD")),
    ("Doe | CFA", ("Doe", "CFA")),
    ("Doe, SHRM-CP", ("Doe", "SHRM-CP")),
    ("Doe, CHRL, CHRP", ("Doe", "CHRL, CHRP")),
    ("Doe, LL.B.", ("Doe", "LL.B.")),
    ("Doe, MBA/CPA", ("Doe", "MBA, CPA")),
    ("Doe, CPA Candidate", ("Doe", "CPA Candidate")),
    ("Doe, MBA '24", ("Doe", "MBA '24")),
    ("Doe, CPA, ABV", ("Doe", "CPA, ABV")),  # unknown acronym trusted beside a known one
    ("Doe, ABV", ("Doe, ABV", "")),  # but not alone
    ("Doe, JANE", ("Doe, JANE", "")),  # a known given name is never a credential
    ("DOE, J.R.", ("DOE, J.R.", "")),  # initials, not "Jr."
    ("Lee MA", ("Lee", "MA")),
    ("LEE MA", ("LEE MA", "")),  # in ALL CAPS "MA" may be a surname
    ("Doe Mba", ("Doe Mba", "")),  # without a comma only exact spellings count
    ("Smith - Jones", ("Smith - Jones", "")),
    ("", ("", "")),
]


@pytest.mark.parametrize(("last", "expected"), SPLIT_CREDENTIALS)
def test_split_credentials(last: str, expected: tuple[str, str]) -> None:
    assert split_credentials(last) == expected


DISPLAY_CASE = [
    ("MCDONALD", "McDonald"),
    ("O'BRIEN", "O'Brien"),
    ("D'ANGELO", "D'Angelo"),
    ("VAN DER BERG", "van der Berg"),
    ("JEAN-LUC", "Jean-Luc"),
    ("MACDONALD", "MacDonald"),
    ("MACHADO", "Machado"),
    ("MACK", "Mack"),
    ("DE LA CRUZ", "de la Cruz"),
    ("NGUYỄN", "Nguyễn"),
    ("john smith", "John Smith"),
    ("van der berg", "van der Berg"),
    ("SMITH III", "Smith III"),
    ("DOE JR.", "Doe Jr."),
    ("ST. JOHN", "St. John"),
    ("AL-SAYED", "Al-Sayed"),
    ("VAN", "Van"),  # a lone particle is a name
    ("McKay", "McKay"),  # mixed case is left alone
    ("iPhone Doe", "iPhone Doe"),
    ("张伟", "张伟"),
]


@pytest.mark.parametrize(("name", "expected"), DISPLAY_CASE)
def test_display_case(name: str, expected: str) -> None:
    assert display_case(name) == expected


def test_display_case_without_particles_for_first_names() -> None:
    assert display_case("VAN ANH", particles=False) == "Van Anh"
    assert display_case("VAN ANH") == "van Anh"


PARSE_FULL_NAME = [
    ("Jane Doe", ("Jane", "Doe", "")),
    ("Doe, Jane", ("Jane", "Doe", "")),
    ("DOE, Jane M.", ("Jane", "DOE", "")),
    ("Dr. Jane Q. Doe, PhD", ("Jane", "Doe", "")),
    ('Robert "Bob" Smith', ("Robert", "Smith", "Bob")),
    ("Robert (Bob) Smith", ("Robert", "Smith", "Bob")),
    ("Madonna", ("Madonna", "", "")),
    ("J. Robert Doe", ("J. Robert", "Doe", "")),
    ("Jane Doe, P.Eng., MASc.", ("Jane", "Doe", "")),
    ("Jane Doe (She/Her)", ("Jane", "Doe", "")),
    ("Mary Ann van der Berg", ("Mary", "van der Berg", "")),
    ("John Doe Jr.", ("John", "Doe", "")),
    ("𝐉𝐚𝐧𝐞 Doe 🇨🇦", ("Jane", "Doe", "")),
    ("Jane Doe-Smith", ("Jane", "Doe-Smith", "")),
    ("", ("", "", "")),
]


@pytest.mark.parametrize(("full", "expected"), PARSE_FULL_NAME)
def test_parse_full_name(full: str, expected: tuple[str, str, str]) -> None:
    assert parse_full_name(full) == expected


NAME_KEYS = [
    (("María", "García"), "maria garcia"),
    (("Александр", "Иванов"), "aleksandr ivanov"),
    (("Zoë", "Ødegård"), "zoe odegard"),
    (("Anne-Marie", "Smith-Jones"), "anne marie smith jones"),
    (("Seán", "O’Brien"), "sean obrien"),
    (("John", "Doe Jr."), "john doe"),
    (("J.", "Doe"), "j doe"),
    (("Madonna", ""), "madonna"),
    (("", ""), ""),
]


@pytest.mark.parametrize(("parts", "expected"), NAME_KEYS)
def test_name_key(parts: tuple[str, str], expected: str) -> None:
    assert name_key(*parts) == expected


def test_first_name_variants_shape() -> None:
    bob = first_name_variants("Bob")
    assert bob[0] == "bob" and "robert" in bob and list(bob[1:]) == sorted(bob[1:])
    assert "elizabeth" in first_name_variants("Liz")
    assert {"alexander", "alexandra"} <= set(first_name_variants("Alex"))
    assert "james" in first_name_variants("Jim")
    assert first_name_variants("J.") == ("j",)
    assert first_name_variants("Wei") == ("wei",)
    assert first_name_variants("") == ()


# (first A, last A, first B, last B, same person by last key and first-name variants?)
NAME_PAIRS = [
    ("Bob", "Smith", "Robert", "Smith", True),
    ("Liz", "Taylor", "Elizabeth", "Taylor", True),
    ("Alex", "Kim", "Alexandra", "Kim", True),
    ("Alex", "Kim", "Alexander", "Kim", True),
    ("María", "García", "Maria", "Garcia", True),
    ("Александр", "Иванов", "Aleksandr", "Ivanov", True),
    ("J.", "Doe", "John", "Doe", True),
    ("Chris", "Lee", "Christopher", "Lee", True),
    ("Chris", "Lee", "Christina", "Lee", True),
    ("Wei", "Zhang", "Wei", "Zhang", True),
    ("Mike", "Smith", "Michael", "Smith", True),
    ("Jim", "Brown", "James", "Brown", True),
    ("Bobby", "Stone", "Rob", "Stone", True),  # two nicknames of one canonical
    ("Liz", "Park", "Beth", "Park", True),
    ("Zoë", "Ødegård", "Zoe", "Odegard", True),
    ("José", "Núñez", "Jose", "Nunez", True),
    ("Sasha", "Petrov", "Alexander", "Petrov", True),  # from extra_nicknames.csv
    ("Александр", "Petrov", "Alex", "Petrov", True),
    ("R.", "Quinn", "Bob", "Quinn", True),  # R. is the initial of Robert
    ("Jean-Luc", "Picard", "Jean Luc", "Picard", True),
    ("Anne", "O’Neil", "Anne", "ONeil", True),
    ("John", "Doe Jr.", "John", "Doe", True),
    ("Mary Ann", "Lee", "Mary", "Lee", True),
    ("Katya", "Orlova", "Ekaterina", "Orlova", True),
    ("Mohammed", "Khan", "Muhammad", "Khan", True),
    ("Tom", "Hardy", "Thomas", "Hardy", True),
    ("JANE", "DOE", "Jane", "Doe", True),
    ("John", "Doe", "Jane", "Doe", False),
    ("Mark", "Smith", "Michael", "Smith", False),
    ("Christopher", "Lee", "Christina", "Lee", False),  # both "Chris", still two people
    ("Alexander", "Kim", "Alexandra", "Kim", False),
    ("Wei", "Zhang", "Wei", "Chen", False),
    ("J.", "Doe", "Mary", "Doe", False),
    ("", "Doe", "John", "Doe", False),
    ("Maria", "Garcia", "Mario", "Garcia", False),
    ("Jon", "Smith", "Jane", "Smith", False),
    ("Tim", "Ng", "Tom", "Ng", False),
]


def test_the_name_pair_table_is_big_enough() -> None:
    assert len(NAME_PAIRS) >= 30


@pytest.mark.parametrize(
    ("first_a", "last_a", "first_b", "last_b", "same"),
    NAME_PAIRS,
    ids=[f"{p[0]} {p[1]} ~ {p[2]} {p[3]}" for p in NAME_PAIRS],
)
def test_name_pairs(first_a: str, last_a: str, first_b: str, last_b: str, same: bool) -> None:
    a = names_frame(pd.Series([first_a]), pd.Series([last_a]))
    b = names_frame(pd.Series([first_b]), pd.Series([last_b]))
    found = (a["last_key"] == b["last_key"]).to_numpy() & variants_compatible(
        a["first_name_variants"], b["first_name_variants"]
    )
    assert found.tolist() == [same]


# (first, last, former name as written in an alumni list, expected alternate keys)
ALTERNATES = [
    ("Jane", "Doe", "Smith", "jane smith"),
    ("Jane", "Doe", "née Smith", "jane smith"),
    ("Jane", "Doe", "Jane Smith", "jane smith"),  # a whole former name
    ("Liz", "Doe", "Elizabeth Smith", "liz smith"),  # its first name is a variant of hers
    ("Jane", "Doe", "van der Berg", "jane van der berg"),  # several words, all the last name
    ("Jane", "Doe", "Smith; Jones", "jane smith|jane jones"),
    ("María", "Doe", "García-López", "maria garcia lopez"),
    ("Jane", "Doe", "", ""),
    ("Jane", "Doe", "-", ""),
]


@pytest.mark.parametrize(("first", "last", "former", "expected"), ALTERNATES)
def test_former_names_give_alternate_keys(first: str, last: str, former: str, expected: str):
    names = names_frame(pd.Series([first]), pd.Series([last]))
    assert alternate_name_keys(names, pd.Series([former])).tolist() == [expected]


def test_alternate_keys_keep_the_index_and_repeat() -> None:
    names = names_frame(pd.Series(["Jane", "Ann", "Jane"], index=[7, 8, 9]), pd.Series(["Doe"] * 3))
    out = alternate_name_keys(names, pd.Series(["Smith", None, "Smith"], index=[0, 1, 2]))
    assert out.index.tolist() == [7, 8, 9]
    assert out.tolist() == ["jane smith", "", "jane smith"]


def test_variants_compatible_is_symmetric_and_aligned_by_position() -> None:
    a = pd.Series(["bob|rob|robert", "j", ""], index=[10, 11, 12])
    b = pd.Series(["robert|bob", "john|jack", "jane"], index=[0, 1, 2])
    assert variants_compatible(a, b).tolist() == [True, True, False]
    assert variants_compatible(b, a).tolist() == [True, True, False]


def test_names_frame_keeps_index_and_input_and_repeats_agree() -> None:
    first = pd.Series(["Bob", "María", "Bob", None, "Bob"], index=list("vwxyz"), dtype="str")
    last = pd.Series(["Smith", "García", "Smith", "Doe", "Stone"], index=list("vwxyz"))
    before = (first.copy(), last.copy())
    out = names_frame(first, last)
    pd.testing.assert_series_equal(first, before[0])
    pd.testing.assert_series_equal(last, before[1])
    assert list(out.index) == list("vwxyz")
    assert list(out.columns) == ["name_key", "first_key", "last_key", "first_name_variants"]
    assert out.loc["v"].tolist() == out.loc["x"].tolist()
    assert out.loc["w", "name_key"] == name_key("María", "García") == "maria garcia"
    assert out.loc["y", "name_key"] == "doe"
    assert out.loc["z", "first_name_variants"] == "|".join(first_name_variants("Bob"))
    assert out.loc["z", "last_key"] == "stone"


def test_frames_on_empty_input() -> None:
    empty = pd.Series([], dtype="str")
    assert names_frame(empty, empty).shape == (0, 4)
    assert clean_names_frame(empty, empty).shape == (0, 4)


CLEAN_NAMES = [
    (("JANE", "DOE, MBA"), ("Jane", "Doe", "Jane Doe", "MBA")),
    (("𝐉𝐚𝐧𝐞 🇨🇦", "Doe (She/Her)"), ("Jane", "Doe", "Jane Doe", "")),
    (("Jane", "Doe, P.Eng., MASc."), ("Jane", "Doe", "Jane Doe", "P.Eng., MASc.")),
    (("Jane, MBA", "Doe PMP®"), ("Jane", "Doe", "Jane Doe", "MBA, PMP")),
    (("Jane, MBA", "Doe, MBA, CFA"), ("Jane", "Doe", "Jane Doe", "MBA, CFA")),
    (("TJ", "Miller"), ("TJ", "Miller", "TJ Miller", "")),  # short caps: likely initials
    (("Jean", "DUPONT"), ("Jean", "Dupont", "Jean Dupont", "")),
    (("VAN ANH", "NGUYỄN"), ("Van Anh", "Nguyễn", "Van Anh Nguyễn", "")),
    (("mary", "van der berg"), ("Mary", "van der Berg", "Mary van der Berg", "")),
    (("NA", "None"), ("NA", "None", "NA None", "")),
    (("Jane", "."), ("Jane", "", "Jane", "")),
    (("Jane", "Doe, Jr."), ("Jane", "Doe Jr.", "Jane Doe Jr.", "")),
]


@pytest.mark.parametrize(("given", "expected"), CLEAN_NAMES)
def test_clean_names_frame_cases(given: tuple[str, str], expected: tuple[str, ...]) -> None:
    out = clean_names_frame(pd.Series([given[0]]), pd.Series([given[1]]))
    assert tuple(out.iloc[0]) == expected


def test_clean_names_frame_keeps_index_and_input_and_repeats_agree() -> None:
    first = pd.Series(["JANE", "Bob 🚀", "JANE", "Bob 🚀"], index=[7, 3, 9, 1])
    last = pd.Series(["DOE, MBA", "Stone", "DOE, MBA", "Stone (he/him)"], index=[7, 3, 9, 1])
    before = (first.copy(), last.copy())
    out = clean_names_frame(first, last)
    pd.testing.assert_series_equal(first, before[0])
    pd.testing.assert_series_equal(last, before[1])
    assert list(out.index) == [7, 3, 9, 1]
    assert list(out.columns) == ["first_name", "last_name", "full_name", "credentials"]
    assert out.loc[7].tolist() == out.loc[9].tolist() == ["Jane", "Doe", "Jane Doe", "MBA"]
    assert out.loc[3].tolist() == out.loc[1].tolist() == ["Bob", "Stone", "Bob Stone", ""]


@given(st.text(max_size=40))
def test_clean_display_is_idempotent_and_leaves_no_invisible_marks(text: str) -> None:
    once = clean_display(text)
    assert clean_display(once) == once
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in once)
    assert once == once.strip()
