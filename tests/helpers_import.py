"""Builders for the phone exports the import tests write themselves (never real personal data).

Schemas use the real table and column names (formats.md §2): a subset of the columns, in the
order the phone writes them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

SBR_HEADER = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    "<!--File Created By SMS Backup & Restore v10.20.002 on 20/11/2026 22:13:00-->\n"
    '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n'
)


def write_sbr(path: Path, body: str, *, root: str = "smses", count: int = 1) -> Path:
    """An SMS Backup & Restore file: `body` holds the <sms>/<mms>/<call> elements verbatim."""
    path.write_text(
        f'{SBR_HEADER}<{root} count="{count}" backup_set="t" backup_date="1763647980000">\n{body}\n</{root}>\n',
        encoding="utf-8",
    )
    return path


def sms(address: str, date: int | str, type: int, body: str, **extra: str) -> str:
    """One <sms> element; `body` must already be XML-escaped (tests write the quirks by hand)."""
    attrs = {
        "protocol": "0",
        "address": address,
        "date": str(date),
        "type": str(type),
        "subject": "null",
        "body": body,
        "toa": "null",
        "sc_toa": "null",
        "service_center": "null",
        "read": "1",
        "status": "-1",
        "locked": "0",
        "date_sent": "0",
        "readable_date": "Nov 20, 2026 10:13:00 PM",
        "contact_name": "(Unknown)",
        **extra,
    }
    return "<sms " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + " />"


def call(number: str, date: int, type: int, duration: int = 0, **extra: str) -> str:
    attrs = {
        "number": number,
        "duration": str(duration),
        "date": str(date),
        "type": str(type),
        "presentation": "1",
        "readable_date": "20 nov. 2026 22:13:00",
        "contact_name": "(Unknown)",
        **extra,
    }
    return "<call " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + " />"


# ---------------------------------------------------------------- iOS

TYPEDSTREAM_HEAD = (
    b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x19NSMutableAttributedString\x00"
    b"\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x0fNSMutableString\x01"
    b"\x84\x84\x08NSString\x01\x95\x84\x01+"
)
TYPEDSTREAM_TAIL = (
    b"\x86\x84\x02iI\x01\x08\x92\x84\x84\x84\x0cNSDictionary\x00\x95\x84\x01i\x01\x92\x84\x98\x98"
    b"\x1d__kIMMessagePartAttributeName\x86\x92\x84\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00"
    b"\x95\x84\x01*\x84\x9b\x9b\x00\x86\x86\x86"
)


def attributed_body(text: str) -> bytes:
    """An NSAttributedString archive as Messages writes it, holding `text` (length in UTF-8 bytes)."""
    data = text.encode("utf-8")
    if len(data) < 0x80:
        length = bytes([len(data)])
    elif len(data) < 0x8000:
        length = b"\x81" + len(data).to_bytes(2, "little")
    else:
        length = b"\x82" + len(data).to_bytes(4, "little")
    return TYPEDSTREAM_HEAD + length + data + TYPEDSTREAM_TAIL


def make_ios_sms_db(
    path: Path,
    handles: list[tuple[int, str]],
    messages: list[dict[str, Any]],
    chats: list[tuple[int, str, list[int]]] = (),
    attachments: list[tuple[int, int, str, str]] = (),
) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
            service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
            replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT,
            country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0,
            service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER,
            date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
            is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0,
            cache_has_attachments INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0,
            associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0);
        CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
            state INTEGER, account_id TEXT, chat_identifier TEXT, service_name TEXT, display_name TEXT);
        CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0,
            PRIMARY KEY (chat_id, message_id));
        CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
        CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
            created_date INTEGER DEFAULT 0, filename TEXT, mime_type TEXT, transfer_name TEXT,
            total_bytes INTEGER DEFAULT 0);
        CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER,
            UNIQUE(message_id, attachment_id));
    """)
    conn.executemany("INSERT INTO handle (ROWID, id, country, service) VALUES (?, ?, 'cn', 'SMS')", handles)
    for i, m in enumerate(messages, 1):
        row = {"guid": f"guid-{i}", "service": "SMS", "handle_id": 0, "is_from_me": 0, **m}
        conn.execute(f"INSERT INTO message ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    for chat_id, ident, message_ids in chats:
        conn.execute(
            "INSERT INTO chat (ROWID, guid, chat_identifier, service_name) VALUES (?, ?, ?, 'SMS')",
            (chat_id, f"SMS;-;{ident}", ident),
        )
        conn.executemany(
            "INSERT INTO chat_message_join (chat_id, message_id) VALUES (?, ?)", [(chat_id, m) for m in message_ids]
        )
    for message_id, attachment_id, filename, mime in attachments:
        conn.execute(
            "INSERT INTO attachment (ROWID, guid, filename, mime_type, transfer_name) VALUES (?, ?, ?, ?, ?)",
            (attachment_id, f"att-{attachment_id}", filename, mime, Path(filename).name),
        )
        conn.execute("INSERT INTO message_attachment_join VALUES (?, ?)", (message_id, attachment_id))
    conn.commit()
    conn.close()
    return path


def make_ios_calls_db(path: Path, rows: list[dict[str, Any]]) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
            ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA BLOB,
            ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP,
            ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR,
            ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
        CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
    """)
    for row in rows:
        full = {
            "Z_ENT": 2,
            "Z_OPT": 1,
            "ZCALLTYPE": 1,
            "ZSERVICE_PROVIDER": "com.apple.Telephony",
            "ZISO_COUNTRY_CODE": "cn",
            **row,
        }
        conn.execute(
            f"INSERT INTO ZCALLRECORD ({', '.join(full)}) VALUES ({', '.join('?' * len(full))})", list(full.values())
        )
    conn.commit()
    conn.close()
    return path


# ---------------------------------------------------------------- Android


def make_mmssms_db(
    path: Path,
    sms_rows: list[dict[str, Any]],
    pdus: list[dict[str, Any]] = (),
    parts: list[dict[str, Any]] = (),
    addrs: list[dict[str, Any]] = (),
    spam_rows: list[dict[str, Any]] | None = None,
) -> Path:
    conn = sqlite3.connect(path)
    sms_columns = """(_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
            date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
            type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT,
            locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT 0,
            creator TEXT, seen INTEGER DEFAULT 0)"""
    conn.executescript(f"""
        CREATE TABLE android_metadata (locale TEXT);
        CREATE TABLE sms {sms_columns};
        CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER,
            date_sent INTEGER DEFAULT 0, msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT,
            sub_cs INTEGER, ct_t TEXT, ct_l TEXT, exp INTEGER, m_cls TEXT, m_type INTEGER, v INTEGER,
            m_size INTEGER, pri INTEGER, rr INTEGER, rpt_a INTEGER, resp_st INTEGER, st INTEGER, tr_id TEXT,
            retr_st INTEGER, retr_txt TEXT, retr_txt_cs INTEGER, read_status INTEGER, ct_cls INTEGER,
            resp_txt TEXT, d_tm INTEGER, d_rpt INTEGER, locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1,
            seen INTEGER DEFAULT 0, creator TEXT);
        CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT,
            name TEXT, chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT,
            _data TEXT, text TEXT);
        CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT,
            type INTEGER, charset INTEGER);
        CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0,
            message_count INTEGER DEFAULT 0, recipient_ids TEXT, snippet TEXT);
        CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
    """)
    if spam_rows is not None:
        conn.execute(f"CREATE TABLE spam_sms {sms_columns}")
    for table, rows in (
        ("sms", sms_rows),
        ("pdu", pdus),
        ("part", parts),
        ("addr", addrs),
        ("spam_sms", spam_rows or []),
    ):
        for row in rows:
            conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
    conn.commit()
    conn.close()
    return path


def make_calllog_db(path: Path, rows: list[dict[str, Any]]) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE android_metadata (locale TEXT);
        CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT, presentation INTEGER NOT NULL
            DEFAULT 1, post_dial_digits TEXT NOT NULL DEFAULT '', date INTEGER, duration INTEGER,
            data_usage INTEGER, type INTEGER, features INTEGER NOT NULL DEFAULT 0,
            subscription_component_name TEXT, subscription_id TEXT, phone_account_address TEXT,
            new INTEGER, name TEXT, numbertype INTEGER, numberlabel TEXT, countryiso TEXT,
            voicemail_uri TEXT, is_read INTEGER, geocoded_location TEXT, lookup_uri TEXT,
            matched_number TEXT, normalized_number TEXT, photo_id INTEGER NOT NULL DEFAULT 0,
            photo_uri TEXT, formatted_number TEXT, _data TEXT, has_content INTEGER, mime_type TEXT,
            source_data TEXT, source_package TEXT, transcription TEXT, last_modified INTEGER DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0);
    """)
    for row in rows:
        conn.execute(f"INSERT INTO calls ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    conn.commit()
    conn.close()
    return path


# ---------------------------------------------------------------- store checks


def event_rows(store: Any) -> list[dict[str, Any]]:
    cursor = store.conn.execute("SELECT * FROM events ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def counts(store: Any) -> tuple[int, int, int]:
    """(events, imports, ledger entries): unchanged by a refused import."""
    return tuple(store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("events", "imports", "ledger"))


# ---------------------------------------------------------------- memory-bounded runs


def run_limited(args: list[str], db: Path, limit_mb: int = 250, timeout: float = 120) -> Any:
    """The CLI in a subprocess whose address space is capped at `limit_mb` (RLIMIT_AS), so a
    command that holds a large input whole fails (MemoryError, exit 3) where a streaming one succeeds.

    The bare CLI fits in about 150 MB; the cap leaves no room for a few hundred MB held whole."""
    import resource
    import subprocess
    import sys

    limit = limit_mb << 20

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    # -P: the installed harasslog, not the source folder of a checkout run from its root.
    return subprocess.run(
        [sys.executable, "-P", "-m", "harasslog", "--db", str(db), *args],
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
