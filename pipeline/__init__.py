"""prospects: a ranked, explained shortlist of people to ask for informational interviews.

The handful of names notebooks import::

    from pipeline import SAMPLE_CONFIG, Inputs, load_settings, shortlist
    result = shortlist(Inputs.sample(), load_settings(SAMPLE_CONFIG))

The sample (``SAMPLE``, a folder of package data) holds a synthetic LinkedIn archive
(``SAMPLE_EXPORT``), an alumni list (``SAMPLE_ALUMNI``), their settings (``SAMPLE_CONFIG``) and
the answer key of who is who (``truth.csv``, ``alumni_duplicates.csv``).

They are imported on first use, so that `prospects --help` does not wait for pandas.
"""

import os
import sys
from importlib import import_module

#: Arrow's allocator for every text column (pandas' "str" dtype lives in Arrow buffers).
ARROW_ALLOCATOR = "jemalloc"


def _choose_arrow_allocator() -> None:
    """Arrow allocates with jemalloc rather than its default (mimalloc), unless the user chose.

    A run moves wide frames of Arrow text (a row take per filter or sort); with mimalloc each
    take paid for fresh pages again, with jemalloc it reuses them: rank at the real size took
    8-10 s of CPU with the default and 4.8 s with jemalloc, at a lower peak (benchmarks/
    results.md, "issue-18-rest"). Arrow reads the variable once, when it is first imported, so
    it is set here, before any module imports pandas; the Linux and macOS wheels of pyarrow
    carry jemalloc, the Windows ones do not (there Arrow keeps its default).
    """
    if sys.platform in ("linux", "darwin") and "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_ALLOCATOR)


_choose_arrow_allocator()

_LAZY = {
    "Inputs": ("pipeline.run", "Inputs"),
    "Result": ("pipeline.run", "Result"),
    "shortlist": ("pipeline.run", "shortlist"),
    "shortlist_files": ("pipeline.run", "shortlist_files"),
    "write": ("pipeline.run", "write"),
    "Settings": ("pipeline.settings", "Settings"),
    "load_settings": ("pipeline.run", "load_settings"),
    "SAMPLE": ("pipeline.ingest.inputs", "SAMPLE"),
    "SAMPLE_EXPORT": ("pipeline.ingest.inputs", "SAMPLE_EXPORT"),
    "SAMPLE_ALUMNI": ("pipeline.ingest.inputs", "SAMPLE_ALUMNI"),
    "SAMPLE_CONFIG": ("pipeline.ingest.inputs", "SAMPLE_CONFIG"),
}
__all__ = [*_LAZY, "__version__"]


def _version() -> str:
    # importlib.metadata costs a tenth of a second at start-up; only the workbook needs it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("prospect-pipeline")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


def __getattr__(name: str):
    if name == "__version__":
        globals()["__version__"] = value = _version()
        return value
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
