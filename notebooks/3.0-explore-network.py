# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 3.0 Explore your network
#
# Your network at a glance: where your connections work, how senior they are, what they do, how
# far ahead of you they are, where your school's alumni work, where an introduction would
# open a door, and (from the run history) how your network changed over time. Point the
# parameters at your own files; the defaults are the bundled sample.

# %% tags=["parameters"]
EXPORT = "pipeline/sample/Basic_LinkedInDataExport_11-28-2026.zip"
ALUMNI = ["pipeline/sample/alumni.xlsx"]
SETTINGS = "pipeline/sample/shortlist.toml"
# Your run history (out/history.sqlite, written by every `prospects shortlist`). Empty: a demo
# history made here from three exports of one invented user, a few months apart.
HISTORY = ""
DEMO_EXPORTS = ["fixtures/history/v1", "fixtures/history/v2", "fixtures/history/v3"]
DEMO_DATES = ["2026-06-01", "2026-09-10", "2026-11-02"]
DEMO_SETTINGS = "fixtures/history/shortlist.toml"

# %%
from pathlib import Path

import matplotlib.pyplot as plt

from pipeline import insights, shortlist_files
from pipeline.normalize.levels import level_evidence

result = shortlist_files(EXPORT, ALUMNI, SETTINGS)
prospects, ranked = result.linked.prospects, result.ranked
print(result.summary())


# %%
def barh(series, title, xlabel, ax):
    """A horizontal bar chart, largest at the top."""
    series.iloc[::-1].plot.barh(ax=ax, color="#1F4E78")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")


fig, axes = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
barh(
    insights.by_employer(prospects, "connections"),
    "Where your connections work",
    "connections",
    axes[0],
)
barh(
    insights.by_employer(prospects, "alumni"), "Where your school's alumni work", "alumni", axes[1]
)
plt.show()

# %% [markdown]
# How senior are your connections (LinkedIn's ten levels), and what do they do?

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
levels = insights.seniority_counts(prospects)
levels.plot.bar(ax=axes[0], color="#5B9BD5")
axes[0].set_title("Connections by seniority")
axes[0].set_xlabel("seniority (LinkedIn's scale)")
axes[0].set_ylabel("connections")
barh(
    insights.role_family_counts(prospects).head(12),
    "Connections by role family",
    "connections",
    axes[1],
)
plt.show()

# %% [markdown]
# How each level was decided: the title's own words ("Intern", "Director"), a title with no
# level word read with the years since the first degree ("Consultant", nine years out, is
# Senior), the years and the kind of employer when there is no title (an estimate), or the
# employer ("VP Finance"
# at a student society is Unpaid). The probability is that of the level shown, the most
# probable one; `prospects explain NAME` shows it for one person.

# %%
level_evidence(ranked)

# %% [markdown]
# How far ahead of you is everyone ranked? The shaded band is the sweet spot from your settings.

# %%
settings = result.settings
ahead = insights.years_ahead(ranked)
fig, ax = plt.subplots(figsize=(10, 4), constrained_layout=True)
ax.hist(ahead, bins=range(int(ahead.min()) - 1, int(ahead.max()) + 2), color="#1F4E78")
target, tol = settings.targets.years_ahead, settings.targets.years_tolerance
ax.axvspan(target - tol, target + tol, color="#F4B183", alpha=0.5, label="sweet spot", zorder=0)
ax.set_title("Years ahead of you (everyone ranked)")
ax.set_xlabel("years ahead of you")
ax.set_ylabel("people")
ax.legend()
plt.show()

# %% [markdown]
# Where can an introduction open a door? Employers with the most people you are not yet
# connected to, but could be introduced to by a connection who works there.

# %%
intros = insights.intro_opportunities(ranked)
fig, ax = plt.subplots(figsize=(10, 5), constrained_layout=True)
barh(
    intros.set_index("employer")["reachable"],
    "People reachable through an introduction",
    "people",
    ax,
)
plt.show()
intros

# %% [markdown]
# ## Your network over time
#
# Every `prospects shortlist` run adds what it saw to the history. From it: the connections you
# made each month (and which of them have since left your files), and how many employers your
# connections work at, run after run, with the employers gained and lost.

# %%
import tempfile
from datetime import date

from pipeline import history
from pipeline.history import network

if HISTORY:
    history_path = Path(HISTORY)
else:
    history_path = Path(tempfile.mkdtemp()) / "history.sqlite"
    for folder, day in zip(DEMO_EXPORTS, DEMO_DATES, strict=True):
        run_result = shortlist_files(
            f"{folder}/Connections.csv",
            [f"{folder}/alumni.csv"],
            DEMO_SETTINGS,
            today=date.fromisoformat(day),
        )
        history.prepare(run_result, history_path).commit()
print(history.runs_text(history.run_rows(history_path)))
print(history.changes_text(history.changes_since(history_path)))

# %%
per_month = network.connections_per_month(history_path)
per_run = network.employers_per_run(history_path)
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), constrained_layout=True)
per_month.plot.bar(stacked=True, ax=axes[0], color=["#1F4E78", "#F4B183"], width=0.9, legend=True)
step = max(1, len(per_month) // 12)
axes[0].set_xticks(range(0, len(per_month), step))
axes[0].set_xticklabels([str(m) for m in per_month.index[::step]], rotation=45, ha="right")
axes[0].set_title("Connections made per month")
axes[0].set_xlabel("month connected")
axes[0].set_ylabel("connections")
x = range(len(per_run))
axes[1].bar(x, per_run["gained"], color="#5B9BD5", label="employers gained")
axes[1].bar(x, -per_run["lost"], color="#C00000", label="employers lost")
axes[1].plot(x, per_run["employers"], color="#1F4E78", marker="o", label="employers (total)")
axes[1].set_xticks(list(x))
axes[1].set_xticklabels(per_run.index, rotation=45, ha="right")
axes[1].axhline(0, color="black", linewidth=0.8)
axes[1].set_title("Employers where your connections work, run by run")
axes[1].set_ylabel("employers")
axes[1].legend()
plt.show()
per_run
