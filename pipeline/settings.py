"""Settings: typed, frozen dataclasses loaded from one TOML file (``shortlist.toml``).

Every key is optional and the defaults work. An unknown key or a value of the wrong type is a
SettingsError naming the key and the file, with a suggestion when the key looks misspelt.
Notebooks tune a Settings object (``dataclasses.replace``), never module globals.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ProspectsError, SettingsError


@dataclass(frozen=True)
class Me:
    """The user. Empty values are filled from the LinkedIn archive's Profile/Education/Positions."""

    name: str = ""
    schools: tuple[str, ...] = ()  # e.g. ("University of Waterloo",); first is the main school
    school_aliases: dict[str, str] = field(default_factory=dict)  # {"UW": "University of Waterloo"}
    grad_year: int = 0  # first (undergraduate) graduation year; 0 = read from the archive
    career_start: int = 0  # year the career started; 0 = graduation year
    # Changing field: the year you entered (or enter) the field you are exploring. "Ahead of
    # you" then counts from it: someone three years into the new field is ahead of you there.
    field_start: int = 0  # 0 = not changing field: ahead counts from career_start
    major: str = ""


@dataclass(frozen=True)
class Targets:
    """What the user is exploring, and what to leave out."""

    roles: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    lamp_file: str = ""  # a LAMP list (spreadsheet); its employers join `companies`
    industries: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    exclude_companies: tuple[str, ...] = ()
    exclude_role_families: tuple[str, ...] = ("HR & recruiting",)
    years_ahead: float = 5.0  # the sweet spot: about five years ahead of the user
    years_tolerance: float = 3.0  # width of the stage curve around years_ahead
    senior_leaders: float = 0.7  # stage fit kept by Directors and above, however far ahead
    include_peers: bool = False  # True: people at or behind the user's stage count fully
    exclude_my_employer: bool = True  # leave out colleagues at the user's current employer


@dataclass(frozen=True)
class Weights:
    """Weight of each ranking feature; the score is the weighted mean of the features."""

    role_fit: float = 0.30
    company_fit: float = 0.25
    school_fit: float = 0.15
    stage_fit: float = 0.15
    warmth: float = 0.15
    location_fit: float = 0.10  # counts only when targets.locations is set
    industry_fit: float = 0.10  # counts only when targets.industries is set


@dataclass(frozen=True)
class Match:
    """Linking: pairs at or above `threshold` are the same person."""

    threshold: float = 0.7  # chosen on the linkage benchmark (benchmarks/results.md)
    review_band: float = 0.2  # pairs between review_band and threshold are shown for review
    # extra comparisons over any column: {"birth_date" = "date", "phone" = "digits",
    # "postcode" = "exact", "city" = "jaro_winkler 0.95 0.85", "class_year" = "year 0 2"}
    comparisons: dict[str, str] = field(default_factory=dict)
    # files that hold each person once: source kinds ("connections", "alumni") or file names
    unique_sources: tuple[str, ...] = ("connections",)
    # extra blocking rules, each a list of columns whose values must all be equal:
    # {"birth date" = ["date_of_birth"], "postcode and surname" = ["postcode", "last_name"]}
    blocking: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Output:
    top_n: int = 50
    max_per_company: int = 3
    min_score: float = 0.0


@dataclass(frozen=True)
class Learn:
    """`prospects learn`: weights fitted from the Interested column of a reviewed workbook."""

    min_labels: int = 20  # answered rows (yes / maybe / no) needed before fitting
    shrinkage: float = 1.0  # pull of the current weights on the fitted ones (0 = none)


@dataclass(frozen=True)
class Ingest:
    max_archive_mb: int = 500  # bound on the decompressed size of an archive or a file


@dataclass(frozen=True)
class Normalize:
    """Extensions of the shipped tables (pipeline/data/): checked before them."""

    seniority_rules: dict[str, str] = field(default_factory=dict)  # {"\\bfellow\\b": "Entry"}
    company_aliases: dict[str, str] = field(default_factory=dict)  # {"Acme Labs": "Acme"}


@dataclass(frozen=True)
class Alumni:
    columns: dict[str, str] = field(default_factory=dict)  # {"Pref Class Year": "grad_year"}


@dataclass(frozen=True)
class History:
    """The run history (``out/history.sqlite``): what counts as a change, and when to re-contact."""

    rank_move: int = 10  # report moves of more than this many places in the ranking (0: none)
    rank_move_within: int = 100  # … for people in the top this many, before or after (0: all)
    recontact_days: int = 90  # re-contact people marked Interested after this many days (0: off)
    recontact_interested: tuple[str, ...] = ("yes",)  # Interested answers that get a cadence


@dataclass(frozen=True)
class Settings:
    me: Me = field(default_factory=Me)
    targets: Targets = field(default_factory=Targets)
    weights: Weights = field(default_factory=Weights)
    match: Match = field(default_factory=Match)
    output: Output = field(default_factory=Output)
    ingest: Ingest = field(default_factory=Ingest)
    alumni: Alumni = field(default_factory=Alumni)
    normalize: Normalize = field(default_factory=Normalize)
    learn: Learn = field(default_factory=Learn)
    history: History = field(default_factory=History)


def load(path: Path | None) -> Settings:
    """Read settings from a TOML file; ``None`` gives the defaults.

    >>> load(None).output.top_n
    50
    """
    if path is None:
        return Settings()
    path = Path(path)
    _check_input(path)
    if not path.is_file():
        raise SettingsError(f"The settings file {path.name} does not exist; check the path.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path.name} is not a UTF-8 text file; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message names the line and column; it never echoes a value.
        raise SettingsError(f"{path.name} is not valid TOML ({exc}); fix that line.") from None
    return from_dict(data, source=path.name)


def _check_input(path: Path) -> None:
    from pipeline.safety import check_input

    try:
        check_input(path)
    except ProspectsError as error:
        raise SettingsError(error.message) from None


def from_dict(data: dict[str, Any], source: str = "settings") -> Settings:
    """Build Settings from plain data (parsed TOML), validating every key, type and range.

    Declared regexes, comparisons and column maps are compiled here too, so a mistake in them
    surfaces before any input is read.
    """
    settings = _build(Settings, data, source, prefix="")
    validate(settings, source)
    return settings


# (section.key, lowest, highest, what the value means): checked when a file is loaded.
_RANGES: tuple[tuple[str, float, float, str], ...] = (
    ("output.top_n", 1, 1_000_000, "how many people the Shortlist shows"),
    ("output.max_per_company", 0, 1_000_000, "0 for no cap"),
    ("output.min_score", 0, 1, "a score between 0 and 1"),
    ("match.threshold", 0, 1, "a probability between 0 and 1"),
    ("match.review_band", 0, 1, "a probability between 0 and 1"),
    ("targets.years_ahead", -60, 60, "years"),
    ("targets.years_tolerance", 0.1, 60, "years, more than 0"),
    ("targets.senior_leaders", 0, 1, "a share between 0 and 1"),
    ("ingest.max_archive_mb", 0, 1_000_000, "megabytes"),
    ("learn.min_labels", 1, 1_000_000, "answered rows, at least 1"),
    ("learn.shrinkage", 0, 1_000_000, "0 or more"),
    ("me.grad_year", 0, 2200, "a year, or 0 to read it from the archive"),
    ("me.career_start", 0, 2200, "a year, or 0 for the graduation year"),
)


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def validate(settings: Settings, source: str = "settings") -> None:
    """Raise SettingsError, naming the key, for a value out of range (a NaN included), weights
    that are all zero, or a declared regex, comparison or column map that does not compile."""
    for key, low, high, meaning in _RANGES:
        section, name = key.split(".")
        value = getattr(getattr(settings, section), name)
        if not low <= value <= high:  # False for NaN
            raise SettingsError(
                f"{source}: '{key}' is {value}; it must be from {_number(low)} to {_number(high)} "
                f"({meaning})."
            )
    weights = to_dict(settings.weights)
    for name, value in weights.items():
        if not 0 <= value < float("inf"):
            raise SettingsError(
                f"{source}: 'weights.{name}' is {value}; a weight must be a number of 0 or more."
            )
    if not any(weights.values()):
        raise SettingsError(f"{source}: every weight under [weights] is 0; give one a weight.")


def to_dict(settings: Any) -> dict[str, Any]:
    """Plain data for a Settings object (the inverse of from_dict), tuples as lists."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = to_dict(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        elif isinstance(value, dict):
            out[f.name] = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
        else:
            out[f.name] = value
    return out


def flatten(settings: Settings) -> list[tuple[str, str]]:
    """("targets.roles", "data scientist, product manager") rows, for the workbook's Settings."""
    rows: list[tuple[str, str]] = []
    for section, values in to_dict(settings).items():
        for key, value in values.items():
            if isinstance(value, list):
                text = ", ".join(map(str, value))
            elif isinstance(value, dict):
                text = ", ".join(
                    f"{k} = {' + '.join(v) if isinstance(v, list) else v}" for k, v in value.items()
                )
            else:
                text = str(value)
            rows.append((f"{section}.{key}", text))
    return rows


def dump_toml(settings: Settings) -> str:
    """TOML text for a Settings object, loadable by ``load``: every key, no comments. To change a
    user's file, use ``update_toml``, which keeps their comments.

    >>> print(dump_toml(from_dict({"output": {"top_n": 20}})).split("[output]")[1].split()[:3])
    ['top_n', '=', '20']
    """
    import tomlkit  # writing TOML is rare: only pay for the import when a file is written

    return tomlkit.dumps(to_dict(settings))


def save_tuned(source: Path, tuned: Settings, out: Path) -> Path:
    """Write ``tuned`` to ``out`` as the user's own settings file ``source`` with only the tuned
    keys changed (``update_toml``: comments and order kept); the tuning notebooks end here.

    ``out`` is checked like every output: never ``source`` itself, a folder or a device.
    """
    from pipeline.safety import check_output

    text = update_toml(Path(source).read_text(encoding="utf-8-sig"), tuned)
    out = check_output(Path(out), [Path(source)])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def update_toml(toml_text: str, settings: Settings) -> str:
    """The user's settings text changed to say ``settings``: only the keys whose value changes
    are set (added at the end of their section when absent), so every comment, blank line and
    the order of what the user wrote stay as they were. Falls back to ``dump_toml`` only when the
    text is not TOML this can follow.

    >>> text = "[targets]  # what I look for\\nroles = ['analyst']  # for now\\n"
    >>> print(update_toml(text, from_dict({"targets": {"roles": ["data scientist"]}})))
    [targets]  # what I look for
    roles = ["data scientist"]  # for now
    <BLANKLINE>
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(toml_text)
        before = to_dict(from_dict(doc.unwrap()))
    except (TOMLKitError, ProspectsError, ValueError):
        return dump_toml(settings)
    for section, values in to_dict(settings).items():
        for key, value in values.items():
            if before[section][key] == value:
                continue
            if section not in doc:
                doc[section] = tomlkit.table()
            doc[section][key] = value  # type: ignore[index]
    text = tomlkit.dumps(doc)
    return text if from_dict(tomllib.loads(text)) == settings else dump_toml(settings)


def _build(cls: type, data: Any, source: str, prefix: str) -> Any:
    where = f"[{prefix}]" if prefix else "the top level"
    if not isinstance(data, dict):
        raise SettingsError(f"{source}: {where} must be a table of keys; see `prospects init`.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            guess = difflib.get_close_matches(key, fields, n=1)
            hint = (
                f"; did you mean '{guess[0]}'?" if guess else f"; known keys: {', '.join(fields)}."
            )
            raise SettingsError(f"{source}: unknown key '{name}'{hint}")
        hint_type = hints[key]
        if isinstance(hint_type, type) and dataclasses.is_dataclass(hint_type):
            kwargs[key] = _build(hint_type, value, source, name)
        else:
            kwargs[key] = _coerce(hint_type, value, source, name)
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, source: str, name: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (str, int, bool) and type(value) is hint:
        return value
    if origin is tuple and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if origin is tuple and isinstance(value, str):
        return (value,)  # a single string where a list is expected: the obvious meaning
    if origin is dict and isinstance(value, dict):
        inner = typing.get_args(hint)[1] if typing.get_args(hint) else str
        try:
            return {k: _coerce(inner, v, source, f"{name}.{k}") for k, v in value.items()}
        except SettingsError:
            pass
    raise SettingsError(
        f"{source}: '{name}' must be {_describe(hint)}, not {_describe(type(value))}."
    )


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is tuple:
        return "a list of text values"
    if origin is dict and typing.get_origin(typing.get_args(hint)[1]) is tuple:
        return "a table of lists of text values"
    if origin is dict:
        return "a table of text values"
    if hint is dict:
        return "a table with other values"
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    names |= {list: "a list", types.NoneType: "empty"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))
