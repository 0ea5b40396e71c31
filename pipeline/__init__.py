"""prospects: a ranked, explained shortlist of people to ask for informational interviews.

The handful of names notebooks import::

    from pipeline import Inputs, load_settings, shortlist
    result = shortlist(Inputs.sample(), load_settings("fixtures/sample/shortlist.toml"))

They are imported on first use, so that `prospects --help` does not wait for pandas.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("prospect-pipeline")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

_LAZY = {
    "Inputs": ("pipeline.run", "Inputs"),
    "Result": ("pipeline.run", "Result"),
    "shortlist": ("pipeline.run", "shortlist"),
    "write": ("pipeline.run", "write"),
    "Settings": ("pipeline.settings", "Settings"),
    "load_settings": ("pipeline.run", "load_settings"),
}
__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
