"""`harasslog add` with no arguments: the questions on a terminal (issue 13.2).

The flow is driven twice: with plain streams injected into quickadd.ask_entry (every branch, fast),
and through a real pseudo-terminal (the stdlib `pty`), where Ctrl-C and Ctrl-D are the terminal's own.
"""

from __future__ import annotations

import io
import os
import select
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from harasslog import catalog, times
from harasslog.cli import evidence, quickadd

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)


def context(lang="zh", recent=(), parties=None, warning=None):
    """The flow's view of a Chinese borrower's store, with the clock at NOW."""
    parties = parties or {}

    def read_time(text):
        when = times.read_past_when(text, SHANGHAI, now=NOW, region="CN", lang=lang)
        return {"at": when.at, "at_precision": when.precision}, when.at.strftime("%Y-%m-%d %H:%M")

    return quickadd.Context(
        words=lambda key, **values: catalog.t(lang, key, **values),
        recent=list(recent),
        read_time=read_time,
        number_warning=lambda number: warning if number == "1380013800" else None,
        is_number=lambda number: bool(number.strip()),
        party_of=lambda number: parties.get(number),
        party_exists=lambda name: name in parties.values(),
    )


def ask(answers, ctx, pending=()):
    """Run the flow on typed answers; `pending` says, empty line by empty line, whether more of a
    paste was already waiting."""
    waiting = iter(pending)
    err = io.StringIO()
    prompter = quickadd.Prompter(io.StringIO(answers), err, pending=lambda: next(waiting, False))
    return quickadd.ask_entry(prompter, ctx), err.getvalue()


def test_a_pasted_sms_with_a_blank_line_inside_and_the_last_number_used():
    recent = [("17000000101", "某某资产管理"), ("13800138000", None)]
    ctx = context(recent=recent, parties={"17000000101": "某某资产管理"})
    # 2 = SMS; 1 = the first number offered; a natural time; the paste (its blank line is followed
    # at once by more text), ended by an empty line; Enter keeps the number's party; Enter confirms.
    answers = "2\n1\n昨晚10点\n你好\n\n再不还钱就爆你通讯录\n\n\n\n"
    entry, said = ask(answers, ctx, pending=[True, False])
    assert entry is not None
    assert (entry.channel, entry.direction, entry.number) == ("sms", "in", "17000000101")
    assert entry.text == "你好\n\n再不还钱就爆你通讯录"
    assert entry.when["at"] == datetime(2026, 11, 30, 22, 0, tzinfo=SHANGHAI)
    assert entry.party == "某某资产管理"
    # Asked in Chinese, offering the last numbers with their party, and saying back the time.
    assert "最近用过的号码：" in said and "1) 17000000101  某某资产管理" in said
    assert "理解为：2026-11-30 22:00" in said
    assert "将记录：短信" in said


def test_bad_answers_are_asked_again_and_a_mistyped_number_is_kept_only_if_wanted():
    warning = "warning: 1380013800 has 10 digits, a Chinese mobile number has 11; stored as written"
    ctx = context(lang="en", warning=warning)
    answers = (
        "9\n1\n"  # no kind 9: asked again; 1 = call
        "1380013800\nn\n13800138000\n"  # warned, not kept, typed again
        "someday\n-2h\n"  # unreadable time: asked again
        "2\n"  # missed
        "He said he would come to my work\n\n"
        "某某催收\n"  # a party not in the store
        "y\n"
    )
    entry, said = ask(answers, ctx)
    assert entry is not None
    assert (entry.channel, entry.number, entry.status) == ("call", "13800138000", "missed")
    assert entry.when["at"] == datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)
    assert entry.text == "He said he would come to my work"
    assert entry.party == "某某催收"
    assert "type a number from 1 to 6" in said
    assert warning in said
    assert "cannot read the time 'someday'" in said
    assert "collector: 某某催收 (new: it will be created)" in said


def test_a_letter_the_borrower_sent_and_a_visit_need_no_number():
    entry, _ = ask("5\n\n2026-11-19\n请暂停催收\n\n\n\n", context(lang="en"))
    assert entry is not None
    assert (entry.channel, entry.direction, entry.number, entry.text) == ("letter", "out", "", "请暂停催收")
    assert entry.when["at_precision"] == "day"


def test_a_contact_with_a_third_party_says_who_and_how():
    entry, said = ask("6\n我母亲\n2\n\n-1h\n让她替我还钱\n\n\n\n", context(lang="en"))
    assert entry is not None
    assert (entry.channel, entry.number, entry.extra) == ("third_party", "", {"who": "我母亲", "how": "sms"})
    assert entry.text == "让她替我还钱"
    assert "contacted: 我母亲 (text)" in said


def test_hostile_text_is_shown_harmlessly_and_kept_exactly():
    hostile = "\x1b]52;c;cm0gLXJmIH4=\x07pay now \u202egnp.exe"
    entry, said = ask(f"2\n10690000\n\n{hostile}\n\n\n\n", context(lang="en"))
    assert entry is not None and entry.text == hostile
    assert "\x1b" not in said and "\u202e" not in said
    assert "[U+001B]]52;c;cm0gLXJmIH4=[U+0007]pay now [U+202E]gnp.exe" in said


def test_a_blank_sms_is_asked_again_and_declining_the_summary_records_nothing():
    entry, said = ask("sms\n13800138000\n\n   \n\nhello\n\n\nn\n", context(lang="en"))
    assert entry is None
    assert "the message is empty" in said


def test_end_of_input_at_a_question_cancels():
    with pytest.raises(quickadd.Cancelled):
        ask("2\n13800138000\n", context())


# ---------------------------------------------------------------- through the command line


@pytest.fixture
def cn_store(cli, db_path):
    assert cli("--lang", "en", "init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn").exit_code == 0
    return db_path


def ledger_rows(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT * FROM ledger ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_without_a_terminal_add_alone_stays_a_usage_error(cli, cn_store):
    before = ledger_rows(cn_store)
    result = cli("add")
    assert result.exit_code == 2
    assert "Usage: harasslog add" in result.stderr + result.stdout
    assert ledger_rows(cn_store) == before


def test_end_of_input_half_way_exits_130_and_writes_nothing(cli, cn_store, monkeypatch):
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    before = ledger_rows(cn_store)
    result = cli("--lang", "en", "add", input="2\n13800138000\n")
    assert result.exit_code == 130, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Cancelled: nothing was recorded"
    assert ledger_rows(cn_store) == before


class Terminal:
    """harasslog in a pseudo-terminal: its stdin, stdout and stderr are the terminal, as for a person."""

    def __init__(self, db_path: Path, *args: str):
        import pty

        env = dict(os.environ, HARASSLOG_DB=str(db_path))
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become harasslog
            os.execve(sys.executable, [sys.executable, "-P", "-m", "harasslog", "--lang", "en", *args], env)
        self.seen = b""

    def expect(self, text: str) -> None:
        """Read until `text` appears (30 s without output means the command is stuck)."""
        wanted = text.encode()
        while wanted not in self.seen:
            ready, _, _ = select.select([self.fd], [], [], 30)
            assert ready, f"waiting for {text!r}, got {self.seen.decode(errors='replace')!r}"
            chunk = self._read()
            assert chunk, f"ended before {text!r}: {self.seen.decode(errors='replace')!r}"
            self.seen += chunk
        self.seen = self.seen[self.seen.index(wanted) + len(wanted) :]

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def finish(self) -> tuple[int, str]:
        rest = b""
        while chunk := self._read():
            rest += chunk
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status), (self.seen + rest).decode(errors="replace")

    def _read(self) -> bytes:
        try:
            return os.read(self.fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return b""


pty_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


@pty_only
def test_on_a_terminal_a_pasted_sms_is_recorded_exactly(cn_store):
    term = Terminal(cn_store, "add")
    term.expect("> [1]: ")
    term.send(b"2\n")
    term.expect("(as your phone shows it): ")
    term.send(b"13800138000\n")
    term.expect("[now]: ")
    term.send(b"\n")
    term.expect("Ctrl-D):")
    # One paste with a blank line inside, then Ctrl-D at the start of a line.
    term.send("第一行\n\n再不还钱就爆你通讯录\n".encode() + b"\x04")
    term.expect("Enter if unknown): ")
    term.send(b"\n")
    term.expect("Save it? [Y/n]: ")
    term.send(b"\n")
    code, rest = term.finish()
    assert code == 0, rest
    assert "Recorded text #1 at" in rest
    conn = sqlite3.connect(cn_store)
    rows = conn.execute("SELECT channel, number_raw, text, source_ref FROM events").fetchall()
    conn.close()
    assert rows == [("sms", "13800138000", "第一行\n\n再不还钱就爆你通讯录", "hand")]


@pty_only
def test_on_a_terminal_ctrl_c_half_way_exits_130_and_writes_nothing(cn_store):
    before = ledger_rows(cn_store)
    term = Terminal(cn_store, "add")
    term.expect("> [1]: ")
    term.send(b"1\n")
    term.expect("(as your phone shows it): ")
    term.send(b"13800138000\n")
    term.expect("[now]: ")
    term.send(b"\x03")  # Ctrl-C: the terminal sends SIGINT
    code, rest = term.finish()
    assert code == 130, rest
    assert rest.strip().splitlines()[-1] == "Cancelled: nothing was recorded"
    assert ledger_rows(cn_store) == before
