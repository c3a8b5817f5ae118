"""SQLite used as SQLite asks: the service never opens its file outside SQLite, so its locks hold while
a balancer polls /healthz, an operator reads the file with `sqlite3` and a backup is taken, and every
visit she was answered for is still there after a restart (sqlite.org, "How To Corrupt An SQLite
Database File", 2.2: closing any descriptor of a file drops every POSIX lock the process holds on it).
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from skill.envelopes import Device, Session
from tests.test_her_record import StoreServer
from tests.test_serving import blackhole  # noqa: F401  (fixture by name)

MOTHERS = 8
VISITS_EACH = 10
HEALTH_POLL_SECONDS = 0.02
LOAD_PREFIX = "amzn1.ask.account.LOAD-"
# A reader and a backup from outside the service, through SQLite itself, as an operator runs them.
PYTHON_OUTSIDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT count(*), sum(length(attributes)) FROM attributes").fetchall()
connection.execute("VACUUM INTO ?", (sys.argv[2],))
connection.close()
"""


def outside_read_and_backup(database: Path, backup: Path) -> None:
    """The `sqlite3` shell where it is installed (as the issue found it), else Python's sqlite3 module:
    either way another process that opens the file, reads, takes a backup and closes it again."""
    shell = shutil.which("sqlite3")
    if shell:
        subprocess.run([shell, str(database), "SELECT count(*) FROM attributes;",
                        f"VACUUM INTO '{backup}';"], check=True, capture_output=True, timeout=10)
    else:
        subprocess.run([sys.executable, "-c", PYTHON_OUTSIDER, str(database), str(backup)],
                       check=True, capture_output=True, timeout=10)


def stored_visits(database: Path) -> tuple[int, str]:
    with sqlite3.connect(database) as connection:
        [(integrity,)] = connection.execute("PRAGMA integrity_check").fetchall()
        [(visits,)] = connection.execute(
            "SELECT coalesce(sum(json_extract(attributes, '$.visits')), 0) FROM attributes WHERE id LIKE ?",
            (f"{LOAD_PREFIX}%",)).fetchall()
    connection.close()
    return visits, integrity


@pytest.mark.parametrize("server_name", ["granian", "gunicorn"])
def test_every_answered_visit_survives_health_polls_an_outside_reader_a_backup_and_a_restart(
        tmp_path: Path, blackhole: int, server_name: str) -> None:
    database = tmp_path / "skill.db"
    store_url = f"sqlite:///{database}"
    running = StoreServer(tmp_path, blackhole, store_url, server=server_name, workers=2)
    stop = threading.Event()
    health: list[int] = []
    backups: list[Path] = []

    def poll_health() -> None:  # a balancer, or the Dockerfile's HEALTHCHECK, much more often
        while not stop.is_set():
            health.append(running.health()[0])
            time.sleep(HEALTH_POLL_SECONDS)

    def outsider() -> None:
        while not stop.is_set():
            backup = tmp_path / f"backup-{len(backups)}.db"
            outside_read_and_backup(database, backup)
            backups.append(backup)

    def visit(n: int) -> bool:
        """One new session; True when the answer says her visit was counted in the store."""
        her = Session(user_id=f"{LOAD_PREFIX}{n % MOTHERS}", device=Device(device_id=f"amzn1.ask.device.{n}"))
        status, _, _ = running.say(her, her.launch())
        assert status == 200
        return bool((her.attributes.get("memory") or {}).get("record"))

    try:
        running.say(warm := Session(user_id="amzn1.ask.account.WARM"), warm.launch())
        watchers = [threading.Thread(target=poll_health), threading.Thread(target=outsider)]
        for watcher in watchers:
            watcher.start()
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                counted = list(pool.map(visit, range(MOTHERS * VISITS_EACH)))
        finally:
            stop.set()
            for watcher in watchers:
                watcher.join(timeout=15)
    finally:
        assert running.stop() == 0
    assert backups and health and set(health) == {200}, sorted(set(health))
    assert sum(counted) == MOTHERS * VISITS_EACH, "every visit was counted while she was answered"

    restarted = StoreServer(tmp_path, blackhole, store_url, server=server_name)
    try:
        assert restarted.health()[0] == 200
    finally:
        assert restarted.stop() == 0
    visits, integrity = stored_visits(database)
    assert integrity == "ok"
    assert visits == sum(counted), "every visit she was answered for is stored"
    assert "malformed" not in running.log() and "Traceback" not in running.log()
    with sqlite3.connect(backups[-1]) as copy:  # the backup is a whole database too
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    copy.close()


# A full disk -------------------------------------------------------------------------------------------

FULL_DISK_BYTES = 16 * 1024


def full_disk() -> None:
    """In the server's process before exec: no file may grow past FULL_DISK_BYTES (EFBIG, as ENOSPC)."""
    import resource
    resource.setrlimit(resource.RLIMIT_FSIZE, (FULL_DISK_BYTES, FULL_DISK_BYTES))


def test_health_is_503_once_a_new_record_cannot_be_written_and_she_is_still_answered(
        tmp_path: Path, blackhole: int) -> None:
    from tests.test_serving import Server

    database = tmp_path / "skill.db"
    with sqlite3.connect(database) as connection:  # records of others, far past what the disk has left
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE attributes (id TEXT PRIMARY KEY, attributes TEXT NOT NULL, expires_at INTEGER)")
        connection.executemany("INSERT INTO attributes VALUES (?, '{\"visits\": 1}', ?)",
                               [(f"amzn1.ask.account.OTHER-{n:05}", int(time.time()) + 86_400) for n in range(1500)])
    connection.close()
    running = Server(tmp_path, blackhole, preexec_fn=full_disk, ALEXA_VERIFY_REQUESTS="false",
                     SKILL_STORE=f"sqlite:///{database}")
    try:
        stored = []
        for n in range(12):
            her = Session(user_id=f"amzn1.ask.account.FULL-{n}")
            status, body, _ = running.request("POST", "/", __import__("json").dumps(her.launch()).encode(),
                                              {"Content-Type": "application/json"})
            assert status == 200  # she is answered, without her memory
            stored.append(bool(((body.get("sessionAttributes") or {}).get("memory") or {}).get("record")))
        assert stored[-3:] == [False] * 3, stored
        time.sleep(1.05)  # /healthz repeats a probe's answer for a second
        assert running.request("GET", "/healthz")[:2] == (503, {"status": "unavailable", "store": "unreachable"})
    finally:
        running.stop()


# An erase while a backup reads ---------------------------------------------------------------------------

def test_an_erase_while_a_backup_reads_leaves_no_copy_once_the_reader_is_done(tmp_path: Path) -> None:
    from skill.persistence import SQLitePersistenceAdapter
    from tests.test_persistence import envelope_for

    database = tmp_path / "skill.db"
    store = SQLitePersistenceAdapter(database)
    her, neighbour = "amzn1.ask.account.ERASED-MOTHER", "amzn1.ask.account.NEIGHBOUR"
    for _ in range(3):
        store.count_visit(envelope_for(her))
    store.count_visit(envelope_for(neighbour))

    def copies() -> int:
        return sum(path.read_bytes().count(her.encode())
                   for path in (database, tmp_path / "skill.db-wal") if path.exists())

    backup = sqlite3.connect(database, isolation_level=None)  # a backup in the middle of its read
    backup.execute("BEGIN")
    backup.execute("SELECT count(*) FROM attributes").fetchall()
    store.delete_attributes(envelope_for(her))
    assert store.get_attributes(envelope_for(her)) == {}
    backup.execute("COMMIT")
    backup.close()
    store.ping()  # the next call (a health probe, a visit) empties the log the reader held
    assert copies() == 0
    assert store.get_attributes(envelope_for(neighbour))["visits"] == 1
