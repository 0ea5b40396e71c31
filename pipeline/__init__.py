"""prospects: a ranked, explained shortlist of people to ask for informational interviews.

The handful of names notebooks import::

    from pipeline import SAMPLE_CONFIG, Inputs, load_settings, shortlist
    result = shortlist(Inputs.sample(), load_settings(SAMPLE_CONFIG))

The sample (``SAMPLE``, a folder of package data) holds a synthetic LinkedIn archive
(``SAMPLE_EXPORT``), an alumni list (``SAMPLE_ALUMNI``), their settings (``SAMPLE_CONFIG``) and
the answer key of who is who (``truth.csv``, ``alumni_duplicates.csv``).

They are imported on first use, so that `prospects --help` does not wait for pandas.
"""

from importlib import import_module

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
