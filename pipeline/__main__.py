"""python -m pipeline: the same CLI as `prospects`."""

from pipeline.cli import app

app(prog_name="prospects")
