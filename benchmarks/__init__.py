"""The benchmark scripts. Importing the package first lets ``pipeline`` choose Arrow's allocator
before any script imports pandas, as `prospects` itself does (pipeline/__init__.py)."""

import pipeline  # noqa: F401
