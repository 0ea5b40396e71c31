"""ingest: the only stage that reads files. Every row ends up in People or in the Ledger.

``read_inputs`` (in ``inputs.py``) is the one entry every command uses. See docs/architecture.md.
"""

from __future__ import annotations

from pipeline.ingest.inputs import Inputs, Read, read_inputs, role_of
from pipeline.ingest.ledger import Ingested
from pipeline.ingest.profile import Profile

__all__ = ["Ingested", "Inputs", "Profile", "Read", "read_inputs", "role_of"]
