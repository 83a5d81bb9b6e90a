"""An anchor outside the store: RFC 3161 time-stamp requests over the chain head, and their tokens.

A local hash chain proves the store is consistent, not *when* it held what it holds. A time-stamping
authority (TSA) signs "this digest existed at this time": harasslog writes the request (.tsq, DER)
over the chain head, the user sends it to any TSA, and the token that comes back is checked here
offline. The chain head is itself a SHA-256 digest, so it is the messageImprint as it stands: the
same request as `openssl ts -query -digest HEAD -sha256 -cert`, and `openssl ts -verify -digest
HEAD` checks the token the same way. Pure: bytes in, values out; no network, no store.

Only the DER this needs is read: a small reader of tag-length-value, strict about lengths, so a
garbage file fails with one line (InputError) instead of a traceback.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import InputError

SHA256 = "2.16.840.1.101.3.4.2.1"
_SIGNED_DATA = "1.2.840.113549.1.7.2"
_TST_INFO = "1.2.840.113549.1.9.16.1.4"
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_DIGESTS = {SHA256: "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512"}
# X.520 attribute types a TSA's name usually carries, for a readable name.
_NAME_KEYS = {"2.5.4.3": "CN", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST"}
_STATUS = {0: "granted", 1: "grantedWithMods", 2: "rejection", 3: "waiting", 4: "revocationWarning"}


# --- DER, the little of it that is needed ---------------------------------------------------


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _integer(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(part) for part in dotted.split("."))
    body = bytearray([first * 40 + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        while arc > 0x7F:
            arc >>= 7
            chunk.append(0x80 | (arc & 0x7F))
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


@dataclass(frozen=True)
class _Node:
    tag: int
    content: bytes
    raw: bytes  # the whole element, tag and length included (what a signature covers)

    def children(self) -> list[_Node]:
        return _read_all(self.content)


def _read(data: bytes, at: int = 0) -> tuple[_Node, int]:
    if at + 2 > len(data):
        raise InputError("not an RFC 3161 time-stamp response (the DER ends early)")
    tag, first = data[at], data[at + 1]
    if tag & 0x1F == 0x1F:
        raise InputError("not an RFC 3161 time-stamp response (an ASN.1 tag form it never uses)")
    start = at + 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise InputError("not an RFC 3161 time-stamp response (a DER length is malformed)")
        size = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + size
    if end > len(data):
        raise InputError("not an RFC 3161 time-stamp response (the DER ends early)")
    return _Node(tag, data[start:end], data[at:end]), end


def _read_all(data: bytes) -> list[_Node]:
    nodes, at = [], 0
    while at < len(data):
        node, at = _read(data, at)
        nodes.append(node)
    return nodes


def _expect(node: _Node, tag: int, what: str) -> _Node:
    if node.tag != tag:
        raise InputError(f"not an RFC 3161 time-stamp response ({what} is missing)")
    return node


def _oid_text(node: _Node) -> str:
    _expect(node, 0x06, "an object identifier")
    body = node.content
    if not body:
        raise InputError("not an RFC 3161 time-stamp response (an empty object identifier)")
    arcs, value = [body[0] // 40, body[0] % 40], 0
    for byte in body[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(str(arc) for arc in arcs)


def _int_value(node: _Node) -> int:
    return int.from_bytes(_expect(node, 0x02, "an integer").content, "big", signed=True)


# --- the request ------------------------------------------------------------------------------


def new_nonce() -> int:
    """A random 64-bit nonce: ties the token that comes back to this request."""
    return secrets.randbits(64)


def request(head: str, nonce: int) -> bytes:
    """TimeStampReq (RFC 3161 §2.4.1): v1, SHA-256 messageImprint of the head, nonce, certReq true."""
    digest = _head_bytes(head)
    algorithm = _tlv(0x30, _oid(SHA256) + b"\x05\x00")
    imprint = _tlv(0x30, algorithm + _tlv(0x04, digest))
    return _tlv(0x30, _integer(1) + imprint + _integer(nonce) + b"\x01\x01\xff")


def _head_bytes(head: str) -> bytes:
    text = head.strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise InputError(f"a chain head is 64 hexadecimal characters, not {head[:80]!r}")
    return bytes.fromhex(text)


# --- the response -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """What a time-stamp token says, read from its DER; `signed_digest_ok` is the one part of the
    signature checked here: the signed messageDigest attribute equals the digest of the TSTInfo.
    The signature itself is checked by `openssl ts -verify` against a CA (see cli/anchor.py)."""

    token: bytes  # the TimeStampToken (ContentInfo) DER, whether the file was a response or a token
    is_response: bool
    hash_algorithm: str
    imprint: str  # hex
    gen_time: str  # UTC ISO 8601, as the TSA wrote it (fractions kept)
    serial: int
    nonce: int | None
    policy: str
    tsa_name: str | None
    signed_digest_ok: bool | None  # None: no signed attributes or an unknown digest algorithm

    def token_b64(self) -> str:
        return base64.b64encode(self.token).decode("ascii")


def parse(data: bytes) -> Token:
    """A TimeStampResp (.tsr) or a bare TimeStampToken; InputError for anything else."""
    if not data:
        raise InputError("not an RFC 3161 time-stamp response (the file is empty)")
    outer, end = _read(data)
    if end != len(data) or outer.tag != 0x30:
        raise InputError("not an RFC 3161 time-stamp response (not one DER sequence)")
    parts = outer.children()
    if not parts:
        raise InputError("not an RFC 3161 time-stamp response (an empty sequence)")
    is_response = parts[0].tag == 0x30  # TimeStampResp starts with PKIStatusInfo, a token with an OID
    if is_response:
        status = _int_value(_expect((parts[0].children() or [parts[0]])[0], 0x02, "the status"))
        if status not in (0, 1):
            name = _STATUS.get(status, str(status))
            raise InputError(f"the time-stamping authority did not grant this request (status {name})")
        if len(parts) < 2:
            raise InputError("the time-stamp response carries no token")
        token_node = _expect(parts[1], 0x30, "the token")
    else:
        token_node = outer
    return _parse_token(token_node, is_response)


def _parse_token(token_node: _Node, is_response: bool) -> Token:
    content_type, *rest = token_node.children() or [token_node]
    if _oid_text(content_type) != _SIGNED_DATA or not rest:
        raise InputError("not an RFC 3161 time-stamp token (no CMS SignedData)")
    signed_data = _expect(_expect(rest[0], 0xA0, "the signed data").children()[0], 0x30, "the signed data")
    fields = signed_data.children()
    if len(fields) < 4:
        raise InputError("not an RFC 3161 time-stamp token (the signed data is incomplete)")
    encap = _expect(fields[2], 0x30, "the signed content").children()
    if len(encap) < 2 or _oid_text(encap[0]) != _TST_INFO:
        raise InputError("not an RFC 3161 time-stamp token (it signs no TSTInfo)")
    econtent = _expect(_expect(encap[1], 0xA0, "the TSTInfo").children()[0], 0x04, "the TSTInfo").content
    info = _tst_info(econtent)
    signer_infos = _expect(fields[-1], 0x31, "the signer information").children()
    if not signer_infos:
        raise InputError("not an RFC 3161 time-stamp token (no signer)")
    return Token(
        token=token_node.raw,
        is_response=is_response,
        signed_digest_ok=_signed_digest_ok(signer_infos[0], econtent),
        **info,
    )


def _tst_info(econtent: bytes) -> dict[str, Any]:
    node, end = _read(econtent)
    if end != len(econtent) or node.tag != 0x30:
        raise InputError("not an RFC 3161 time-stamp token (the TSTInfo is malformed)")
    version, policy, imprint, serial, gen_time, *optional = node.children()
    if _int_value(version) != 1:
        raise InputError("not an RFC 3161 time-stamp token (an unknown TSTInfo version)")
    algorithm, digest = _expect(imprint, 0x30, "the message imprint").children()[:2]
    algorithm_oid = _oid_text(algorithm.children()[0])
    nonce: int | None = None
    tsa_name: str | None = None
    for extra in optional:
        if extra.tag == 0x02:
            nonce = _int_value(extra)
        elif extra.tag == 0xA0:  # tsa [0] GeneralName, explicit; directoryName is [4]
            tsa_name = _general_name(extra.children()[0]) if extra.content else None
    return {
        "hash_algorithm": _DIGESTS.get(algorithm_oid, algorithm_oid),
        "imprint": _expect(digest, 0x04, "the hashed message").content.hex(),
        "gen_time": _generalized_time(_expect(gen_time, 0x18, "the time").content),
        "serial": _int_value(serial),
        "nonce": nonce,
        "policy": _oid_text(policy),
        "tsa_name": tsa_name,
    }


def _generalized_time(content: bytes) -> str:
    """YYYYMMDDHHMMSS[.fff]Z (RFC 3161 requires UTC and 'Z') → 2026-12-01T18:00:00[.fff]Z."""
    text = content.decode("ascii", "replace")
    if not text.endswith("Z") or len(text) < 15 or not text[:14].isdigit():
        raise InputError(f"not an RFC 3161 time-stamp token (a time it cannot be: {text[:40]!r})")
    stamp = datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    fraction = text[14:-1]
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + (fraction if fraction.startswith(".") else "") + "Z"


def _general_name(node: _Node) -> str:
    if node.tag == 0xA4:  # directoryName: Name ::= SEQUENCE OF RDN (SET OF AttributeTypeAndValue)
        parts = []
        for rdn in node.children()[0].children():
            for pair in rdn.children():
                kind, value = pair.children()[:2]
                key = _NAME_KEYS.get(_oid_text(kind), _oid_text(kind))
                parts.append(f"{key}={value.content.decode('utf-8', 'replace')}")
        return ", ".join(parts)
    return node.content.decode("utf-8", "replace")  # dNSName, URI, rfc822Name: IA5 text


def _signed_digest_ok(signer_info: _Node, econtent: bytes) -> bool | None:
    """The signed messageDigest attribute against the digest of the TSTInfo (CMS, RFC 5652 §5.4)."""
    fields = signer_info.children()
    algorithm = _DIGESTS.get(_oid_text(fields[2].children()[0])) if len(fields) > 3 else None
    attrs = next((f for f in fields if f.tag == 0xA0), None)
    if algorithm is None or attrs is None:
        return None
    for attribute in attrs.children():
        kind, values = attribute.children()[:2]
        if _oid_text(kind) == _MESSAGE_DIGEST:
            signed = _expect(values.children()[0], 0x04, "the message digest").content
            return signed == hashlib.new(algorithm, econtent).digest()
    return None


# --- the anchors table (the one part that reads and writes a store) --------------------------

_ANCHOR_COLUMNS = (
    "created_at",
    "head_hash",
    "head_seq",
    "entries",
    "events",
    "tsq_sha256",
    "nonce",
    "token",
    "gen_time",
    "tsa_name",
    "signature",
    "verified_at",
)


def anchors(store: Any) -> list[dict[str, Any]]:
    """Every anchor, oldest first, for the binder: when it was asked, the head, its counts, and once
    a token was checked, the TSA's time and name and whether its signature was checked."""
    cursor = store.conn.execute(f"SELECT id, {', '.join(_ANCHOR_COLUMNS)} FROM anchors ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def head_state(store: Any) -> dict[str, Any]:
    """The chain head now and what it covers: {head_hash, head_seq, entries, events}."""
    found = store.conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    if found is None:
        raise InputError("the store is empty: there is no chain head to anchor yet")
    (entries,) = store.conn.execute("SELECT count(*) FROM ledger").fetchone()
    (events,) = store.conn.execute("SELECT count(*) FROM events").fetchone()
    return {"head_hash": str(found[1]), "head_seq": int(found[0]), "entries": int(entries), "events": int(events)}


def record_request(store: Any, state: dict[str, Any], tsq: bytes, nonce: int, created_at: str) -> int:
    """Chain a new anchor (inside store.transaction()); returns its id."""
    values: dict[str, Any] = dict.fromkeys(_ANCHOR_COLUMNS)
    values.update(state, created_at=created_at, tsq_sha256=hashlib.sha256(tsq).hexdigest(), nonce=str(nonce))
    return int(store.ledger.add_fact("anchors", values))


def record_token(store: Any, token: Token, head_seq: int, *, signature: str, verified_at: str) -> int:
    """Chain a checked token on the anchor of its head (its request's, when the nonce says so),
    or as a new anchor when that one already has a token; returns the anchor's id."""
    rows = [row for row in anchors(store) if row["head_hash"] == token.imprint]
    same = next((row for row in rows if row["token"] == token.token_b64()), None)
    if same is not None:  # checked before: only a signature now checked where it was not is news
        if signature == "checked" and same["signature"] != "checked":
            store.ledger.change("anchors", same["id"], {"signature": signature, "verified_at": verified_at})
        return int(same["id"])
    open_rows = [row for row in rows if row["token"] is None]
    mine = [row for row in open_rows if row["nonce"] == str(token.nonce)] or open_rows
    found = {
        "token": token.token_b64(),
        "gen_time": token.gen_time,
        "tsa_name": token.tsa_name,
        "signature": signature,
        "verified_at": verified_at,
    }
    if mine:
        store.ledger.change("anchors", mine[0]["id"], found)
        return int(mine[0]["id"])
    (entries,) = store.conn.execute("SELECT count(*) FROM ledger WHERE seq <= ?", (head_seq,)).fetchone()
    (events,) = store.conn.execute(
        "SELECT count(*) FROM ledger WHERE seq <= ? AND entity = 'events'", (head_seq,)
    ).fetchone()
    values: dict[str, Any] = dict.fromkeys(_ANCHOR_COLUMNS)
    values.update(found, created_at=verified_at, head_hash=token.imprint, head_seq=head_seq)
    values.update(entries=int(entries), events=int(events))
    return int(store.ledger.add_fact("anchors", values))


def anchor_context(store: Any, lang: str) -> dict[str, Any]:
    """What templates/_anchors.{html,md}.j2 render for this store: see `anchor_view`."""
    return anchor_view(anchors(store), lang)


def anchor_view(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """{"anchors": rows, "t": words}: each `anchors()` row plus its signature label, the TSA name
    Markdown-escaped, and the receipt as a QR code (a data: URI PNG), rebuilt from the row so the
    binder needs no file beside the store."""
    from .catalog import t
    from .textsafe import md_cell

    words = {key: t(lang, f"anchors.{key}") for key in (*_ANCHOR_WORDS, *_ANCHOR_WORDS_MORE)}
    view = []
    for row in rows:
        receipt = t(lang, "cli.anchor.receipt", created=row["created_at"], **{k: row[k] for k in _RECEIPT_KEYS})
        png = base64.b64encode(qr_png(receipt)).decode("ascii")
        view.append(
            {
                **row,
                "signature_label": words["checked"] if row["signature"] == "checked" else words["not_checked"],
                "tsa_name_md": md_cell(row["tsa_name"] or ""),
                "qr": f"data:image/png;base64,{png}",
            }
        )
    return {"anchors": view, "t": words}


_ANCHOR_WORDS = ("title", "asked", "head", "counts", "stamp", "signature", "no_token", "checked", "not_checked")
_ANCHOR_WORDS_MORE = ("qr_alt", "how", "none")
_RECEIPT_KEYS = ("head_hash", "head_seq", "entries", "events")


def qr_png(text: str) -> bytes:
    """A QR code PNG of `text` (segno: pure Python, no dependencies), error level M, scale 4."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    return buffer.getvalue()
