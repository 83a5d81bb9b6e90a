"""Several OS processes adding at the same moment: every event lands and the chain verifies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

WORKER = textwrap.dedent(
    """
    import sys
    from typer.testing import CliRunner
    from harasslog.cli import app

    worker, db = sys.argv[1], sys.argv[2]
    runner = CliRunner()
    sys.stdin.readline()  # wait for the start signal so all workers begin together
    for n in range(15):
        number, text = f"1650000{worker}{n:03d}", f"worker {worker} message {n}"
        result = runner.invoke(app, ["--db", db, "add", "sms", number, "--at", "now", "--text", text])
        if result.exit_code != 0:
            print(result.stderr, file=sys.stderr)
            sys.exit(1)
    """
)


def test_four_processes_adding_fifteen_events_each(cli, db_path, tmp_path):
    assert cli("init", "--region", "CN").exit_code == 0
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "HARASSLOG_DB": str(db_path)}
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(w), str(db_path)],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(4)
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    events = json.loads(cli("list", "--json").stdout)
    assert len(events) == 60
    assert sorted(e["text"] for e in events) == sorted(f"worker {w} message {n}" for w in range(4) for n in range(15))
    result = cli("verify", "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["entries"] == 61  # 60 events and the profile init wrote
