"""Importing files into the store: hash, detect, stream the importer into the store, count.

All files of one call go in ONE transaction: if any file is refused (bad input) or the process is
stopped half way, nothing of any of them is stored, and the store still verifies. Re-importing is
harmless (duplicates are recognised), so the fix for a refused file is to run the same command
again without it, or with it repaired.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .errors import InputError
from .importers import FORMATS, IMPORTERS, ImportOptions, detect
from .importers.base import Notice, sqlite_journal
from .importers.csvfile import headerless_columns
from .importers.sbr import read_rows as sbr_rows
from .integrity import file_sha256
from .models import RawEvent, Skipped
from .normalize import to_utc_iso
from .store.events import raw_event

if TYPE_CHECKING:
    from .store import Store
    from .store.events import Row

BATCH = 2000  # records handed to the store at a time: memory stays flat however big the file
# Characters in one message's text. The longest real SMS (255 concatenated parts) has about 39 000;
# anything longer is refused (naming the record) so the wording rules never get unbounded input.
MAX_TEXT = 100_000
# Times a phone can have written, with room on both sides; outside them the date field is garbage
# (and years near 1 or 9999 cannot even be shown in every time zone).
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)
TIME_OUT_OF_RANGE = "time out of range (before 1900 or after 2999)"
BULK_EVENTS, BYTES_PER_EVENT = 20_000, 400  # see _is_bulk
SQLITE_FORMATS = ("ios-sms", "ios-calls", "android-sms", "android-calls", "samsung-logs", "ios-call-history")
PARTIAL_TEXT_FORMATS = ("carrier", "samsung-logs")  # records without a message's whole text

# Formats with a fused reader for big files: lists of Rows (the store's form, built from the
# parser's callbacks) and Records, in file order (importers.sbr.read_rows).
FAST_READERS = {"sbr": sbr_rows}  # (path, options, MAX_TEXT) -> (items, whether all are Rows)

# (file name, done, total, records read): done/total in the importer's unit (bytes or rows).
ProgressFn = Callable[[str, int, int, int], None]


@dataclass(frozen=True)
class CsvOptions:
    """What a CSV may need beyond its header: the fields of a headerless one (--columns) and the
    direction of rows whose type names none (--direction)."""

    columns: tuple[str, ...] = ()
    direction: str | None = None


@dataclass
class FileSummary:
    file: str
    path: str
    format: str
    importer_version: str
    size: int
    sha256: str
    import_id: int
    new: int = 0
    duplicate: int = 0
    skipped: int = 0
    # Records of a contact already stored from another source: kept as its corroboration, not a
    # second event; of them, those holding a text the event lacks (store/corroboration.py).
    corroborated: int = 0
    corroborated_with_text: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    wal: dict[str, Any] | None = None  # the -wal file read with a phone database: {file, size, sha256}
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportSummary:
    files: list[FileSummary]

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def duplicate(self) -> int:
        return sum(f.duplicate for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def corroborated(self) -> int:
        return sum(f.corroborated for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "new": self.new,
            "duplicate": self.duplicate,
            "skipped": self.skipped,
            "corroborated": self.corroborated,
        }


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    format: str = "auto",
    party: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
    columns: Sequence[str] = (),
    direction: str | None = None,
) -> ImportSummary:
    """Import every file in one transaction (all or nothing); returns what each one added."""
    if format not in FORMATS:
        raise InputError(f"the format must be one of {', '.join(FORMATS)}, not {format!r}", field="format")
    if direction not in (None, "in", "out"):
        raise InputError(f"the direction must be in or out, not {direction!r}", field="direction")
    csv_options = CsvOptions(tuple(columns), direction)
    if csv_options.columns:
        headerless_columns(csv_options.columns)  # a bad --columns is refused before any file is read
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if not path.is_file():
            raise InputError(f"{path}: not a file")
    # Carriers' records hold no text and Samsung's logs.db only its start: read after the others,
    # so a contact both hold is one event with the whole text (what the rules read).
    paths = sorted(paths, key=lambda p: _format_of(p, format, mapping, csv_options) in PARTIAL_TEXT_FORMATS)
    summaries: list[FileSummary] = []
    with store.transaction():
        party_id = store.parties.ensure(party) if party else None
        for path in paths:
            summaries.append(_import_one(store, path, format, party_id, mapping or {}, progress, csv_options))
    return ImportSummary(summaries)


def _format_of(path: Path, format: str, mapping: dict[str, str] | None, csv_options: CsvOptions) -> str:
    return detect(path, mapping, bool(csv_options.columns)) if format == "auto" else format


def _import_one(
    store: Store,
    path: Path,
    format: str,
    party_id: int | None,
    mapping: dict[str, str],
    progress: ProgressFn | None,
    csv_options: CsvOptions,
) -> FileSummary:
    name = detect(path, mapping, bool(csv_options.columns)) if format == "auto" else format
    importer = IMPORTERS[name]
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name}: the file is empty")
    summary = FileSummary(
        file=path.name,
        path=str(path),
        format=name,
        importer_version=importer.version,
        size=size,
        sha256=file_sha256(path),
        import_id=0,
    )
    if name in SQLITE_FORMATS:
        _journal_provenance(path, summary)
    summary.import_id = store.imports.begin(
        file_name=path.name, size=size, sha256=summary.sha256, format=name, importer_version=importer.version
    )
    reasons: Counter[str] = Counter()
    read = 0
    position = [0, 0]  # the importer's last (done, total), re-sent with the record count per batch

    def report(done: int, total: int) -> None:
        position[:] = [done, total]
        if progress is not None:
            progress(path.name, done, total, read)

    options = ImportOptions(
        tz=store.tz,
        region=store.region,
        mapping=mapping,
        progress=report,
        columns=csv_options.columns,
        direction=csv_options.direction,
    )
    batch: list[RawEvent | Row] = []
    taken: set[int] = set()  # stored events this file has matched (corroborated or duplicated)
    added: list[int] = []  # the ids this file added, indexed for search at its end
    fast = FAST_READERS.get(name)
    chunks = (
        fast(path, options, MAX_TEXT)
        if fast is not None
        else (([record], False) for record in importer.read(path, options))
    )
    with store.events.bulk() if _is_bulk(store, size) else nullcontext():
        for chunk, plain in chunks:
            if plain:  # Rows only (a fast reader's, its checks made): taken in slices of a batch
                done = 0
                while done < len(chunk):
                    take = min(BATCH - len(batch), len(chunk) - done)
                    batch.extend(chunk[done : done + take])  # type: ignore[arg-type]
                    read += take
                    done += take
                    if len(batch) >= BATCH:
                        added.extend(_store_batch(store, batch, summary, party_id, taken))
                        batch = []
                        report(*position)
                continue
            for record in chunk:
                if type(record) is not tuple:  # a Record (a Row is a fast reader's, its checks made)
                    if type(record) is not RawEvent:  # the few others (a subclass of RawEvent falls through)
                        if isinstance(record, Skipped):
                            reasons[record.reason] += 1
                            continue
                        if isinstance(record, Notice):
                            summary.warnings.append(record.message)
                            continue
                    event = cast(RawEvent, record)
                    if not _plausible(event.at):
                        reasons[TIME_OUT_OF_RANGE] += 1
                        continue
                    if event.text is not None and len(event.text) > MAX_TEXT:
                        raise InputError(
                            f"{path.name}: {event.source_ref}: a message of {len(event.text)} characters "
                            f"(at most {MAX_TEXT} are imported); nothing was imported"
                        )
                read += 1
                batch.append(record)
                if len(batch) >= BATCH:
                    added.extend(_store_batch(store, batch, summary, party_id, taken))
                    batch = []
                    report(*position)
        if batch:
            added.extend(_store_batch(store, batch, summary, party_id, taken))
    if added:  # in this transaction: search is complete for every reader once the import is in
        store.search.index(added[0], added[-1])
    report(*position)
    summary.skipped = sum(reasons.values())
    summary.skipped_reasons = dict(reasons.most_common())
    store.imports.finish(
        summary.import_id,
        new=summary.new,
        duplicate=summary.duplicate,
        skipped=summary.skipped,
        skipped_reasons=summary.skipped_reasons,
    )
    return summary


def _plausible(at: datetime) -> bool:
    try:  # aware datetimes compare as instants: no conversion to UTC needed
        return EARLIEST <= at < LATEST
    except (OverflowError, ValueError):
        return False
    except TypeError:  # a naive datetime: an importer's bug, which the store's check names
        return True


def _is_bulk(store: Store, size: int) -> bool:
    """Whether a file of `size` bytes likely brings more events than the store holds (and at least
    BULK_EVENTS): then rebuilding the secondary indexes once costs less than updating them per row
    (Events.bulk). A guess from the size (an SBR message takes about 375 bytes); a wrong one only
    costs time, never a result."""
    expected = size // BYTES_PER_EVENT
    return expected >= BULK_EVENTS and expected >= store.events.last_id()


def _journal_provenance(path: Path, summary: FileSummary) -> None:
    """Record the -wal file read with a phone database, or warn that rows may be missing without it.

    Not refused: a database in WAL mode whose last checkpoint took everything in has no -wal file
    and is complete, and we cannot tell that case from a lost one."""
    is_wal, wal = sqlite_journal(path)
    if wal is not None:
        summary.wal = {"file": wal.name, "size": wal.stat().st_size, "sha256": file_sha256(wal)}
    elif is_wal:
        summary.warnings.append(
            f"{path.name} is in WAL mode but {path.name}-wal is not beside it: messages written since the "
            f"phone last saved the database may be missing; copy {path.name}-wal (and -shm) from the same "
            "backup next to it and import again"
        )


def _store_batch(
    store: Store, batch: list[RawEvent | Row], summary: FileSummary, party_id: int | None, taken: set[int]
) -> list[int]:
    """Store one batch: corroborate, prepare, drop duplicates, append (chained, sealed); the new ids.

    Corroboration's first test (Corroborations.absorb: any event from elsewhere near the batch's
    times?) is made here, on the times alone: in the common case, no, and the batch, a fast
    reader's Rows included, goes on as it is; else it goes through absorb as records."""
    instants = [r[4] if type(r) is tuple else to_utc_iso(r.at) for r in batch]  # type: ignore[union-attr]
    if store.events.others_near(instants, summary.import_id):
        records = [raw_event(r) if type(r) is tuple else r for r in batch]
        batch = list(_corroborate(store, records, summary, party_id, taken))  # type: ignore[arg-type]
    prepared = store.events.rows(batch)
    fresh = [p for p in drop_duplicates(store, prepared) if p is not None]
    source = f"import:{summary.file}"
    ids = store.events.append_rows(
        fresh, import_id=summary.import_id, party_id=party_id, source=source, index_text=False
    )
    summary.new += len(fresh)
    summary.duplicate += len(prepared) - len(fresh)
    return ids


def _corroborate(
    store: Store, batch: list[RawEvent], summary: FileSummary, party_id: int | None, taken: set[int]
) -> list[RawEvent]:
    """Keep records of contacts already stored from another source as corroboration (one contact,
    two sources: counts never double); returns the records still to store as events."""
    absorbed = store.corroborations.absorb(
        batch, import_id=summary.import_id, source=f"import:{summary.file}", taken=taken, party_id=party_id
    )
    summary.corroborated += absorbed.corroborated
    summary.duplicate += absorbed.duplicate
    summary.corroborated_with_text += absorbed.with_text
    return absorbed.remaining


def drop_duplicates(store: Store, rows: Sequence[Row]) -> list[Row | None]:
    """The dedupe step: each row, or None where it is a duplicate.

    A duplicate has the same channel, direction, number, instant and text as an event already
    stored (earlier batches of this import included: they are in the same transaction) or as one
    earlier in its batch. Re-importing a file, or an overlapping backup, adds nothing twice."""
    instants = [r[4] for r in rows]
    seen = store.events.stored_keys(instants)
    if not seen and len(set(instants)) == len(instants):
        return list(rows)  # nothing stored at these times and no instant twice: no duplicate
    kept: list[Row | None] = []
    for r in rows:
        key = (r[0], r[1], r[2], r[4], r[8])  # channel, direction, number, at, text (Prepared.key)
        if key in seen:
            kept.append(None)
            continue
        seen.add(key)
        kept.append(r)
    return kept
