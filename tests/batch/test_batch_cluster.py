"""The same batch on a dask.distributed cluster: two worker processes on this machine, started and
shut down by the test, loopback only; the workbooks equal the in-process ones cell by cell."""

from __future__ import annotations

from pathlib import Path

from centre_data import TODAY
from distributed import Client, LocalCluster
from openpyxl import load_workbook

from pipeline.batch.engine import run_batch
from pipeline.batch.students import read_students

pytest_plugins = ["centre_data"]  # the tiny inputs and their fixtures


def cells(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_cluster_workbooks_equal_in_process_ones(students_csv, dataset, centre_settings, tmp_path):
    table = read_students(students_csv)
    here = run_batch(table, [dataset], tmp_path / "here", centre_settings, workers=1, today=TODAY)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, Client(cluster) as client:  # fmt: skip
        client.wait_for_workers(2, timeout=120)
        workers = client.scheduler_info()["workers"]
        there = run_batch(
            table, [dataset], tmp_path / "there", centre_settings,
            scheduler=cluster.scheduler_address, today=TODAY,
        )  # fmt: skip
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
    assert there.engine.startswith("Dask cluster at tcp://127.0.0.1:")
    assert [o.status for o in there.outcomes] == [o.status for o in here.outcomes]
    names = sorted(p.name for p in (tmp_path / "here").glob("*.xlsx"))
    assert names == sorted(p.name for p in (tmp_path / "there").glob("*.xlsx"))
    assert len(names) == 5
    for name in names:
        a, b = cells(tmp_path / "here" / name), cells(tmp_path / "there" / name)
        if name == "summary.xlsx":  # seconds taken differ; everything else is equal
            for rows in (a, b):
                seconds = rows["Students"][0].index("Seconds")
                rows["Students"] = [r[:seconds] + r[seconds + 1 :] for r in rows["Students"]]
        assert a == b, name
