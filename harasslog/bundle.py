"""Evidence bundles: one zip with the dossiers, every attachment, the log, a manifest and SHA256SUMS.

`write_bundle` builds the zip; `verify_bundle` checks one someone sent you, reading members
straight from the zip (nothing is extracted), and names every file that changed, is missing, was
added, or could unpack outside its folder. `sha256sum -c SHA256SUMS` checks an unzipped bundle too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import InputError
from .records import RECORD_FIELDS, event_record

if TYPE_CHECKING:
    from .store import Store

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
# Fixed timestamp for members: the same store gives the same bytes (the manifest holds the real time).
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
CSV_FIELDS = (*RECORD_FIELDS, "note", "rule_ids")


# ------------------------------------------------------------------ events as CSV / JSON


def event_rows(store: Store, events: list[Any] | None = None) -> list[dict[str, Any]]:
    """Events as records (the `--json` fields), plus the note and the rule ids that flagged them."""
    flagged: dict[int, list[str]] = {}
    for f in store.runs.findings():
        for eid in f.event_ids:
            flagged.setdefault(eid, []).append(f.rule_id)
    rows = []
    for e in events if events is not None else store.events.select():
        row = event_record(e, store.tz)
        row["note"] = e.note
        row["rule_ids"] = sorted(set(flagged.get(e.id, [])))
        rows.append(row)
    return rows


def events_csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM (so spreadsheet programs read Chinese right); text kept byte for byte.

    A message starting with = or + is kept as is: this is evidence. Open the file as text, or
    import it with formulas off, rather than double-clicking it in a spreadsheet.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "rule_ids": " ".join(row["rule_ids"])})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def events_json(rows: list[dict[str, Any]]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_file(store: Store, kind: str, path: Path) -> int:
    """`export csv|json -o PATH`: every event; returns how many were written."""
    rows = event_rows(store)
    data = events_csv(rows) if kind == "csv" else events_json(rows)
    _write_atomically(path, data)
    return len(rows)


# ------------------------------------------------------------------ writing a bundle


def safe_member_name(name: str | None, fallback: str) -> str:
    """A file name that is one plain path component: letters, digits (any script), . _ -."""
    cleaned = re.sub(r"[^\w.\-]+", "_", name or "", flags=re.UNICODE).strip("._")[:80]
    return cleaned or fallback


def write_bundle(
    store: Store,
    path: Path,
    *,
    lang: str,
    dossiers: dict[str, bytes | str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Write the zip; returns the manifest. `dossiers` maps member name → content (rendered by the caller)."""
    members: dict[str, bytes] = {}
    for name, content in (dossiers or {}).items():
        members[f"dossiers/{name}"] = content.encode("utf-8") if isinstance(content, str) else content
    attachments = []
    for a in store.attachments.list():
        member = f"attachments/{a['id']:04d}-{a['sha256'][:12]}-{safe_member_name(a.get('name'), 'file')}"
        data = Path(a["path"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != a["sha256"]:
            raise InputError(
                f"attachment {a['id']} no longer matches its recorded hash: run `harasslog verify` before exporting"
            )
        members[member] = data
        attachments.append(
            {
                "id": a["id"],
                "member": member,
                "name": a.get("name"),
                "mime": a.get("mime"),
                "size": a.get("size"),
                "sha256": a["sha256"],
                "event_id": a.get("event_id"),
            }
        )
    rows = event_rows(store)
    members["events.csv"] = events_csv(rows)
    members["events.json"] = events_json(rows)
    run = store.runs.last()
    profile = store.profile.get()
    manifest = {
        "tool": {"name": "harasslog", "version": __version__},
        "created_at": (now or datetime.now(UTC)).astimezone(store.tz).isoformat(timespec="seconds"),
        "time_zone": str(store.tz),
        "jurisdiction": store.jurisdiction,
        "lang": lang,
        "owner": profile.get("name"),
        "events": len(rows),
        "first": rows[0]["at"] if rows else None,
        "last": rows[-1]["at"] if rows else None,
        "chain_head": store.ledger.head(),
        "analysis": {"pack_id": run["pack_id"], "pack_version": run["pack_version"], "run_at": run["started"]}
        if run
        else None,
        "attachments": attachments,
        "files": {name: {"sha256": _sha(data), "size": len(data)} for name, data in sorted(members.items())},
        "how_to_verify": [
            "unzip the bundle into an empty folder, then in that folder: sha256sum -c SHA256SUMS",
            "or, without unzipping: harasslog verify --bundle THIS.zip",
            "with the original store: harasslog verify (recomputes the hash chain up to chain_head)",
        ],
    }
    members[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    members[SUMS] = "".join(f"{_sha(data)}  {name}\n" for name, data in sorted(members.items())).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(members, key=lambda n: (n != SUMS, n != MANIFEST, n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, members[name])
    _write_atomically(path, buffer.getvalue())
    return manifest


# ------------------------------------------------------------------ checking a bundle


def member_path_problem(name: str) -> str | None:
    """Why a member name could land outside the folder it is unpacked into, or None."""
    if not name:
        return "empty name"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    parts = re.split(r"[\\/]+", name)
    if ".." in parts:
        return "goes up a folder (..)"
    if "\x00" in name:
        return "NUL in name"
    return None


def verify_bundle(path: Path) -> list[str]:
    """Check a bundle without extracting it. Returns the problems found (empty: the bundle is intact)."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"{path}: not a zip file") from None
    problems: list[str] = []
    with zf:
        infos = zf.infolist()
        seen: dict[str, int] = {}
        for info in infos:
            seen[info.filename] = seen.get(info.filename, 0) + 1
            reason = member_path_problem(info.filename)
            if reason:
                problems.append(f"unsafe path: {info.filename!r} ({reason})")
            if stat.S_ISLNK(info.external_attr >> 16):
                problems.append(f"symbolic link: {info.filename!r}")
        problems.extend(f"duplicate member: {name!r}" for name, n in seen.items() if n > 1)
        files = {i.filename: i for i in infos if not i.is_dir()}
        if SUMS not in files:
            problems.append(f"missing: {SUMS} (cannot check the other files)")
            return problems
        try:
            listed = _parse_sums(zf.read(SUMS).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            problems.append(f"{SUMS} cannot be read: {exc}")
            return problems
        for name, expected in listed.items():
            if member_path_problem(name):
                problems.append(f"unsafe path listed in {SUMS}: {name!r}")
                continue
            if name not in files:
                problems.append(f"missing: {name}")
                continue
            digest = hashlib.sha256()
            with zf.open(files[name]) as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != expected:
                problems.append(f"changed: {name}")
        problems.extend(f"extra (not in {SUMS}): {name}" for name in files if name != SUMS and name not in listed)
    return problems


def _parse_sums(text: str) -> dict[str, str]:
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)
        if not match:
            raise ValueError(f"line {number} is not '<sha256>  <file>'")
        listed[match.group(2)] = match.group(1).lower()
    return listed


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_bytes(data)
    tmp.replace(path)
