"""Reviews: the signer's decisions on findings, appended and chained as facts.

A decision names its finding by a key that survives re-analysis: the rule id and the sorted event
ids (a findings row id changes with every run). A finding added by a person has the key
"REVIEW:<category>:<event id>". The latest decision on a key is the one that counts.

Review items (findings rows with tier "review") are decided on the same way and keyed the same:
an item a review-tier rule raised by that rule's id ("CN-WORD-XXX-REVIEW:7"); an item no rule raised
(the statistical layer's: ReviewItem.rule_id "") by "MODEL:<category>" (rules.triage.stable_rule_id),
so "MODEL:threat_violence:7". One item per event and id, so the key is stable across runs as long
as the item is raised again; accepting one makes it a finding in dossiers (labelled as raised for
review), rejecting it keeps it out, as for any finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._sql import json_text, now_iso, rows

if TYPE_CHECKING:
    from . import Store

DECISIONS = ("accept", "reject", "relabel", "add")
ADDED_RULE = "REVIEW"


def finding_key(rule_id: str, event_ids: Iterable[int]) -> str:
    return f"{rule_id}:{','.join(str(i) for i in sorted(set(event_ids)))}"


def added_key(category: str, event_id: int) -> str:
    return f"{ADDED_RULE}:{category}:{event_id}"


class Reviews:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def add(
        self,
        *,
        key: str,
        rule_id: str,
        event_ids: Iterable[int],
        decision: str,
        category: str | None = None,
        reason: str | None = None,
        citations: list[dict[str, Any]] | None = None,
        severity: str | None = None,
    ) -> int:
        """Record one decision, with the ledger entry that makes it provable."""
        self._store.require_transaction()
        if decision not in DECISIONS:
            raise ValueError(f"unknown review decision {decision!r}")
        values = {
            "finding_key": key,
            "rule_id": rule_id,
            "event_ids": json_text(sorted(set(event_ids))),
            "decision": decision,
            "category": category,
            "reason": reason,
            "citations": json_text(citations or []),
            "severity": severity,
            "decided_at": now_iso(),
        }
        return self._store.ledger.add_fact("reviews", values)

    def list(self) -> list[dict[str, Any]]:
        """Every decision, oldest first, with event ids and citations decoded."""
        out = rows(self._conn, "SELECT * FROM reviews ORDER BY id")
        for r in out:
            r["event_ids"] = json.loads(r["event_ids"])
            r["citations"] = json.loads(r["citations"] or "[]")
        return out
