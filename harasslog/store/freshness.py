"""Is the last analysis still current? Read from the ledger: every write after the run's own
entry (an event, a withdrawal, a request, a party link, a profile change...) may change the
findings, except reviews and later runs, which do not touch what the rules read."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Store

# Facts that do not change what the rules read.
_NEUTRAL_TABLES = ("runs", "reviews")


def changes_since_run(store: Store, run_id: int) -> int | None:
    """How many ledger entries after run `run_id` may change its findings (None: the run is not
    in the ledger, so nothing can be said for it). Walks back from the end, stopping at the run."""
    count = 0
    cursor = store.conn.execute("SELECT entity, payload FROM ledger ORDER BY seq DESC")
    while chunk := cursor.fetchmany(2000):
        for entity, payload_text in chunk:
            if entity != "meta":
                count += 1
                continue
            payload = json.loads(payload_text)
            if payload.get("table") == "runs" and payload.get("key") == run_id and "pack_id" in payload.get("set", {}):
                return count
            if payload.get("table") not in _NEUTRAL_TABLES:
                count += 1
    return None
