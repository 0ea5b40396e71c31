# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 2.0 Tune the ranking
#
# How the score is made, how each weight moves the quality of the top of the list, and how the
# ranking compares with what you could do by hand. The defaults use the labelled persona in
# `fixtures/ranking/` (its README says how each candidate was graded 0-3). For your own data,
# point the parameters at your files and at a labels CSV (columns name, relevance) — for example
# one made from the Interested column of a reviewed workbook.

# %% tags=["parameters"]
import os

EXPORT = "fixtures/ranking/Connections.csv"
ALUMNI = ["fixtures/ranking/alumni.csv"]
SETTINGS = "fixtures/ranking/settings.toml"
LABELS = "fixtures/ranking/labels.csv"
OUT_SETTINGS = os.environ.get("PROSPECTS_NOTEBOOK_OUT", "out/notebooks") + "/tuned-ranking.toml"

# %%
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from pipeline import settings, shortlist_files
from pipeline.rank import evaluate, score_features
from pipeline.rank.evaluate import labels_by_name, weight_sensitivity
from pipeline.rank.score import active_weights, contributions

result = shortlist_files(EXPORT, ALUMNI, SETTINGS)
everyone = pd.concat([result.ranked, result.filtered], ignore_index=True)
labels = labels_by_name(pd.read_csv(LABELS), everyone)
weights = active_weights(result.context)
print(result.summary())
print(f"{len(labels)} labelled candidates; weights in use: {weights}")

# %% [markdown]
# ## The score distribution
# Everyone ranked, and where the top of the list (the Shortlist sheet) starts.

# %%
top_n = result.settings.output.top_n
fig, ax = plt.subplots(figsize=(10, 4), constrained_layout=True)
ax.hist(result.ranked["score"], bins=30, color="#1F4E78")
if len(result.ranked) > top_n:
    cut = result.ranked["score"].iloc[top_n - 1]
    ax.axvline(cut, color="#C00000", linestyle="--", label=f"top {top_n} start here")
    ax.legend()
ax.set_title("Score of everyone ranked")
ax.set_xlabel("score (weighted mean of the features)")
ax.set_ylabel("people")
plt.show()

# %% [markdown]
# ## What makes up the score of the top 20
# Each bar is one person; each colour is one feature's share of their score.

# %%
top = result.ranked.head(20)
shares = contributions(top, weights)
shares.index = top["full_name"]
ax = shares.iloc[::-1].plot.barh(stacked=True, figsize=(10, 7), colormap="tab10")
ax.set_title("Each feature's contribution to the score, top 20")
ax.set_xlabel("contribution to the score")
ax.set_ylabel("")
ax.legend(loc="lower right", fontsize="small")
plt.show()

# %% [markdown]
# ## The ranking against the baselines
# NDCG@10 and precision@10 (grades 2-3 count as relevant), beside a random order, the most
# recent connections first, and "works at a target employer" only.

# %%
evaluate(result.ranked, labels, pool=everyone)

# %% [markdown]
# ## Sensitivity: ranking quality as each weight moves
# One feature's weight changes while the others stay as set. Left: NDCG@10 (the top of the
# list); right: NDCG over the whole list, which still separates weights when the top ten are
# already right. A flat line means the ranking does not depend on that weight here.

# %%
scored = score_features(result.linked.prospects, result.context)
grid = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5]
whole = len(everyone)
fig, axes = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True, sharey=True)
curves = {}
for feature in (f for f, w in weights.items() if w > 0):
    at10 = weight_sensitivity(scored, labels, result.context, feature, grid)
    full = weight_sensitivity(scored, labels, result.context, feature, grid, k=whole)
    curves[feature] = full
    axes[0].plot(grid, at10["ndcg_at_10"], marker="o", label=feature)
    axes[1].plot(grid, full[f"ndcg_at_{whole}"], marker="o", label=feature)
for ax, title in zip(axes, ("NDCG@10", "NDCG, whole list"), strict=True):
    ax.set_title(f"{title} as one weight moves")
    ax.set_xlabel("weight of the feature")
    ax.set_ylim(0, 1.05)
axes[0].set_ylabel("NDCG")
axes[1].legend(fontsize="small", loc="lower right")
plt.show()

# %% [markdown]
# ## Save the chosen weights
# Set the weights you want below (here: the current ones, each moved to the best value of its
# whole-list curve when that is strictly better) and write them into a settings file that
# `prospects shortlist --config` accepts.

# %%
chosen = dict(vars(result.settings.weights))
current = evaluate(result.ranked, labels, pool=everyone, k=whole)[f"ndcg_at_{whole}"].iloc[0]
for feature, curve in curves.items():
    best = curve.loc[curve[f"ndcg_at_{whole}"].idxmax()]
    if best[f"ndcg_at_{whole}"] > current:
        chosen[feature] = float(best["weight"])
tuned = replace(result.settings, weights=replace(result.settings.weights, **chosen))
# Your settings file with only the tuned keys changed: its comments and order stay as written.
written = settings.save_tuned(Path(SETTINGS), tuned, Path(OUT_SETTINGS))
print(f"Wrote {written}: {chosen}")
