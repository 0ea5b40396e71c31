"""python -m pipeline: the same CLI as `prospects`."""

from pipeline.cli import main

main()
