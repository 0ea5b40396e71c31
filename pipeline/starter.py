"""`prospects init`: a commented starter shortlist.toml, filled from the user's own profile."""

from __future__ import annotations

from pathlib import Path

import tomlkit

from pipeline.ingest.archive import open_export
from pipeline.ingest.profile import Profile, read_profile

TEMPLATE = """\
# Settings for `prospects shortlist`. Every key is optional; delete what you don't need.
# Run:  prospects shortlist YOUR_EXPORT.zip --alumni alumni.xlsx --config {name}

[me]
# Filled from your LinkedIn profile where the archive had it; correct anything that is wrong.
name = ""
schools = []               # your schools, main one first
grad_year = 0              # first (undergraduate) graduation year, expected if still a student
# school_aliases = {{ "UW" = "University of Waterloo" }}   # what the short names in your files mean
# major = "Systems Design Engineering"

[targets]
roles = []                 # e.g. ["data scientist", "product manager"]
companies = []             # e.g. ["Shopify", "Google", "RBC"]
# locations = ["Toronto"]  # people elsewhere count less; an unknown location counts neither way
# industries = ["fintech"]
# lamp_file = "lamp.xlsx"  # a LAMP list: # | Employer List | Advocacy | Motivation | Posting
exclude_companies = []     # e.g. your current employer
exclude_role_families = ["HR & recruiting"]
years_ahead = 5.0          # the sweet spot: people about this many years ahead of you
years_tolerance = 3.0
senior_leaders = 0.7       # how much Directors, VPs and founders keep, however far ahead
include_peers = false      # true: people at or behind your stage count fully
# exclude_my_employer = true  # leave out colleagues at your current employer

[weights]                  # how much each signal counts; the score is their weighted mean
role_fit = 0.30
company_fit = 0.25
school_fit = 0.15
stage_fit = 0.15
warmth = 0.15
location_fit = 0.10        # counts only when [targets] names locations
industry_fit = 0.10        # counts only when [targets] names industries

[match]
threshold = 0.7            # records at or above this probability are the same person
review_band = 0.2          # pairs between this and the threshold are listed in Matches for review
# unique_sources = ["connections"]   # files that hold each person once (one-to-one links)
# [match.comparisons]      # extra comparisons over any column of your files:
# phone = "digits"         # also "exact", "date", "year 0 2", "jaro_winkler 0.95 0.85"

[output]
top_n = 50                 # rows on the Shortlist sheet
max_per_company = 3        # at most this many people per employer before everyone else
min_score = 0.0

# [alumni.columns]         # fix a column mapping `prospects inspect` got wrong
# "Pref Class Year" = "grad_year"

# [normalize.seniority_rules]   # your own title rules, checked before the shipped ones:
# '\\bfellow\\b' = "Entry"        # a regular expression over the lower-cased title -> a level
# [normalize.company_aliases]   # employer names your files spell their own way
# "Acme Labs" = "Acme"

# [ingest]
# max_archive_mb = 500          # refuse archives or files that unpack to more than this

# [history]                     # out/history.sqlite: what changed since your last run
# rank_move = 10                # report moves of more than this many places in the ranking
# rank_move_within = 100        # … for people in your top this many, before or after
# recontact_days = 90           # re-contact people you marked Interested after this many days
# recontact_interested = ["yes"]
"""


def starter_toml(export: Path | None, name: str = "shortlist.toml") -> str:
    """The starter settings text; ``export`` (an archive) fills [me] from the user's profile."""
    profile = (
        read_profile(open_export(Path(export))) if export and _is_archive(export) else Profile()
    )
    current = [p.company for p in profile.positions if p.end == (None, None) and p.company]
    # The profile's values go in through tomlkit, which quotes and escapes them (a name with a
    # quote, a backslash or a control character stays valid TOML) and keeps the comments.
    doc = tomlkit.parse(TEMPLATE.format(name=" ".join(name.split())))
    me = doc["me"]
    me["name"] = profile.name  # type: ignore[index]
    me["schools"] = list(profile.schools)  # type: ignore[index]
    me["grad_year"] = profile.grad_year() or 0  # type: ignore[index]
    doc["targets"]["exclude_companies"] = current  # type: ignore[index]
    return tomlkit.dumps(doc)


def _is_archive(path: Path) -> bool:
    path = Path(path)
    return path.is_dir() or path.suffix.lower() == ".zip"
