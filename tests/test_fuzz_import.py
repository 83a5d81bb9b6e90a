"""Fuzzing every importer: generated files and mutations of valid ones (truncation, byte flips,
wrong encodings). Property: the import succeeds, or it is refused with one line naming the file
(InputError, exit 2) and the store is unchanged. Nothing else may escape (that would be exit 3),
and nothing may hang (each example has an alarm).

About 60 examples per strategy by default; `HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_import.py`
runs 2000 each (see tests/conftest.py).
"""

from __future__ import annotations

import csv
import io
import signal
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from helpers_import import counts, make_calllog_db, make_ios_calls_db, make_ios_sms_db, make_mmssms_db
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harasslog.errors import InputError
from harasslog.importers import FORMATS
from harasslog.ingest import import_files

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ALARM_SECONDS = 30  # far beyond any example's real time: only a hang reaches it

NOV20 = 1763647980000


@contextmanager
def no_hang():
    def fire(*_):
        raise AssertionError(f"an import ran {ALARM_SECONDS} s: a hang")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(ALARM_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_import(store, path: Path, format: str = "auto") -> None:
    """The property itself."""
    before = counts(store)
    with no_hang():
        try:
            import_files(store, [path], format=format)
        except InputError as exc:
            message = str(exc)
            assert "\n" not in message, message
            assert path.name in message or "--format" in message or "--map" in message, message
            assert counts(store) == before
    assert store.verify().ok


# ---------------------------------------------------------------- mutations


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """`data` truncated, with bytes flipped, inserted or deleted, or re-encoded."""
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "splice", "same"]))
    if not data or kind == "same":
        return data
    at = draw(st.integers(0, len(data) - 1))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        count = draw(st.integers(1, 8))
        out = bytearray(data)
        for _ in range(count):
            i = draw(st.integers(0, len(out) - 1))
            out[i] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    other = draw(st.integers(0, len(data) - 1))
    return data[:at] + data[other:]  # a piece repeated or skipped


def reencoded(text: str) -> st.SearchStrategy[bytes]:
    """The same text in the encodings phones and converters write (or fail to)."""

    def encode(encoding: str) -> bytes:
        return text.encode(encoding, errors="replace") if encoding != "utf-8-sig" else text.encode("utf-8-sig")

    return st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "gbk", "big5", "latin-1"]).map(
        encode
    )


# ---------------------------------------------------------------- SMS Backup & Restore XML

attr_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)
numbers = st.one_of(st.sampled_from(["13912345678", "+8613912345678", "10086", "-2", "", "null"]), attr_text)
dates = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from([str(NOV20), "0", "", "null", "1e999", "9" * 40, "-1", "1763647980"]),
    attr_text,
)
codes = st.one_of(st.integers(-3, 9).map(str), st.sampled_from(["", "null", "1.0", "x", "99999999999999999999"]))


@st.composite
def sbr_element(draw) -> str:
    tag = draw(st.sampled_from(["sms", "mms", "call", "other"]))
    attrs = {"date": draw(dates)}
    if tag == "sms":
        attrs |= {"address": draw(numbers), "type": draw(codes), "body": draw(attr_text)}
    elif tag == "call":
        attrs |= {"number": draw(numbers), "type": draw(codes), "duration": draw(codes)}
    elif tag == "mms":
        attrs |= {"address": draw(numbers), "msg_box": draw(codes), "m_type": draw(codes)}
    text = f"<{tag} " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    if tag != "mms":
        return text + " />"
    parts = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "seq": codes,
                    "ct": st.sampled_from(["text/plain", "image/jpeg", "application/smil", ""]),
                    "text": attr_text,
                    "data": st.one_of(
                        st.binary(max_size=30).map(lambda b: __import__("base64").b64encode(b).decode()), attr_text
                    ),
                }
            ),
            max_size=3,
        )
    )
    addrs = draw(st.lists(st.tuples(numbers, st.sampled_from(["137", "151", "130", "x"])), max_size=3))
    inner = "".join("<part " + " ".join(f"{k}={quoteattr(v)}" for k, v in p.items()) + " />" for p in parts)
    inner_addrs = "".join(f"<addr address={quoteattr(a)} type={quoteattr(t)} />" for a, t in addrs)
    return text + f"><parts>{inner}</parts><addrs>{inner_addrs}</addrs></mms>"


@st.composite
def sbr_document(draw) -> str:
    root = draw(st.sampled_from(["smses", "calls"]))
    body = "\n".join(draw(st.lists(sbr_element(), max_size=6)))
    declaration = draw(st.sampled_from(["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n", ""]))
    return f'{declaration}<{root} count="1">\n{body}\n</{root}>\n'


@FUZZ
@given(doc=sbr_document(), data=st.data())
def test_fuzz_sbr(tmp_path: Path, store, doc: str, data) -> None:
    path = tmp_path / "backup.xml"
    raw = data.draw(st.one_of(reencoded(doc), st.just(doc.encode())))
    path.write_bytes(data.draw(mutated(raw)))
    check_import(store, path, data.draw(st.sampled_from(["auto", "sbr"])))


# ---------------------------------------------------------------- CSV

header_names = st.sampled_from(
    ["时间", "号码", "类型", "内容", "时长", "time", "number", "type", "text", "duration", "status", "其他", ""]
)
cells = st.one_of(
    attr_text,
    st.sampled_from(
        [
            "2026-11-20 22:13",
            "2026/11/20 22:13:05",
            "2026年11月20日 下午3:05",
            "20/11/2026 22:13",
            "1763647980",
            "99999999999999999",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "来电",
            "未接",
            "已发送",
            "3分20秒",
            "01:02:03",
            "-5",
            "1e999",
        ]
    ),  # fmt: skip
)


@st.composite
def csv_document(draw) -> str:
    header = draw(st.lists(header_names, min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 1), max_size=6))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@FUZZ
@given(doc=csv_document(), data=st.data())
def test_fuzz_csv(tmp_path: Path, store, doc: str, data) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data.draw(mutated(data.draw(reencoded(doc)))))
    check_import(store, path, data.draw(st.sampled_from(["auto", "csv"])))


# ---------------------------------------------------------------- SQLite databases

sql_values = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, 1, 2, 3, 5, 7, 128, 132, 134, 136, NOV20, NOV20 // 1000, 785340780, 785340780 * 10**9]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
)


def rows_of(columns: list[str]) -> st.SearchStrategy[list[dict]]:
    return st.lists(st.fixed_dictionaries(dict.fromkeys(columns, sql_values)), max_size=5)


def _drop_columns(path: Path, table: str, keep: set[str]) -> None:
    """Rebuild `table` with only `keep` of its columns (a phone whose schema lacks the others)."""
    conn = sqlite3.connect(path)
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] in keep]
    if columns:
        names = ", ".join(columns)
        conn.executescript(
            f"CREATE TABLE _new AS SELECT {names} FROM {table}; DROP TABLE {table}; ALTER TABLE _new RENAME TO {table};"
        )
    conn.commit()
    conn.close()


@st.composite
def phone_database(draw, tmp_path: Path) -> tuple[Path, str]:
    kind = draw(st.sampled_from(["ios-sms", "ios-calls", "android-sms", "android-calls"]))
    path = tmp_path / f"{kind}.db"
    path.unlink(missing_ok=True)
    if kind == "ios-sms":
        messages = draw(rows_of(["text", "date", "is_from_me", "handle_id", "service", "attributedBody", "item_type",
                                 "associated_message_type"]))  # fmt: skip
        make_ios_sms_db(path, [(1, "+8613912345678"), (2, "x")], messages, [(1, "chat", [1, 2])],
                        [(1, 1, "~/a.jpg", "image/jpeg")])  # fmt: skip
        table, important = "message", {"ROWID", "guid", "text", "date", "is_from_me", "handle_id", "service"}
    elif kind == "ios-calls":
        make_ios_calls_db(path, draw(rows_of(["ZDATE", "ZDURATION", "ZADDRESS", "ZANSWERED", "ZORIGINATED"])))
        table, important = "ZCALLRECORD", {"Z_PK", "ZDATE", "ZDURATION", "ZADDRESS", "ZANSWERED", "ZORIGINATED"}
    elif kind == "android-sms":
        sms_rows = draw(rows_of(["address", "date", "type", "body"]))
        pdus = draw(rows_of(["date", "msg_box", "m_type"]))
        parts = [{"mid": i + 1, "seq": 0, "ct": draw(sql_values), "text": draw(sql_values)} for i in range(len(pdus))]
        addrs = [{"msg_id": i + 1, "address": draw(sql_values), "type": draw(sql_values)} for i in range(len(pdus))]
        make_mmssms_db(path, sms_rows, pdus, parts, addrs)
        table, important = "sms", {"_id", "address", "date", "type", "body"}
    else:
        make_calllog_db(path, draw(rows_of(["number", "date", "duration", "type"])))
        table, important = "calls", {"_id", "number", "date", "duration", "type"}
    if draw(st.booleans()):
        _drop_columns(path, table, draw(st.sets(st.sampled_from(sorted(important)))) | {"date"})
    return path, kind


@FUZZ
@given(data=st.data())
def test_fuzz_phone_databases(tmp_path: Path, store, data) -> None:
    path, kind = data.draw(phone_database(tmp_path))
    check_import(store, path, data.draw(st.sampled_from(["auto", kind])))


@FUZZ
@given(data=st.data())
def test_fuzz_damaged_phone_databases(tmp_path: Path, store, data) -> None:
    path, kind = data.draw(phone_database(tmp_path))
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    check_import(store, path, data.draw(st.sampled_from(["auto", kind])))


@FUZZ
@given(data=st.data())
def test_fuzz_any_file_in_any_format(tmp_path: Path, store, data) -> None:
    """Arbitrary bytes forced through every importer."""
    path = tmp_path / "file.bin"
    path.write_bytes(data.draw(st.binary(max_size=200)))
    check_import(store, path, data.draw(st.sampled_from(FORMATS)))


@pytest.mark.parametrize(
    "column, value",
    [("date", 1e308), ("date", float("inf")), ("type", b"\x01"), ("body", 12), ("address", b"\xff\xfe")],
)
def test_android_sms_odd_values_found_by_fuzzing(tmp_path, store, column, value) -> None:
    row = {"_id": 1, "address": "10086", "date": NOV20, "type": 1, "body": "x", column: value}
    check_import(store, make_mmssms_db(tmp_path / "mmssms.db", [row]))
