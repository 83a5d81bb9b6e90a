"""Findings must be current: a dossier never mixes new counts with an old analysis.

The last run is stale when the ledger holds writes after it that may change what the rules read
(events, withdrawals, requests, party links, the profile), or when its rule pack now has another
version. The caller re-runs the same analysis (same pack, period and language).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..rules.loader import load_pack
from ..store.freshness import changes_since_run

if TYPE_CHECKING:
    from ..store import Store


@dataclass(frozen=True)
class Stale:
    run_id: int
    changes: int  # ledger entries since the run that may change its findings
    pack_changed: bool
    rules: str
    since: str | None
    until: str | None
    lang: str


def staleness(store: Store) -> Stale | None:
    """None when there is no run or the last one is current; else what to run again and why."""
    run = store.runs.last()
    if run is None:
        return None
    params: dict[str, Any] = run.get("params") or {}
    rules = params.get("rules") or run["pack_id"]
    # A run the ledger does not hold (None) cannot be shown current: run it again.
    changes = changes_since_run(store, run["id"])
    changes = 1 if changes is None else changes
    try:
        pack = load_pack(rules)
        pack_changed = (pack.id, pack.version) != (run["pack_id"], run["pack_version"])
    except InputError:
        if changes:
            raise InputError(
                f"the findings are out of date and their rule pack {rules!r} can no longer be read: analyze again"
            ) from None
        pack_changed = False
    if not changes and not pack_changed:
        return None
    return Stale(
        run_id=run["id"],
        changes=changes,
        pack_changed=pack_changed,
        rules=rules,
        since=params.get("since"),
        until=params.get("until"),
        lang=params.get("lang") or "en",
    )
