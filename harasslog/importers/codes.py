"""Android's telephony type codes, shared by every importer that reads them.

SMS Backup & Restore writes the Android provider's own values, so the XML backup and the phone's
databases (mmssms.db, calllog.db) are read with the same tables.
"""

from __future__ import annotations

SMS_DIRECTIONS = {1: "in", 2: "out"}  # inbox, sent
SMS_NOT_SENT = {3: "draft", 4: "outbox (not sent)", 5: "failed to send", 6: "queued (not sent)"}
MMS_BOXES = {1: "in", 2: "out"}
MMS_NOT_SENT = {3: "draft", 4: "outbox (not sent)"}
# pdu m_type (OMA MMS encapsulation): 128 send-req (sent), 130 notification-ind (one waiting to be
# downloaded) and 132 retrieve-conf (received) are messages; the others are protocol receipts.
MMS_MESSAGES = frozenset({128, 130, 132})
MMS_REPORTS = {
    129: "send confirmation (not a message)",
    131: "notification response (not a message)",
    133: "acknowledgement (not a message)",
    134: "delivery report (not a message)",
    135: "read report (not a message)",
    136: "read report (not a message)",
}

CALL_TYPES: dict[int, tuple[str, str | None]] = {
    1: ("in", "answered"),
    2: ("out", None),  # answered when it lasted, else unknown
    3: ("in", "missed"),
    4: ("in", "voicemail"),
    5: ("in", "rejected"),
    6: ("in", "blocked"),
    7: ("in", "answered"),  # answered on another device
}


def call_direction_status(kind: int, duration: int | None) -> tuple[str, str]:
    """(direction, status) of a call of a known type: an outgoing call lasted, so it was answered."""
    direction, status = CALL_TYPES[kind]
    if status is None:
        status = "answered" if duration else "unknown"
    return direction, status
