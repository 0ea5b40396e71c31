"""Text rules shared by every stage: pure ``str -> str`` functions and the tables behind them.

Below the stages in the import order (ingest, normalize, link, rank and export may all use it; it
uses none of them). See docs/architecture.md (layers).
"""
