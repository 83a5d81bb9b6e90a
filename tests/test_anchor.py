"""`harasslog anchor`: an RFC 3161 request over the chain head, checked against a LOCAL time-stamping
authority that each test makes with OpenSSL (a throwaway CA and TSA certificate in tmp_path, no network).
The request is read back by `openssl ts -query -text` and the reply made by `openssl ts -reply`, so
the DER harasslog writes and reads is checked by another implementation, not by itself."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from test_tamper import rewrite_text

from harasslog import anchor

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="needs the openssl program (apt-get install openssl)")

TSA_CONFIG = """
[req]
distinguished_name = dn
prompt = no
[dn]
CN = Test TSA
O = harasslog tests
[tsa_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
[tsa_config]
serial = {dir}/serial
signer_cert = {dir}/tsa.pem
certs = {dir}/ca.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl(*args: str, cwd: Path) -> str:
    assert OPENSSL is not None
    done = subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory):
    """A CA, a TSA certificate it issued (timeStamping use), and `reply(tsq) -> tsr path`: made once
    per module, since making RSA keys is the slow part."""
    if OPENSSL is None:
        pytest.skip("needs the openssl program (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tsa")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(dir=folder), "utf-8")
    (folder / "serial").write_text("01\n", "ascii")
    subj = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Test CA", *subj, cwd=folder)  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-config", "tsa.cnf",
            cwd=folder)  # fmt: skip
    openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "tsa.pem", "-days", "2", "-extfile", "tsa.cnf", "-extensions", "tsa_ext", cwd=folder)  # fmt: skip

    def reply(tsq: Path) -> Path:
        out = tsq.with_suffix(".tsr")
        openssl("ts", "-reply", "-queryfile", str(tsq), "-config", "tsa.cnf", "-section", "tsa_config",
                "-out", str(out), cwd=folder)  # fmt: skip
        return out

    reply.ca = folder / "ca.pem"  # type: ignore[attr-defined]
    reply.folder = folder  # type: ignore[attr-defined]
    return reply


@pytest.fixture
def case(cli):
    for args in (
        ("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai"),
        ("add", "sms", "16500000102", "--at", "2026-11-20T23:30", "--text", "再不还钱就爆你通讯录"),
        ("add", "call", "16500000102", "--at", "2026-11-20T23:40"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    return cli


def chain_head(cli) -> str:
    return json.loads(cli("verify", "--json").stdout)["head"]


@needs_openssl
def test_request_is_what_openssl_reads_as_an_rfc3161_query(tmp_path):
    head = "0123456789abcdef" * 4
    tsq = tmp_path / "q.tsq"
    tsq.write_bytes(anchor.request(head, 0xAB54A98CEB1F0AD2))
    text = openssl("ts", "-query", "-in", str(tsq), "-text", cwd=tmp_path)
    assert "Version: 1" in text
    assert "Hash Algorithm: sha256" in text
    assert "01 23 45 67 89 ab cd ef-01 23 45 67 89 ab cd ef" in text  # the head's own 32 bytes
    assert "Nonce: 0xAB54A98CEB1F0AD2" in text
    assert "Certificate required: yes" in text


@needs_openssl
def test_anchor_round_trip_with_a_local_tsa(case, tsa, tmp_path, db_path):
    head = chain_head(case)
    tsq = tmp_path / "head.tsq"
    made = case("--lang", "en", "anchor", "-o", str(tsq))
    assert made.exit_code == 0, made.stderr
    assert f"head hash (SHA-256): {head}" in made.stdout
    assert "head seq: 3; chained entries: 3; events: 2" in made.stdout
    png = tmp_path / "head-receipt.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    checked = case("--lang", "en", "anchor", "verify", str(tsa(tsq)), "--ca", str(tsa.ca))
    assert checked.exit_code == 0, checked.stderr
    assert f"head {head} (seq 3," in checked.stdout
    assert "authority: CN=Test TSA, O=harasslog tests" in checked.stdout
    assert "its nonce matches the request harasslog wrote" in checked.stdout
    assert "signature checked with openssl" in checked.stdout

    rows = anchor.anchors(_store(db_path))
    assert len(rows) == 1
    row = rows[0]
    assert (row["head_hash"], row["head_seq"], row["entries"], row["events"]) == (head, 3, 3, 2)
    assert row["signature"] == "checked" and row["tsa_name"] == "CN=Test TSA, O=harasslog tests"
    assert row["gen_time"].endswith("Z") and row["token"]
    import hashlib

    assert row["tsq_sha256"] == hashlib.sha256(tsq.read_bytes()).hexdigest()
    assert case("verify").exit_code == 0  # the anchor rows are chained and verify


@needs_openssl
def test_without_ca_the_signature_is_said_to_be_unchecked(case, tsa, tmp_path):
    tsq = tmp_path / "head.tsq"
    assert case("anchor", "-o", str(tsq)).exit_code == 0
    checked = case("--lang", "en", "anchor", "verify", str(tsa(tsq)))
    assert checked.exit_code == 0, checked.stderr
    assert "signature NOT checked: no --ca given" in checked.stdout


@needs_openssl
def test_a_token_from_another_ca_fails_the_signature(case, tsa, tmp_path):
    tsq = tmp_path / "head.tsq"
    assert case("anchor", "-o", str(tsq)).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k", "-out", "other.pem", "-days", "2",
            "-subj", "/CN=Other CA", cwd=other)  # fmt: skip
    result = case("--lang", "en", "anchor", "verify", str(tsa(tsq)), "--ca", str(other / "other.pem"))
    assert result.exit_code == 1
    assert "the signature does not verify against" in result.stderr


@needs_openssl
def test_a_rewritten_chain_is_no_longer_a_prefix(case, tsa, tmp_path, db_path):
    head = chain_head(case)
    tsq = tmp_path / "head.tsq"
    assert case("anchor", "-o", str(tsq)).exit_code == 0
    tsr = tsa(tsq)
    rewrite_text(db_path, 1, "请按时还款")  # a forger recomputes every hash: `verify` alone passes
    assert case("verify").exit_code == 0
    result = case("--lang", "en", "anchor", "verify", str(tsr), "--ca", str(tsa.ca))
    assert result.exit_code == 1
    assert f"the chain no longer contains head {head}" in result.stderr
    assert result.stderr.count("\n") == 1


@needs_openssl
def test_an_edited_event_after_anchoring_is_named(case, tsa, tmp_path, db_path):
    tsq = tmp_path / "head.tsq"
    assert case("anchor", "-o", str(tsq)).exit_code == 0
    tsr = tsa(tsq)
    conn = sqlite3.connect(db_path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE events SET text = '请按时还款' WHERE id = 1")
    conn.commit()
    conn.close()
    result = case("--lang", "en", "anchor", "verify", str(tsr))
    assert result.exit_code == 1
    assert "events row 1 (ledger entry 2) differs from what was recorded" in result.stderr
    assert "verify finds 1 alteration(s)" in result.stderr


@needs_openssl
def test_a_token_over_another_digest_is_refused(case, tsa, tmp_path):
    foreign = tmp_path / "other.tsq"
    foreign.write_bytes(anchor.request("ab" * 32, 7))
    result = case("--lang", "en", "anchor", "verify", str(tsa(foreign)), "--ca", str(tsa.ca))
    assert result.exit_code == 1
    assert "attests " + "ab" * 32 + ", a head this store's chain never had" in result.stderr


@needs_openssl
def test_an_altered_token_is_refused(case, tsa, tmp_path):
    tsq = tmp_path / "head.tsq"
    assert case("anchor", "-o", str(tsq)).exit_code == 0
    data = bytearray(tsa(tsq).read_bytes())
    at = data.index(b"\x18\x0f") + 2  # the genTime, inside the signed TSTInfo
    data[at + 3] = ord("0") if data[at + 3] != ord("0") else ord("1")  # another year
    altered = tmp_path / "altered.tsr"
    altered.write_bytes(bytes(data))
    result = case("--lang", "en", "anchor", "verify", str(altered))
    assert result.exit_code == 1
    assert "the file was altered after it was signed" in result.stderr


@pytest.mark.parametrize("content", [b"", b"garbage\n", b"\x30\x82\xff\xff\x02\x01\x00", b"\x30\x03\x02\x01\x05"])
def test_garbage_is_one_line_exit_2_and_nothing_recorded(case, tmp_path, db_path, content):
    before = chain_head(case)
    bad = tmp_path / "bad.tsr"
    bad.write_bytes(content)
    result = case("--lang", "en", "anchor", "verify", str(bad))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("harasslog: ") and "nothing was recorded" in result.stderr
    assert chain_head(case) == before


def test_an_edited_anchor_row_is_caught_by_verify(case, tmp_path, db_path):
    assert case("anchor", "-o", str(tmp_path / "head.tsq")).exit_code == 0
    conn = sqlite3.connect(db_path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE anchors SET created_at = '2020-01-01T00:00:00.000Z'")
    conn.commit()
    conn.close()
    result = case("--lang", "en", "verify")
    assert result.exit_code == 1
    assert "anchors 1: created_at was changed without a ledger entry" in result.stderr


def _store(db_path: Path):
    from harasslog.db import open_store

    return open_store(db_path, readonly=True)


def test_the_binder_partial_lists_every_anchor_with_its_receipt(case, tmp_path, db_path):
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    for name in ("one.tsq", "two.tsq"):
        assert case("anchor", "-o", str(tmp_path / name)).exit_code == 0
    context = anchor.anchor_context(_store(db_path), "en")
    rows = context["anchors"]
    assert [row["id"] for row in rows] == [1, 2]
    assert rows[1]["head_seq"] > rows[0]["head_seq"]  # the second anchor covers the first one's entry
    templates = Path(__file__).parent.parent / "templates"
    env = Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape(["html.j2"]))
    html = env.from_string('{% import "_anchors.html.j2" as a %}{{ a.anchor_list(anchors, t) }}').render(context)
    for row in rows:
        assert row["head_hash"] in html
    assert html.count('src="data:image/png;base64,') == 2
    assert html.count("no time stamp returned yet") == 2
    md = env.from_string('{% import "_anchors.md.j2" as a %}{{ a.anchor_list(anchors, t) }}').render(context)
    assert f"`{rows[0]['head_hash']}` (seq {rows[0]['head_seq']})" in md
