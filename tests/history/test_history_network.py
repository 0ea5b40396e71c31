"""The network over time (notebook 3's plots): connections per month, employers per run."""

from __future__ import annotations

import pandas as pd
from history_exports import load_settings, record

from pipeline.history import network


def test_connections_per_month_and_employers_gained_and_lost(tmp_path):
    history_settings = load_settings(tmp_path)
    db = tmp_path / "history.sqlite"
    for k in (1, 2, 3):
        record(tmp_path, k, history_settings, db)
    months = network.connections_per_month(db)
    assert months["still connected"].sum() == 13  # 12, minus Tomas, plus Yara and Zane
    assert months["since left"].sum() == 1
    assert months.loc[pd.Period("2022-11", "M"), "since left"] == 1  # Tomas, connected Nov 2022
    assert months.index[0] == pd.Period("2022-03", "M")
    assert months.index[-1] == pd.Period("2026-10", "M")
    assert len(months) == 56  # every month in between, empty ones as 0

    employers = network.employers_per_run(db)
    assert employers.index.tolist() == ["2026-06-01", "2026-09-10", "2026-11-02"]
    # v2: Deloitte (Ilsa and Pia left it) and Sun Life (Tomas) lost; Accenture, Wealthsimple new
    # v3: Zane brings Deloitte back.
    assert employers.to_dict("list") == {
        "employers": [11, 11, 12],
        "gained": [0, 2, 1],
        "lost": [0, 2, 0],
    }
