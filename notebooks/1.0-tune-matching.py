# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 1.0 Tune the matching
#
# How records of the same person are found across your files: how many candidate pairs each
# blocking rule proposes, what the model learned about each comparison (m and u, and the weight
# they give), how precision and recall move with the threshold against labelled pairs, and the
# borderline pairs a person should look at. The defaults use the bundled sample, whose true
# pairs are in `pipeline/sample/truth.csv` (columns connections_row, alumni_row: the rows you
# see in each file). Label a few dozen pairs of your own in the same layout to tune on your data.

# %% tags=["parameters"]
import os

EXPORT = "pipeline/sample/Basic_LinkedInDataExport_11-28-2026.zip"
ALUMNI = ["pipeline/sample/alumni.xlsx"]
SETTINGS = "pipeline/sample/shortlist.toml"
TRUTH = "pipeline/sample/truth.csv"
# The threshold chosen below: the best F1 among those with at least this precision.
MIN_PRECISION = 0.99
OUT_SETTINGS = os.environ.get("PROSPECTS_NOTEBOOK_OUT", "out/notebooks") + "/tuned-matching.toml"

# %%
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from pipeline import settings, shortlist_files
from pipeline.link import score
from pipeline.link.tuning import borderline, threshold_curve, truth_positions

result = shortlist_files(EXPORT, ALUMNI, SETTINGS)
scored = score(result.people, result.settings)
truth = truth_positions(scored.frame, pd.read_csv(TRUTH))
match = result.settings.match
print(result.summary())
print(f"{len(scored.pairs):,} candidate pairs scored; {len(truth)} labelled true pairs")

# %% [markdown]
# ## Candidate pairs per blocking rule
# Each rule proposes pairs that share a key; their union is what gets compared. A rule that
# proposes nothing on your data costs nothing; one that proposes most pairs is where time goes.

# %%
per_rule = pd.Series(scored.per_rule).sort_values()
ax = per_rule.plot.barh(figsize=(9, 4), color="#1F4E78")
ax.set_title(f"Candidate pairs per blocking rule (union: {len(scored.pairs):,})")
ax.set_xlabel("candidate pairs")
ax.set_ylabel("")
plt.show()

# %% [markdown]
# ## What the model learned
# For each comparison level: m (how often true matches show it), u (how often different people
# do) and the weight log2(m/u) it adds to a pair's evidence. Estimated by EM, without labels.

# %%
table = scored.model.table()
ax = (
    table.assign(name=table["comparison"] + ": " + table["label"])
    .set_index("name")["weight"]
    .iloc[::-1]
    .plot.barh(figsize=(9, 7), color="#5B9BD5")
)
ax.axvline(0, color="black", linewidth=0.8)
ax.set_title("Match weight of each comparison level (bits of evidence)")
ax.set_xlabel("evidence for the same person (bits): right of 0 for, left of 0 against")
ax.set_ylabel("")
plt.show()
table.round(4)

# %% [markdown]
# ## Precision and recall against the threshold
# What a run would link at each threshold (the one-to-one rule applied), judged against the
# labelled pairs. The dashed line is the threshold in your settings.

# %%
curve = threshold_curve(scored, truth)
fig, ax = plt.subplots(figsize=(9, 4.5), constrained_layout=True)
ax.plot(curve["threshold"], curve["precision"], marker="o", label="precision")
ax.plot(curve["threshold"], curve["recall"], marker="o", label="recall")
ax.plot(curve["threshold"], curve["f1"], linestyle=":", label="F1")
ax.axvline(match.threshold, color="#C00000", linestyle="--", label="current threshold")
ax.set_title("Linking quality against the threshold (labelled pairs)")
ax.set_xlabel("match probability threshold")
ax.set_ylabel("share")
ax.set_ylim(0, 1.02)
ax.legend()
plt.show()
curve.round(3)

# %% [markdown]
# ## Borderline pairs, side by side
# Pairs between the review band and the threshold: not linked now, but close. Each comparison's
# level and the bits of evidence it added are shown beside the two records.

# %%
near = borderline(scored, match.review_band, match.threshold)
print(f"{len(near)} pairs between {match.review_band} and {match.threshold}")
near.head(15)

# %% [markdown]
# ## Save the chosen threshold
# Here: the threshold with the best F1 among those with precision of at least MIN_PRECISION
# (0.99 by default: a wrong merge is worse than a missed one), else the best F1. Change `chosen`
# to pick your own.

# %%
safe = curve[curve["precision"] >= MIN_PRECISION]
chosen = float(
    (safe if len(safe) else curve).sort_values(["f1", "threshold"]).iloc[-1]["threshold"]
)
tuned = replace(
    result.settings,
    match=replace(match, threshold=chosen, review_band=min(match.review_band, chosen)),
)
# Your settings file with only the tuned keys changed: its comments and order stay as written.
written = settings.save_tuned(Path(SETTINGS), tuned, Path(OUT_SETTINGS))
print(f"Wrote {written}: threshold {chosen}")
