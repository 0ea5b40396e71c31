# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # A first look at a shortlist
#
# Runs the whole pipeline on an export and shows what each stage made. Point the parameters at
# your own files; the defaults are the bundled synthetic sample.

# %% tags=["parameters"]
EXPORT = "fixtures/sample/Basic_LinkedInDataExport_11-28-2026.zip"
ALUMNI = ["fixtures/sample/alumni.xlsx"]
SETTINGS = "fixtures/sample/shortlist.toml"

# %%
from pathlib import Path

from pipeline import Inputs, load_settings, shortlist
from pipeline.normalize import summary

result = shortlist(Inputs(Path(EXPORT), tuple(map(Path, ALUMNI))), load_settings(Path(SETTINGS)))
print(result.summary())

# %% [markdown]
# How each file was read, and how many rows were set aside:

# %%
result.counts[["file", "read", "accepted", "rejected"]]

# %% [markdown]
# Seniority, role family and the source of each career-stage estimate (unknowns included):

# %%
for name, counts in summary(result.people).items():
    print(f"\n{name}\n{counts.to_string()}")

# %% [markdown]
# The top ten, with the reason for each:

# %%
result.ranked.head(10)[["rank", "full_name", "title", "company", "score", "why"]]
