"""`harasslog ocr confirm|correct ID`: a person checks what OCR read from a screenshot.

The event keeps the OCR text; the check is a chained entry holding both texts. Until one exists,
wording found in that text is only an item to review (harasslog/ocr/review.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import common

ocr_app = typer.Typer(
    help="Check what OCR read from screenshots: confirm it as read, or correct it.", no_args_is_help=True
)
IdArg = Annotated[int, typer.Argument(help="The event's id (see `harasslog list`; source O).")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why: 'checked against the image', '账 read as 帐'...")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the entry recorded as one JSON object.")]


def register(app: typer.Typer) -> None:
    app.add_typer(ocr_app, name="ocr")


@ocr_app.command("confirm")
def confirm(event_id: IdArg, reason: ReasonOpt = None, as_json: JsonOpt = False) -> None:
    """Confirm, after looking at the screenshot, that OCR read the event's text right."""
    _record(event_id, None, reason, as_json)


@ocr_app.command("correct")
def correct(
    event_id: IdArg,
    text: Annotated[str, typer.Option("--text", help="The text as the screenshot shows it.")],
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct what OCR read: the event keeps the OCR text, the analysis reads yours.

    Example: harasslog ocr correct 12 --text "再不还钱就爆你通讯录" --reason "通讯录 misread"
    """
    _record(event_id, text, reason, as_json)


def _record(event_id: int, text: str | None, reason: str | None, as_json: bool) -> None:
    store = common.open_store()
    try:
        with store.transaction(), common.flags(text="--text"):
            row = store.ocr_corrections.add(event_id, text, reason)
        if as_json:
            event = next(store.events.select(ids=[event_id]))
            from ..records import event_record

            common.print_json({**row, "event": event_record(event, store.tz)})
            return
        key = "ocr.confirmed" if row["text"] == row["ocr_text"] else "ocr.corrected_saved"
        common.tell(store, key, id=event_id)
    finally:
        store.close()
