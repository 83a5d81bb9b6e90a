"""The store's schema, as sqlite-utils Migrations applied on every open.

Shipped migrations are append-only: never edit one that has been released, add m002_… instead.
Table and column names are part of the contract (DESIGN.md): Datasette users and scripts read them.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from ._sqlite_utils import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

migrations = Migrations("harasslog")  # sqlite-utils' own, built when first applied (start-up time)


def migration_names() -> list[str]:
    """Every migration this version knows, in order (a store with another applied is newer)."""
    return migrations.names()


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT, phone TEXT, id_number TEXT,
            region TEXT NOT NULL DEFAULT 'CN',
            tz TEXT NOT NULL DEFAULT 'Asia/Shanghai',
            jurisdiction TEXT NOT NULL DEFAULT 'cn',
            lang TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE parties (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL DEFAULT 'unknown'
                CHECK (kind IN ('creditor', 'agency', 'law_firm', 'unknown')),
            creditor_id INTEGER REFERENCES parties(id),
            note TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE numbers (
            number TEXT PRIMARY KEY,
            party_id INTEGER REFERENCES parties(id),
            kind TEXT NOT NULL DEFAULT 'unknown',
            region TEXT,
            carrier TEXT
        );
        CREATE TABLE debts (
            id INTEGER PRIMARY KEY,
            creditor_id INTEGER NOT NULL REFERENCES parties(id),
            account_ref TEXT,
            amount TEXT,
            currency TEXT,
            due_date TEXT,
            note TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            format TEXT NOT NULL,
            importer_version TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            new INTEGER NOT NULL DEFAULT 0,
            duplicate INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            skipped_reasons TEXT
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL
                CHECK (channel IN ('call', 'sms', 'mms', 'visit', 'letter', 'email', 'im', 'third_party')),
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            number TEXT,
            number_raw TEXT,
            party_id INTEGER REFERENCES parties(id),
            at TEXT NOT NULL,
            tz_offset_min INTEGER,
            duration_s INTEGER,
            status TEXT NOT NULL DEFAULT 'unknown'
                CHECK (status IN ('answered', 'missed', 'rejected', 'voicemail', 'blocked', 'unknown')),
            text TEXT,
            import_id INTEGER REFERENCES imports(id),
            source_ref TEXT,
            raw TEXT,
            note TEXT,
            recorded_at TEXT NOT NULL,
            hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL
        );
        CREATE INDEX idx_events_at ON events(at);
        CREATE INDEX idx_events_number ON events(number);
        CREATE INDEX idx_events_party ON events(party_id);
        CREATE INDEX idx_events_channel ON events(channel);
        CREATE INDEX idx_numbers_party ON numbers(party_id);

        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('stop', 'stop_channel', 'pause', 'cease_written', 'dispute',
                                               'attorney', 'inconvenient_time', 'no_workplace')),
            party_id INTEGER REFERENCES parties(id),
            start TEXT NOT NULL,
            "end" TEXT,
            channel TEXT,
            event_id INTEGER REFERENCES events(id),
            note TEXT,
            recorded_at TEXT NOT NULL,
            hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL
        );
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            event_id INTEGER REFERENCES events(id),
            name TEXT,
            mime TEXT,
            size INTEGER NOT NULL,
            note TEXT,
            recorded_at TEXT NOT NULL,
            hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL
        );
        CREATE INDEX idx_attachments_event ON attachments(event_id);

        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            pack_version TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            params TEXT,
            findings_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            rule_id TEXT NOT NULL,
            category TEXT NOT NULL,
            severity TEXT NOT NULL,
            group_key TEXT,
            title TEXT,
            event_ids TEXT NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            explanation TEXT NOT NULL,
            matches TEXT NOT NULL,
            citations TEXT NOT NULL
        );
        CREATE INDEX idx_findings_run ON findings(run_id);

        -- Append-only hash chain over every evidence write and every metadata change.
        CREATE TABLE ledger (
            seq INTEGER PRIMARY KEY,
            entity TEXT NOT NULL CHECK (entity IN ('events', 'attachments', 'requests', 'meta')),
            entity_id INTEGER,
            payload TEXT,
            recorded_at TEXT NOT NULL,
            hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL
        );
        CREATE INDEX idx_ledger_entity ON ledger(entity, entity_id);
        -- The chain is append-only: refuse edits and deletions at the database level too.
        CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

        -- Evidence is never edited in place or removed. (Someone with the file can drop these
        -- triggers; the hash chain is what proves an edit, these only stop accidents.)
        CREATE TRIGGER events_evidence_immutable BEFORE UPDATE OF
            id, channel, direction, number, number_raw, at, tz_offset_min, duration_s, status, text,
            import_id, source_ref, raw, recorded_at, hash, prev_hash ON events
            BEGIN SELECT RAISE(ABORT, 'evidence is never edited in place'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;
        CREATE TRIGGER requests_immutable BEFORE UPDATE ON requests
            BEGIN SELECT RAISE(ABORT, 'evidence is never edited in place'); END;
        CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
            BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;
        CREATE TRIGGER attachments_immutable BEFORE UPDATE ON attachments
            BEGIN SELECT RAISE(ABORT, 'evidence is never edited in place'); END;
        CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
            BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;

        -- Full-text search that finds Chinese substrings (trigram). External content: the text is
        -- stored once, in events; the index is brought up to date before each search.
        CREATE VIRTUAL TABLE events_fts USING fts5(
            text, content='events', content_rowid='id', tokenize='trigram'
        );
        """
    )


# The facts v1 kept outside the chain, as m002 found them: table → (key column, columns).
_M002_FACTS = {
    "profile": (
        "id",
        ("name", "phone", "id_number", "region", "tz", "jurisdiction", "lang", "created_at", "updated_at"),
    ),
    "parties": ("id", ("name", "kind", "creditor_id", "note", "created_at")),
    "imports": (
        "id",
        ("file_name", "sha256", "size", "format", "importer_version", "started", "finished", "new", "duplicate")
        + ("skipped", "skipped_reasons"),
    ),
    "debts": ("id", ("creditor_id", "account_ref", "amount", "currency", "due_date", "note", "created_at")),
    "runs": ("id", ("pack_id", "pack_version", "started", "finished", "params", "findings_count")),
}


@migrations()
def m002_chain_facts(db: Database) -> None:
    """Put the facts a dossier states under the hash chain (profile, parties, imports, debts, runs
    with a digest of their findings). A v1 store's existing rows are chained as they are now: the
    chain proves them from this upgrade on, not before it. New stores have no rows here yet."""
    from datetime import UTC, datetime

    from .integrity import FINDINGS_DIGEST, GENESIS, chain_hash, findings_digest
    from .normalize import to_utc_iso

    conn = db.conn
    found = conn.execute("SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    prev = found[0] if found else GENESIS
    recorded = to_utc_iso(datetime.now(UTC))
    for table, (key_column, columns) in _M002_FACTS.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        for key, *values in conn.execute(
            f"SELECT {key_column}, {quoted} FROM {table} ORDER BY {key_column}"
        ).fetchall():
            state = dict(zip(columns, values, strict=True))
            if table == "runs":
                state[FINDINGS_DIGEST] = findings_digest(conn, key)
            payload = {"table": table, "key": key, "set": state}
            digest = chain_hash(prev, payload)
            conn.execute(
                "INSERT INTO ledger (entity, entity_id, payload, recorded_at, hash, prev_hash)"
                " VALUES ('meta', NULL, ?, ?, ?, ?)",
                (json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str), recorded, digest, prev),
            )
            prev = digest


@migrations()
def m003_provenance(db: Database) -> None:
    """How each event entered the store and how precise its time is, and withdrawals.

    `source` ("typed", "casefile", "import:<file>", "ocr:<sha256>") and `at_precision` ("second",
    "minute", "day", "unknown") are hashed with the row when set. Rows written before this
    migration keep them NULL (their hashes stay as they were) and the store derives both when it
    reads them. A withdrawal is a chained fact (a `withdrawals` row and its ledger entry): the
    event itself is never touched."""
    db.executescript(
        """
        ALTER TABLE events ADD COLUMN source TEXT;
        ALTER TABLE events ADD COLUMN at_precision TEXT
            CHECK (at_precision IS NULL OR at_precision IN ('second', 'minute', 'day', 'unknown'));
        CREATE TRIGGER events_provenance_immutable BEFORE UPDATE OF source, at_precision ON events
            BEGIN SELECT RAISE(ABORT, 'evidence is never edited in place'); END;

        CREATE TABLE withdrawals (
            event_id INTEGER PRIMARY KEY REFERENCES events(id),
            reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE TRIGGER withdrawals_immutable BEFORE UPDATE ON withdrawals
            BEGIN SELECT RAISE(ABORT, 'a withdrawal is never edited'); END;
        CREATE TRIGGER withdrawals_no_delete BEFORE DELETE ON withdrawals
            BEGIN SELECT RAISE(ABORT, 'a withdrawal is never deleted'); END;
        """
    )


@migrations()
def m004_reviews(db: Database) -> None:
    """The signer's decisions on findings (accept, reject, relabel, add one the rules missed).
    A decision names its finding by rule id and event ids, so it survives re-analysis; each row is
    a fact under the chain. Append-only: a later decision on the same finding supersedes."""
    db.executescript(
        """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            finding_key TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            event_ids TEXT NOT NULL,
            decision TEXT NOT NULL,
            category TEXT,
            reason TEXT,
            citations TEXT NOT NULL DEFAULT '[]',
            severity TEXT,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX reviews_finding_key ON reviews (finding_key);
        CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
            BEGIN SELECT RAISE(ABORT, 'reviews are append-only: record a new decision'); END;
        CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
            BEGIN SELECT RAISE(ABORT, 'reviews are append-only: record a new decision'); END;
        """
    )


@migrations()
def m005_caller(db: Database) -> None:
    """A caller or sender without a number: `caller` is "withheld", "unknown" or "payphone" (the
    phone's presentation or its -1/-2/-3 markers), `number` is then NULL and `number_raw` keeps
    what the phone wrote. Hashed with the row when set, like m003's columns, so older rows keep
    their hashes."""
    db.executescript(
        """
        ALTER TABLE events ADD COLUMN caller TEXT
            CHECK (caller IS NULL OR caller IN ('withheld', 'unknown', 'payphone'));
        CREATE TRIGGER events_caller_immutable BEFORE UPDATE OF caller ON events
            BEGIN SELECT RAISE(ABORT, 'evidence is never edited in place'); END;
        """
    )


@migrations()
def m006_review_tier(db: Database) -> None:
    """Wording's review tier (issue 11): a findings row is either a finding (what a dossier may
    state) or a review item (probably a breach, for a person to accept or reject), with the score
    (0-1) of how likely it is one. Existing rows are findings with no score; the run digest leaves
    out `tier` = 'finding' and a NULL `score`, so their runs still verify as chained."""
    db.executescript(
        """
        ALTER TABLE findings ADD COLUMN tier TEXT NOT NULL DEFAULT 'finding'
            CHECK (tier IN ('finding', 'review'));
        ALTER TABLE findings ADD COLUMN score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1));
        CREATE INDEX idx_findings_run_tier ON findings(run_id, tier);
        """
    )


@migrations()
def m007_views(db: Database) -> None:
    """Views for lawyers who read the store with Datasette (`timeline`, `flagged`: contract names),
    and a full-text index that is always current.

    Search: events_fts is rebuilt once here; from now on the store indexes each batch of events in
    the transaction that adds it (Search.index: events are never updated or deleted, so inserts
    are all there is). A batch costs a fifth of a per-row trigger. `content="events"` is written
    with double quotes because that is the form Datasette recognises as the index of `events`.

    Local time: SQLite has no time zones, so `local_offsets` holds the profile zone's offsets over
    time (derived, rebuilt when the profile's zone is set; see store/localtime.py) and the views
    look up the one in force at each event. Evidence stays as it is, in UTC.

    `timeline` has no ORDER BY, so counts and facets over it need not sort or compute every
    column (Datasette's metadata sorts it by at_utc, which the index on events.at serves).
    `latest_findings` is the one place that says which findings the views show (the latest run's
    findings tier: an item raised for review is no finding);
    both views read it."""
    from .store.localtime import write_offsets

    # One statement at a time: sqlite-utils' executescript splits long scripts slowly.
    for statement in (
        "DROP TABLE events_fts",
        'CREATE VIRTUAL TABLE events_fts USING fts5(text, content="events", content_rowid="id", tokenize="trigram")',
        "INSERT INTO events_fts (events_fts) VALUES ('rebuild')",
        "DELETE FROM settings WHERE key = 'fts_indexed_through'",
        "CREATE TABLE local_offsets (zone TEXT NOT NULL, starts TEXT NOT NULL, offset_min INTEGER NOT NULL,"
        " PRIMARY KEY (zone, starts)) WITHOUT ROWID",
    ):
        db.conn.execute(statement)
    found = db.conn.execute("SELECT tz FROM profile WHERE id = 1").fetchone()
    write_offsets(db.conn, found[0] if found else "Asia/Shanghai")  # the profile's default zone

    # The offset in force at e.at, in the profile's zone (NULL if local_offsets lacks that zone):
    # joined once per event, so the expressions below read a column, not a subquery each.
    zone = "COALESCE((SELECT tz FROM profile WHERE id = 1), 'Asia/Shanghai')"
    join_offset = (
        f"LEFT JOIN local_offsets o ON o.zone = {zone} AND o.starts ="
        f" (SELECT max(starts) FROM local_offsets WHERE zone = {zone} AND starts <= e.at)"
    )
    offset = "o.offset_min"
    clock = f"strftime('%Y-%m-%dT%H:%M:%S', e.at, {offset} || ' minutes')"
    # As `list --json` shows `at`: milliseconds only when there are some, then the offset (+08:00).
    local_time = (
        f"{clock} || CASE WHEN substr(e.at, 20, 4) = '.000' THEN '' ELSE substr(e.at, 20, 4) END"
        f" || CASE WHEN {offset} < 0 THEN '-' ELSE '+' END"
        f" || printf('%02d:%02d', abs({offset}) / 60, abs({offset}) % 60)"
    )
    # Events written before m003 have no at_precision: derived as the store derives it on reading.
    precision = (
        "COALESCE(e.at_precision, CASE WHEN e.import_id IS NOT NULL THEN 'second'"
        f" WHEN substr({clock}, 12) = '00:00:00' AND substr(e.at, 20, 4) = '.000' THEN 'unknown'"
        " WHEN substr(e.at, 18, 6) = '00.000' THEN 'minute' ELSE 'second' END)"
    )
    db.conn.execute(
        """
        CREATE VIEW latest_findings AS
            SELECT f.* FROM findings f
            WHERE f.run_id = (SELECT MAX(id) FROM runs) AND f.tier = 'finding'
        """
    )
    db.conn.execute(
        f"""
        CREATE VIEW timeline AS
            SELECT
                e.id AS event_id,
                {local_time} AS local_time,
                substr({clock}, 1, 10) AS local_date,
                e.at AS at_utc,
                {precision} AS at_precision,
                e.channel, e.direction, e.status, e.duration_s,
                COALESCE(e.number, e.number_raw) AS number,
                p.name AS collector,
                c.name AS creditor,
                e.text,
                fl.event_id IS NOT NULL AS flagged,
                fl.flags,
                w.reason AS withdrawn
            FROM events e
            {join_offset}
            LEFT JOIN numbers n ON n.number = e.number
            LEFT JOIN parties p ON p.id = COALESCE(e.party_id, n.party_id)
            LEFT JOIN parties c ON c.id = p.creditor_id
            LEFT JOIN withdrawals w ON w.event_id = e.id
            LEFT JOIN (
                SELECT CAST(j.value AS INTEGER) AS event_id, json_group_array(DISTINCT f.category) AS flags
                FROM latest_findings f, json_each(f.event_ids) j GROUP BY 1
            ) fl ON fl.event_id = e.id
        """
    )
    db.conn.execute(
        f"""
        CREATE VIEW flagged AS
            SELECT
                f.id AS finding_id,
                f.rule_id, f.category, f.severity, f.title,
                e.id AS event_id,
                {local_time} AS local_time,
                e.channel,
                COALESCE(e.number, e.number_raw) AS number,
                p.name AS collector,
                CASE WHEN json_array_length(f.matches) > 0 THEN
                    (SELECT json_group_array(json_extract(m.value, '$.text')) FROM json_each(f.matches) m)
                END AS words,
                e.text,
                json_array_length(f.event_ids) AS events,
                f.event_ids,
                w.reason AS withdrawn,
                (SELECT r.decision FROM reviews r
                 WHERE r.finding_key = f.rule_id || ':' || (
                     SELECT group_concat(v, ',') FROM (
                         SELECT DISTINCT CAST(value AS INTEGER) AS v FROM json_each(f.event_ids) ORDER BY v))
                 ORDER BY r.id DESC LIMIT 1) AS decision,
                f.explanation,
                f.run_id
            FROM latest_findings f
            LEFT JOIN events e ON e.id = json_extract(f.event_ids, '$[0]')
            {join_offset}
            LEFT JOIN numbers n ON n.number = e.number
            LEFT JOIN parties p ON p.id = COALESCE(e.party_id, n.party_id)
            LEFT JOIN withdrawals w ON w.event_id = e.id
            ORDER BY f.id
        """
    )


@migrations()
def m008_corroborations(db: Database) -> None:
    """One contact, several sources (issue 12): when an import finds a contact already stored from
    another source (a carrier's itemised record of an SMS the phone holds), the event stays one and
    the second source's record is kept here: its own time, precision and raw record as that source
    wrote them. Evidence like an event: chained row by row, never edited, never deleted."""
    db.executescript(
        """
        CREATE TABLE corroborations (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            import_id INTEGER NOT NULL REFERENCES imports(id),
            source TEXT NOT NULL,
            source_ref TEXT,
            number_raw TEXT,
            at TEXT NOT NULL,
            tz_offset_min INTEGER,
            at_precision TEXT NOT NULL,
            duration_s INTEGER,
            status TEXT,
            text TEXT,
            raw TEXT,
            recorded_at TEXT NOT NULL,
            hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL
        );
        CREATE INDEX idx_corroborations_event ON corroborations(event_id);
        CREATE TRIGGER corroborations_immutable BEFORE UPDATE ON corroborations
            BEGIN SELECT RAISE(ABORT, 'evidence is never edited in place'); END;
        CREATE TRIGGER corroborations_no_delete BEFORE DELETE ON corroborations
            BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;
        """
    )


@migrations()
def m009_ocr(db: Database) -> None:
    """A person's check of what OCR read from a screenshot (issue 16): each row confirms an
    event's text as read (`text` = `ocr_text`) or corrects it, keeping the OCR text beside the
    correction. The event itself is never edited; analysis reads the latest row's text, and wording
    found in OCR text stays in the review tier until a row exists. A chained fact, append-only."""
    db.executescript(
        """
        CREATE TABLE ocr_corrections (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            text TEXT NOT NULL,
            ocr_text TEXT,
            reason TEXT,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX ocr_corrections_event ON ocr_corrections (event_id);
        CREATE TRIGGER ocr_corrections_no_update BEFORE UPDATE ON ocr_corrections
            BEGIN SELECT RAISE(ABORT, 'OCR corrections are append-only: record a new one'); END;
        CREATE TRIGGER ocr_corrections_no_delete BEFORE DELETE ON ocr_corrections
            BEGIN SELECT RAISE(ABORT, 'OCR corrections are append-only: record a new one'); END;
        """
    )


# A CHECK written `x IN ('a', 'b', ...)` builds a lookup table for every row inserted (about 3 µs
# a row each in SQLite 3.40); the same test written `x = 'a' OR x = 'b' ...` costs a tenth of it.
_CHECK_IN = re.compile(r"\b(channel|direction|status|at_precision|caller) IN \(([^()]*)\)")


def _or_chain(match: re.Match[str]) -> str:
    column, words = match.group(1), [w.strip() for w in match.group(2).split(",")]
    return "(" + " OR ".join(f"{column} = {word}" for word in words) + ")"


@migrations()
def m010_chain_in_rows(db: Database) -> None:
    """Events chained in their own rows (issue 15): from now on each event's hash covers the
    previous event's hash and its columns, and one ledger entry seals each batch (its payload
    names the ids, its hash is the last event's); see integrity.event_link. Events written before
    keep their one ledger entry each and verify as they always did: nothing is rewritten.

    An index for `list --number` on the numbers of events that have no normalized one (a partial
    index: nothing to maintain for the others). And the events table's CHECK constraints say
    `IN (...)` as `=`/`OR` chains,
    the same rule at a tenth of the cost per row. Rows on disk are untouched, so this is the edit
    of the stored CREATE TABLE text SQLite documents for constraint changes (ALTER TABLE, "making
    other kinds of table schema changes"): writable_schema, then a new schema_version."""
    conn = db.conn
    # `list --number` finds events without a normalized number by the number as written.
    conn.execute("CREATE INDEX idx_events_number_raw ON events(number_raw) WHERE number IS NULL")
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
    rewritten = _CHECK_IN.sub(_or_chain, sql)
    if rewritten == sql:
        return
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'events'", (rewritten,))
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


@migrations()
def m011_anchors(db: Database) -> None:
    """Anchors outside the store (RFC 3161, issue 14): each `harasslog anchor` records the chain
    head it asked a time-stamping authority to sign (hash, seq, counts, the request's SHA-256 and
    nonce); `anchor verify` adds the token (base64 DER), its genTime and TSA name, and whether its
    signature was checked. A chained fact like the profile: verify catches any edit. The head
    columns never change and a recorded token is never replaced (another token is another row)."""
    db.executescript(
        """
        CREATE TABLE anchors (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            head_hash TEXT NOT NULL,
            head_seq INTEGER NOT NULL,
            entries INTEGER NOT NULL,
            events INTEGER NOT NULL,
            tsq_sha256 TEXT,
            nonce TEXT,
            token TEXT,
            gen_time TEXT,
            tsa_name TEXT,
            signature TEXT CHECK (signature IS NULL OR signature IN ('checked', 'not_checked')),
            verified_at TEXT
        );
        CREATE INDEX anchors_head ON anchors (head_hash);
        CREATE TRIGGER anchors_head_immutable BEFORE UPDATE OF created_at, head_hash, head_seq, entries, events,
            tsq_sha256, nonce ON anchors
            BEGIN SELECT RAISE(ABORT, 'an anchor is never edited'); END;
        CREATE TRIGGER anchors_token_once BEFORE UPDATE OF token ON anchors WHEN OLD.token IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'an anchor''s token is never replaced'); END;
        CREATE TRIGGER anchors_no_delete BEFORE DELETE ON anchors
            BEGIN SELECT RAISE(ABORT, 'an anchor is never deleted'); END;
        """
    )


@migrations()
def m012_stats_index(db: Database) -> None:
    """The index on `channel` becomes one on `(channel, at)` (same name): `stats --by day` counts
    each local day's calls and messages as ranges of it, reading no table row (0.6 s of CPU on
    1,000,000 events otherwise), and `list --channel` gets its events in time order from it.
    Still one index on events, so imports maintain no more than before."""
    db.conn.execute("DROP INDEX IF EXISTS idx_events_channel")
    db.conn.execute("CREATE INDEX idx_events_channel ON events(channel, at)")
