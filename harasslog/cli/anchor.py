"""`harasslog anchor`: a time-stamp request over the chain head, and `anchor verify` for the token.

harasslog never sends anything: it writes the request (.tsq) and a receipt (printed, and as a QR
image for the binder); the user sends the request to a time-stamping authority of their choice and
brings the response (.tsr) back to `anchor verify`, which checks it offline against the chain.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from .. import anchor as anchoring
from ..errors import InputError
from ..errors import VerificationFailed as AnchorFailed  # exit 1, like a failed `verify`
from . import common

anchor_app = typer.Typer(
    help="An anchor outside the store: an RFC 3161 time-stamp request over the chain head (offline).",
    no_args_is_help=False,
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(anchor_app, name="anchor")


@anchor_app.callback()
def anchor(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write the request (default: anchor-SEQ.tsq here)."),
    ] = None,
) -> None:
    """Write an RFC 3161 time-stamp request (.tsq) over the chain head, its receipt and a QR image of it.

    Send the .tsq to any time-stamping authority (harasslog never touches the network), keep the .tsr it
    returns, and check it with `harasslog anchor verify RESPONSE.tsr --ca TSA-CA.pem`."""
    if ctx.invoked_subcommand is not None:
        return
    from ..outfile import write_output
    from ..store._sql import now_iso

    store = common.open_store()
    state = anchoring.head_state(store)
    nonce = anchoring.new_nonce()
    tsq = anchoring.request(state["head_hash"], nonce)
    path = output or Path(f"anchor-{state['head_seq']}.tsq")
    created = now_iso()
    receipt = common.words(store, "cli.anchor.receipt", created=created, **state)
    qr_path = path.with_name(path.stem + "-receipt.png")
    write_output(path, tsq)
    write_output(qr_path, anchoring.qr_png(receipt))
    with store.transaction():
        number = anchoring.record_request(store, state, tsq, nonce, created)
    for line in receipt.splitlines():
        common.out(line)
    common.tell(store, "cli.anchor.written", number=number, path=str(path), qr=str(qr_path))
    common.tell(store, "cli.anchor.send", path=str(path), stem=str(path.with_suffix("")))


@anchor_app.command("verify")
def verify(
    token_file: Annotated[Path, typer.Argument(metavar="TOKEN.tsr", help="The TSA's response (or a bare token).")],
    ca: Annotated[
        Path | None,
        typer.Option("--ca", help="The TSA's CA certificate (PEM): checks the token's signature with openssl."),
    ] = None,
) -> None:
    """Check a time-stamp token offline: it stamps a head this chain had, still a prefix of the chain now."""
    from ..store._sql import now_iso

    store = common.open_store()
    try:
        data = token_file.read_bytes()
    except OSError as exc:
        raise InputError(common.words(store, "cli.anchor.unreadable", path=str(token_file), why=exc.strerror)) from None
    try:
        token = anchoring.parse(data)
    except InputError as exc:
        raise InputError(common.words(store, "cli.anchor.not_a_token", path=str(token_file), why=str(exc))) from None
    if ca is not None and not ca.is_file():
        raise InputError(common.words(store, "cli.anchor.no_ca", path=str(ca)))
    if token.hash_algorithm != "sha256":
        raise AnchorFailed(common.words(store, "cli.anchor.not_sha256", algorithm=token.hash_algorithm))
    if token.signed_digest_ok is False:
        raise AnchorFailed(common.words(store, "cli.anchor.digest_altered"))
    report = store.verify(head=token.imprint)
    known = [row for row in anchoring.anchors(store) if row["head_hash"] == token.imprint]
    if report.head_seq is None:
        key = "cli.anchor.not_prefix" if known else "cli.anchor.not_this_store"
        raise AnchorFailed(common.words(store, key, head=token.imprint, now=report.head or "-"))
    if not report.ok:
        for problem in report.problems[:5]:
            common.info(f"  {problem}")
        raise AnchorFailed(
            common.words(store, "cli.anchor.store_altered", head=token.imprint, count=len(report.problems))
        )
    signature = _check_signature(store, token_file, token, ca)
    with store.transaction():
        number = anchoring.record_token(
            store, token, report.head_seq, signature="checked" if signature else "not_checked", verified_at=now_iso()
        )
    common.out(
        common.words(
            store,
            "cli.anchor.verified",
            head=token.imprint,
            seq=report.head_seq,
            after=report.entries_after_head or 0,
            time=token.gen_time,
            tsa=token.tsa_name or "-",
            number=number,
        )
    )
    nonce_key = (
        "cli.anchor.nonce_matches"
        if any(row["nonce"] == str(token.nonce) for row in known)
        else "cli.anchor.nonce_other"
    )
    common.out(common.words(store, nonce_key))
    common.out(common.words(store, "cli.anchor.signature_ok" if signature else signature_gap(store, ca)))


def signature_gap(store: object, ca: Path | None) -> str:
    return "cli.anchor.signature_no_ca" if ca is None else "cli.anchor.signature_no_openssl"


def _check_signature(store: object, token_file: Path, token: anchoring.Token, ca: Path | None) -> bool:
    """`openssl ts -verify` against the CA: the TSA certificate's chain, its timeStamping use, the
    signature over the signed attributes, and the imprint. False when it could not be run (no --ca,
    no openssl); a signature that fails is an AnchorFailed."""
    openssl = shutil.which("openssl")
    if ca is None or openssl is None:
        return False
    source = ["-in", str(token_file)] if token.is_response else ["-token_in", "-in", str(token_file)]
    try:
        done = subprocess.run(
            [openssl, "ts", "-verify", *source, "-digest", token.imprint, "-CAfile", str(ca)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise AnchorFailed(common.words(store, "cli.anchor.openssl_failed", why=type(exc).__name__)) from None
    if done.returncode != 0 or "Verification: OK" not in done.stdout:
        lines = [
            line for line in (done.stderr + done.stdout).splitlines() if line.strip() and "configuration" not in line
        ]
        why = lines[-1][:200] if lines else f"exit {done.returncode}"
        raise AnchorFailed(common.words(store, "cli.anchor.signature_bad", ca=str(ca), why=why))
    return True
