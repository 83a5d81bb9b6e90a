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
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from . import __version__
from .errors import InputError
from .outfile import output_file
from .records import RECORD_FIELDS, event_record
from .textsafe import visible

if TYPE_CHECKING:
    from .store import Store

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
# Fixed timestamp for members: the same store gives the same bytes (the manifest holds the real time).
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
CSV_FIELDS = (*RECORD_FIELDS, "note", "rule_ids")
CHUNK = 1 << 20  # bytes copied at a time: an attachment of any size passes through in pieces


# ------------------------------------------------------------------ events as CSV / JSON


def event_rows(store: Store, events: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
    """Events as records (the `--json` fields), plus the note and the rule ids that flagged them.

    A generator: one event at a time is held, however many the store has."""
    flagged: dict[int, list[str]] = {}
    for f in store.runs.findings():
        for eid in f.event_ids:
            flagged.setdefault(eid, []).append(f.rule_id)
    for e in events if events is not None else store.events.select():
        row = event_record(e, store.tz)
        row["note"] = e.note
        row["rule_ids"] = sorted(set(flagged.get(e.id, [])))
        yield row


class _Sink:
    """Bytes on their way to a file, hashed and counted as they pass."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)

    def entry(self) -> dict[str, Any]:
        return {"sha256": self.digest.hexdigest(), "size": self.size}


class CsvWriter:
    """events.csv: UTF-8 with a BOM (so spreadsheet programs read Chinese right); text kept byte for byte.

    A message starting with = or + is kept as is: this is evidence. Open the file as text, or
    import it with formulas off, rather than double-clicking it in a spreadsheet.
    """

    def __init__(self, out: Any) -> None:
        self.out = out
        self.buffer = io.StringIO()
        self.writer = csv.DictWriter(self.buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\r\n")
        self.buffer.write("\ufeff")
        self.writer.writeheader()

    def add(self, row: dict[str, Any]) -> None:
        self.writer.writerow({**row, "rule_ids": " ".join(row["rule_ids"])})
        if self.buffer.tell() >= CHUNK:
            self._flush()

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        self.out.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()


class JsonWriter:
    """events.json: the same bytes as json.dumps(rows, ensure_ascii=False, indent=2), one row at a time."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        # json.dumps escapes newlines inside strings, so every raw newline is indentation.
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        self.out.write(((",\n  " if self.count else "[\n  ") + text).encode("utf-8"))
        self.count += 1

    def close(self) -> None:
        self.out.write(b"\n]\n" if self.count else b"[]\n")


def export_file(store: Store, kind: str, path: Path) -> int:
    """`export csv|json -o PATH`: every event, streamed; returns how many were written."""
    count = 0
    with output_file(path) as handle:
        writer = CsvWriter(handle) if kind == "csv" else JsonWriter(handle)
        for row in event_rows(store):
            writer.add(row)
            count += 1
        writer.close()
    return count


# ------------------------------------------------------------------ pages and load files

_STREAM = re.compile(rb"stream\r?\n")
_PAGES_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def pdf_page_count(data: bytes) -> int:
    """How many pages a PDF we rendered has: its page tree's /Count (WeasyPrint may put the tree in
    a compressed object stream, so those are inflated too). The root holds the largest count."""
    counts = [int(a or b) for a, b in _PAGES_COUNT.findall(data)]
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            inflated = zlib.decompressobj().decompress(data[match.end() : end], 1 << 24)
        except zlib.error:
            continue
        counts.extend(int(a or b) for a, b in _PAGES_COUNT.findall(inflated))
    if not counts:
        raise ValueError("not a PDF with a page tree")
    return max(counts)


# Concordance DAT: þ (U+00FE) quotes every field, ASCII 20 (DC4) separates them, CRLF ends a row.
DAT_QUOTE, DAT_SEP = "\u00fe", "\x14"
DAT_FIELDS = ("BEGBATES", "ENDBATES", "CUSTODIAN", "DATE", "FROM", "TO", "CHANNEL", "TEXTPATH", "SHA256")
LOAD_FILES = ("dat",)


def _dat_value(value: Any) -> str:
    # A field may not hold the quote or the separator; a line break becomes ® (U+00AE), the
    # stand-in Concordance reads as a newline inside a field.
    text = "" if value is None else str(value)
    return text.replace(DAT_QUOTE, "").replace(DAT_SEP, " ").replace("\r\n", "\u00ae").replace("\n", "\u00ae")


def dat_text(rows: list[dict[str, Any]]) -> bytes:
    """The DAT: a header row, then one row per document; UTF-8 with a BOM (þ is not ASCII)."""
    lines = [DAT_SEP.join(f"{DAT_QUOTE}{_dat_value(v)}{DAT_QUOTE}" for v in DAT_FIELDS)]
    for row in rows:
        lines.append(DAT_SEP.join(f"{DAT_QUOTE}{_dat_value(row.get(k))}{DAT_QUOTE}" for k in DAT_FIELDS))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def opt_text(documents: list[dict[str, Any]], prefix: str, volume: str) -> bytes:
    """The Opticon OPT: one line per page (ImageKey,Volume,ImagePath,DocBreak,FolderBreak,BoxBreak,
    PageCount). A document's first page carries Y and its page count; the image is the PDF itself,
    with the page's number inside it after a # (PATH.pdf#3), as PDF viewers open it."""
    lines = []
    for doc in documents:
        first, last = doc["first"], doc["last"]
        for number in range(first, last + 1):
            start = number == first
            lines.append(
                ",".join(
                    (
                        f"{prefix}{number:06d}",
                        volume,
                        f"{doc['member']}#{number - first + 1}",
                        "Y" if start else "",
                        "",
                        "",
                        str(last - first + 1) if start else "",
                    )
                )
            )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# ------------------------------------------------------------------ writing a bundle


def safe_member_name(name: str | None, fallback: str) -> str:
    """A file name that is one plain path component: letters, digits (any script), . _ -."""
    cleaned = re.sub(r"[^\w.\-]+", "_", name or "", flags=re.UNICODE).strip("._")[:80]
    return cleaned or fallback


def _member_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _put(zf: zipfile.ZipFile, name: str, chunks: Iterable[bytes], size: int | None = None) -> dict[str, Any]:
    """Stream one member into the zip; returns its {sha256, size}."""
    info = _member_info(name)
    if size is not None:
        info.file_size = size  # lets zipfile choose ZIP64 up front for a large file
    with zf.open(info, "w", force_zip64=size is None) as member:
        sink = _Sink(member)  # type: ignore[arg-type]
        for chunk in chunks:
            sink.write(chunk)
    return sink.entry()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


def write_bundle(
    store: Store,
    path: Path,
    *,
    lang: str,
    dossiers: dict[str, bytes | str] | None = None,
    now: datetime | None = None,
    pages: dict[str, tuple[int, int]] | None = None,
    bates_prefix: str = "HL-",
    load_file: str | None = None,
    load_fields: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write the zip, member by member, streaming; returns the manifest.

    `dossiers` maps member name → content (rendered by the caller). Attachments are copied in
    chunks and events written one row at a time, so memory does not grow with the store.
    `pages` gives each PDF dossier's first and last Bates number; with `load_file="dat"` the zip
    also holds loadfiles/bundle.dat and loadfiles/bundle.opt listing every one of those pages
    (`load_fields` adds FROM, TO, CHANNEL per dossier)."""
    files: dict[str, dict[str, Any]] = {}
    attachments = []
    with output_file(path) as handle, zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in sorted((dossiers or {}).items()):
            data = content.encode("utf-8") if isinstance(content, str) else content
            files[f"dossiers/{name}"] = _put(zf, f"dossiers/{name}", [data], len(data))
        for a in store.attachments.list():
            member = f"attachments/{a['id']:04d}-{a['sha256'][:12]}-{safe_member_name(a.get('name'), 'file')}"
            source = Path(a["path"])
            try:
                files[member] = _put(zf, member, _file_chunks(source), source.stat().st_size)
            except FileNotFoundError:
                raise InputError(
                    f"attachment {a['id']} is missing from the store: run `harasslog verify` before exporting"
                ) from None
            if files[member]["sha256"] != a["sha256"]:
                raise InputError(
                    f"attachment {a['id']} no longer matches its recorded hash: run `harasslog verify` before exporting"
                )
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
        summary = _put_events(zf, store, files)
        run = store.runs.last()
        profile = store.profile.get()
        created = (now or datetime.now(UTC)).astimezone(store.tz)
        documents: list[dict[str, Any]] = [
            {"member": f"dossiers/{name}", "first": first, "last": last, "name": name}
            for name, (first, last) in sorted((pages or {}).items(), key=lambda kv: kv[1])
        ]
        if load_file == "dat":
            rows = [
                {
                    "BEGBATES": f"{bates_prefix}{d['first']:06d}",
                    "ENDBATES": f"{bates_prefix}{d['last']:06d}",
                    "CUSTODIAN": profile.get("name") or "",
                    "DATE": created.date().isoformat(),
                    **(load_fields or {}).get(d["name"], {}),
                    "TEXTPATH": _text_member(d["member"], files),
                    "SHA256": files[d["member"]]["sha256"],
                }
                for d in documents
            ]
            dat = dat_text(rows)
            files["loadfiles/bundle.dat"] = _put(zf, "loadfiles/bundle.dat", [dat], len(dat))
            opt = opt_text(documents, bates_prefix, "VOL001")
            files["loadfiles/bundle.opt"] = _put(zf, "loadfiles/bundle.opt", [opt], len(opt))
        manifest = {
            "tool": {"name": "harasslog", "version": __version__},
            "created_at": created.isoformat(timespec="seconds"),
            "time_zone": str(store.tz),
            "jurisdiction": store.jurisdiction,
            "lang": lang,
            "owner": profile.get("name"),
            **summary,
            "chain_head": store.ledger.head(),
            "bates": [
                {
                    "file": d["member"],
                    "first": f"{bates_prefix}{d['first']:06d}",
                    "last": f"{bates_prefix}{d['last']:06d}",
                }
                for d in documents
            ],
            "analysis": {"pack_id": run["pack_id"], "pack_version": run["pack_version"], "run_at": run["started"]}
            if run
            else None,
            "attachments": attachments,
            "files": dict(sorted(files.items())),
            "how_to_verify": [
                "unzip the bundle into an empty folder, then in that folder: sha256sum -c SHA256SUMS",
                "or, without unzipping: harasslog verify --bundle THIS.zip",
                "with the original store: harasslog verify (recomputes the hash chain up to chain_head)",
            ],
        }
        data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        sums = {**files, MANIFEST: _put(zf, MANIFEST, [data], len(data))}
        listing = "".join(f"{entry['sha256']}  {name}\n" for name, entry in sorted(sums.items())).encode("utf-8")
        _put(zf, SUMS, [listing], len(listing))
    return manifest


def _text_member(pdf_member: str, files: dict[str, dict[str, Any]]) -> str:
    """The text of a PDF dossier: the Markdown rendering of the same dossier, when the bundle has it."""
    text = pdf_member.removesuffix(".pdf") + ".md"
    return text if text in files else ""


def _put_events(zf: zipfile.ZipFile, store: Any, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """events.csv and events.json from ONE pass over the store (so both hold the same events):
    the CSV goes straight into the zip, the JSON through a temporary file. Returns the manifest's
    event fields: count, first and last time, and the hash of the event chained last."""
    count, first, last, newest = 0, None, None, None
    with tempfile.TemporaryFile() as spool:
        json_out = JsonWriter(spool)
        with zf.open(_member_info("events.csv"), "w", force_zip64=True) as member:
            sink = _Sink(member)  # type: ignore[arg-type]
            csv_out = CsvWriter(sink)
            for row in event_rows(store):
                csv_out.add(row)
                json_out.add(row)
                count += 1
                first = first or row["at"]
                last = row["at"]
                if newest is None or row["id"] > newest[0]:
                    newest = (row["id"], row["hash"])
            csv_out.close()
        files["events.csv"] = sink.entry()
        json_out.close()
        spool.seek(0)
        files["events.json"] = _put(zf, "events.json", iter(lambda: spool.read(CHUNK), b""))
    return {"events": count, "first": first, "last": last, "last_event_hash": newest[1] if newest else None}


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


MAX_LISTING = 64 << 20  # SHA256SUMS and manifest.json are read whole: at most this many bytes
# Deflate cannot pack more than about 1032:1, so a member declaring more was crafted (bzip2 or
# LZMA bombs): it is named, not unpacked.
MAX_RATIO = 1100
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError, ValueError)


def verify_bundle(path: Path) -> list[str]:
    """Check a bundle without extracting it. Returns the problems found (empty: the bundle is intact).

    Every member listed in SHA256SUMS is hashed as it streams out of the zip; SHA256SUMS and
    manifest.json must agree; the bundled events must match the manifest's count and chain head."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (*_READ_ERRORS, UnicodeDecodeError):
        raise InputError(f"{path}: not a zip file") from None
    problems: list[str] = []
    with zf:
        infos = zf.infolist()
        problems.extend(_name_problems([i.filename for i in infos], "member", "members"))
        for info in infos:
            reason = member_path_problem(info.filename)
            if reason:
                problems.append(f"unsafe path: {info.filename!r} ({reason})")
            if stat.S_ISLNK(info.external_attr >> 16):
                problems.append(f"symbolic link: {info.filename!r}")
            if _too_packed(info):
                problems.append(
                    f"not unpacked: {_show(info.filename)} claims {info.file_size} bytes from {info.compress_size}"
                )
        files = {i.filename: i for i in infos if not i.is_dir()}
        if SUMS not in files:
            problems.append(f"missing: {SUMS} (cannot check the other files)")
            return problems
        try:
            listed, duplicates = _parse_sums(_read_small(zf, files[SUMS]).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, *_READ_ERRORS) as exc:
            problems.append(f"{SUMS} cannot be read: {exc}")
            return problems
        problems.extend(f"listed twice in {SUMS}: {name!r}" for name in duplicates)
        problems.extend(_name_problems(list(listed), f"name in {SUMS}", f"names in {SUMS}"))
        for name, expected in listed.items():
            if member_path_problem(name):
                problems.append(f"unsafe path listed in {SUMS}: {name!r}")
                continue
            if name not in files:
                problems.append(f"missing: {_show(name)}")
                continue
            if _too_packed(files[name]):
                continue
            try:
                digest = _member_sha256(zf, files[name])
            except _READ_ERRORS as exc:
                problems.append(f"damaged: {_show(name)} ({exc})")
                continue
            if digest != expected:
                problems.append(f"changed: {_show(name)}")
        extra = [name for name in files if name != SUMS and name not in listed]
        problems.extend(f"extra (not in {SUMS}): {_show(name)}" for name in extra)
        if not problems:
            problems.extend(_manifest_problems(zf, files, listed))
    return problems


def _name_problems(names: list[str], what: str, whats: str) -> list[str]:
    """Duplicate names, and names that differ only in case or Unicode form: unpacked on Windows
    or macOS one file overwrites the other, so what is checked is not what is read."""
    problems = []
    seen: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name).casefold()
        if key not in seen:
            seen[key] = name
        elif seen[key] == name:
            problems.append(f"duplicate {what}: {name!r}")
        else:
            problems.append(f"{whats} that differ only in case: {seen[key]!r} and {name!r}")
    return problems


def _too_packed(info: zipfile.ZipInfo) -> bool:
    return info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member read whole, refused when it declares (or turns out) larger than MAX_LISTING."""
    if info.file_size > MAX_LISTING or _too_packed(info):
        raise ValueError(f"it declares {info.file_size} bytes (at most {MAX_LISTING} are read)")
    with zf.open(info) as handle:
        data = handle.read(MAX_LISTING + 1)
    if len(data) > MAX_LISTING:
        raise ValueError(f"larger than {MAX_LISTING} bytes")
    return data


def _member_sha256(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """The SHA-256 of a member, streamed (zipfile stops at the declared size and checks the CRC)."""
    digest = hashlib.sha256()
    with zf.open(info) as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _manifest_problems(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], listed: dict[str, str]) -> list[str]:
    """manifest.json against SHA256SUMS and the bundled events (run once every hash matched)."""
    if MANIFEST not in listed:
        return [f"missing: {MANIFEST} (not listed in {SUMS})"]
    try:
        manifest = json.loads(_read_small(zf, files[MANIFEST]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, *_READ_ERRORS) as exc:
        return [f"{MANIFEST} cannot be read: {exc}"]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return [f"{MANIFEST} has no list of files"]
    problems = []
    declared: dict[str, Any] = manifest["files"]
    for name in sorted((set(declared) | set(listed)) - {SUMS, MANIFEST}):
        entry = declared.get(name)
        if name not in listed:
            problems.append(f"{MANIFEST} lists {_show(name)}, which {SUMS} does not")
        elif not isinstance(entry, dict):
            problems.append(f"{SUMS} lists {_show(name)}, which {MANIFEST} does not")
        elif entry.get("sha256") != listed[name]:
            problems.append(f"{MANIFEST} and {SUMS} disagree about {_show(name)}")
    if "events.csv" in listed:
        problems.extend(_events_problems(zf, files["events.csv"], manifest))
    return problems


def _events_problems(zf: zipfile.ZipFile, info: zipfile.ZipInfo, manifest: dict[str, Any]) -> list[str]:
    """The manifest's event count, and its chain head or last event hash, against events.csv (streamed)."""
    count, hashes, newest = 0, set(), None
    limit = csv.field_size_limit(MAX_LISTING)  # a typed message may be longer than csv's default cap
    try:
        with zf.open(info) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            for row in csv.DictReader(text):
                count += 1
                event_id = int(row.get("id") or 0)
                hashes.add(row.get("hash"))
                if newest is None or event_id > newest[0]:
                    newest = (event_id, row.get("hash"))
    except (UnicodeDecodeError, csv.Error, ValueError, *_READ_ERRORS) as exc:
        return [f"events.csv cannot be read: {exc}"]
    finally:
        csv.field_size_limit(limit)
    problems = []
    if manifest.get("events") != count:
        problems.append(f"{MANIFEST} counts {manifest.get('events')!r} events, events.csv holds {count}")
    last_hash = newest[1] if newest else None
    if "last_event_hash" in manifest and manifest["last_event_hash"] != last_hash:
        problems.append(f"{MANIFEST}: last_event_hash is not the hash of the newest event in events.csv")
    head = manifest.get("chain_head")
    if head is not None and not (isinstance(head, str) and re.fullmatch(r"[0-9a-f]{64}", head)):
        problems.append(f"{MANIFEST}: chain_head is not a SHA-256")
    elif head in hashes and head != last_hash:
        problems.append(f"{MANIFEST}: chain_head names an event that is not the newest in events.csv")
    return problems


def _parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """{name: sha256} of a SHA256SUMS text, and the names listed more than once."""
    listed: dict[str, str] = {}
    duplicates: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)
        if not match:
            raise ValueError(f"line {number} is not '<sha256>  <file>'")
        if match.group(2) in listed:
            duplicates.append(match.group(2))
        listed[match.group(2)] = match.group(1).lower()
    return listed, duplicates


def _show(name: str) -> str:
    """A member name as it may be printed: names come from whoever made the zip, and an escape
    sequence or a newline in one must not act on the terminal or fake another line."""
    return "".join(f"[U+{ord(c):04X}]" if c in "\n\t" else c for c in visible(name))
