"""The attribute stores, against real resources: temp SQLite files and a real dynalite."""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_dynamodb.partition_keygen import device_id_partition_keygen
from ask_sdk_model import RequestEnvelope

from skill.envelopes import Device, Session
from skill.persistence import (
    DEFAULT_STORE_URL,
    SQLitePersistenceAdapter,
    build_persistence_adapter,
    is_reachable,
)
from skill.persistence import checkpoints
from skill.persistence.checkpoints import CHECKPOINT_SECONDS, LogCheckpoints
from skill.persistence.sqlite import file_identity
from tests.dynamodb_gate import dynamodb_gate
from tests.stores import fresh_table_url

REPO = Path(__file__).resolve().parents[1]
SERIALIZER = DefaultSerializer()
PROGRESS = {"step": 3, "red_flags": ["fever"], "care_route": None, "warm_compress": True,
            "minutes": 10, "temperature": 38.5, "note": "Schwellung, bitte ruhen"}


def envelope_for(user_id: str, device: Device | None = None) -> RequestEnvelope:
    session = Session(user_id=user_id, device=device or Device())
    return SERIALIZER.deserialize(json.dumps(session.launch()), "ask_sdk_model.RequestEnvelope")


def sqlite_path(store_url: str) -> Path:
    return Path(store_url.removeprefix("sqlite:///"))


def rows_in(path: Path, user_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT id, attributes FROM attributes WHERE id = ?",
                                  (user_id,)).fetchall()


def closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Both backends -----------------------------------------------------------------------------------

def test_an_unknown_user_has_no_attributes(store_url):
    adapter = build_persistence_adapter(store_url)
    assert adapter.get_attributes(envelope_for("amzn1.ask.account.stranger")) == {}


def test_saved_attributes_come_back_unchanged(store_url):
    adapter = build_persistence_adapter(store_url)
    envelope = envelope_for("amzn1.ask.account.ada")
    adapter.save_attributes(envelope, PROGRESS)
    assert adapter.get_attributes(envelope) == PROGRESS
    assert type(adapter.get_attributes(envelope)["minutes"]) is int


def test_saving_again_replaces_what_was_stored(store_url):
    adapter = build_persistence_adapter(store_url)
    envelope = envelope_for("amzn1.ask.account.ada")
    adapter.save_attributes(envelope, PROGRESS)
    adapter.save_attributes(envelope, {"step": 4})
    assert adapter.get_attributes(envelope) == {"step": 4}


def test_deleting_forgets_everything_about_the_user(store_url):
    adapter = build_persistence_adapter(store_url)
    envelope = envelope_for("amzn1.ask.account.ada")
    adapter.save_attributes(envelope, PROGRESS)
    adapter.delete_attributes(envelope)
    assert adapter.get_attributes(envelope) == {}
    if store_url.startswith("sqlite"):
        assert rows_in(sqlite_path(store_url), "amzn1.ask.account.ada") == []


def test_deleting_a_user_who_never_saved_is_harmless(store_url):
    adapter = build_persistence_adapter(store_url)
    stranger = envelope_for("amzn1.ask.account.stranger")
    adapter.delete_attributes(stranger)
    assert adapter.get_attributes(stranger) == {}


def test_two_users_never_see_each_other_s_attributes(store_url):
    adapter = build_persistence_adapter(store_url)
    ada, grace = envelope_for("amzn1.ask.account.ada"), envelope_for("amzn1.ask.account.grace")
    adapter.save_attributes(ada, {"step": 1})
    adapter.save_attributes(grace, {"step": 2})
    adapter.delete_attributes(ada)
    assert adapter.get_attributes(ada) == {}
    assert adapter.get_attributes(grace) == {"step": 2}


def test_attributes_that_are_not_json_are_refused_with_a_persistence_exception(store_url):
    adapter = build_persistence_adapter(store_url)
    with pytest.raises(PersistenceException, match="JSON"):
        adapter.save_attributes(envelope_for("amzn1.ask.account.ada"), {"red_flags": {"fever"}})


def test_the_sdk_attributes_manager_loads_and_saves_through_the_adapter(store_url):
    adapter = build_persistence_adapter(store_url)
    envelope = envelope_for("amzn1.ask.account.ada")
    first_turn = AttributesManager(envelope, persistence_adapter=adapter)
    first_turn.persistent_attributes = {"step": 2}
    first_turn.save_persistent_attributes()
    next_turn = AttributesManager(envelope, persistence_adapter=adapter)
    assert next_turn.persistent_attributes == {"step": 2}


def test_a_running_store_is_reachable(store_url):
    assert is_reachable(build_persistence_adapter(store_url))


# SQLite ------------------------------------------------------------------------------------------

def test_building_a_sqlite_adapter_creates_no_file(sqlite_store_url):
    path = sqlite_path(sqlite_store_url)
    build_persistence_adapter(sqlite_store_url)
    assert not path.exists()


def test_first_use_creates_the_schema_in_a_fresh_file(sqlite_store_url):
    path = sqlite_path(sqlite_store_url)
    build_persistence_adapter(sqlite_store_url).get_attributes(envelope_for("amzn1.ask.account.ada"))
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(attributes)")]
    assert columns == ["id", "attributes", "expires_at"]


def test_the_sqlite_file_runs_in_wal_mode(sqlite_store_url):
    path = sqlite_path(sqlite_store_url)
    build_persistence_adapter(sqlite_store_url).get_attributes(envelope_for("amzn1.ask.account.ada"))
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def rows_in_the_file_itself(path: Path) -> int:
    """Rows the database file holds, leaving out what is still only in its write-ahead log."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM attributes").fetchone()[0]
    except sqlite3.OperationalError:  # not even the table has reached the file yet
        return 0
    finally:
        connection.close()


def test_the_log_reaches_the_file_without_any_of_her_turns_copying_it(sqlite_store_url):
    """Her commits only append to the log (a checkpoint inside one cost ~4 ms); a thread copies it."""
    path = sqlite_path(sqlite_store_url)
    store = build_persistence_adapter(sqlite_store_url)
    for number in range(200):
        store.save_attributes(envelope_for(f"amzn1.ask.account.mother-{number}"), PROGRESS)
    deadline = time.monotonic() + 10 * CHECKPOINT_SECONDS
    while rows_in_the_file_itself(path) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rows_in_the_file_itself(path) == 200
    assert len(store.get_attributes(envelope_for("amzn1.ask.account.mother-7"))) == len(PROGRESS)


def test_the_checkpoint_thread_never_brings_back_a_deleted_file(sqlite_store_url):
    path = sqlite_path(sqlite_store_url)
    store = build_persistence_adapter(sqlite_store_url)
    store.save_attributes(envelope_for("amzn1.ask.account.ada"), PROGRESS)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    time.sleep(3 * CHECKPOINT_SECONDS)
    assert not path.exists()


def test_a_process_forked_while_the_log_is_being_copied_can_still_use_sqlite(sqlite_store_url):
    """fork() copies only the forking thread; a checkpoint under way must not leave SQLite's mutexes held
    in the child (a worker forked by a server or a test would hang at its first query)."""
    path = sqlite_path(sqlite_store_url)
    store = build_persistence_adapter(sqlite_store_url)
    store.save_attributes(envelope_for("amzn1.ask.account.ada"), PROGRESS)
    busy = LogCheckpoints(str(path), file_identity, interval=0)  # checkpointing without pause
    busy.ensure_running()
    children = []
    for _ in range(40):
        child = os.fork()
        if child == 0:  # the child: one query, then out, without running the parent's clean-up
            try:
                connection = sqlite3.connect(path)
                connection.execute("SELECT count(*) FROM attributes").fetchall()
                os._exit(0)
            except BaseException:
                os._exit(1)
        children.append(child)
    deadline = time.monotonic() + 20
    unfinished = set(children)
    while unfinished and time.monotonic() < deadline:
        for child in list(unfinished):
            finished, status = os.waitpid(child, os.WNOHANG)
            if finished:
                assert os.waitstatus_to_exitcode(status) == 0
                unfinished.discard(child)
        time.sleep(0.01)
    for child in unfinished:
        os.kill(child, 9)
        os.waitpid(child, 0)
    assert not unfinished, f"{len(unfinished)} of 40 forked children hung at their first SQLite call"
    del busy


class BusyFile:
    """What SQLite answers while another worker's thread checkpoints or a connection holds the lock."""

    def execute(self, sql: str):
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = sqlite3.SQLITE_BUSY
        raise error

    def close(self) -> None:
        pass


def test_a_moment_when_the_file_is_busy_is_no_checkpoint_failure(sqlite_store_url, caplog, monkeypatch):
    """Busy for a moment: the thread tries again at its next tick and says nothing (an operator would
    otherwise read warnings that mean nothing; seen when another connection changed the schema)."""
    path = sqlite_path(sqlite_store_url)
    build_persistence_adapter(sqlite_store_url).save_attributes(envelope_for("amzn1.ask.account.ada"), PROGRESS)
    monkeypatch.setattr(checkpoints.sqlite3, "connect", lambda *arguments, **options: BusyFile())
    with caplog.at_level("WARNING", logger="skill.persistence.checkpoints"):
        busy = LogCheckpoints(str(path), file_identity, interval=0.005)
        busy.ensure_running()
        time.sleep(0.3)  # some sixty ticks, every one of them busy
        del busy
    assert not [record for record in caplog.records if record.name == "skill.persistence.checkpoints"]


def test_the_checkpoint_thread_ends_when_its_store_is_gone(sqlite_store_url):
    store = build_persistence_adapter(sqlite_store_url)
    store.save_attributes(envelope_for("amzn1.ask.account.ada"), PROGRESS)
    thread = store._checkpoints._thread
    assert thread is not None and thread.is_alive()
    del store
    gc.collect()
    thread.join(timeout=5 * CHECKPOINT_SECONDS)
    assert not thread.is_alive()


def test_a_saved_row_holds_json_and_no_date(sqlite_store_url):
    path = sqlite_path(sqlite_store_url)
    build_persistence_adapter(sqlite_store_url).save_attributes(envelope_for("amzn1.ask.account.ada"),
                                                                {"step": 3})
    [(_, document)] = rows_in(path, "amzn1.ask.account.ada")
    assert json.loads(document) == {"step": 3}


def test_a_file_from_an_older_version_loses_its_last_changed_dates(sqlite_store_url):
    path = sqlite_path(sqlite_store_url)
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE attributes (id TEXT PRIMARY KEY, attributes TEXT NOT NULL, updated_at TEXT)")
        old.execute("INSERT INTO attributes VALUES ('amzn1.ask.account.ada', '{\"step\": 1}', '2024-05-01')")
    adapter = build_persistence_adapter(sqlite_store_url)
    assert adapter.get_attributes(envelope_for("amzn1.ask.account.ada")) == {"step": 1}
    with sqlite3.connect(path) as connection:
        assert [row[1] for row in connection.execute("PRAGMA table_info(attributes)")] == ["id", "attributes", "expires_at"]


def test_a_file_that_is_not_a_database_raises_persistence_exception(tmp_path):
    path = tmp_path / "skill.db"
    path.write_bytes(b"this is no database " * 200)
    adapter = SQLitePersistenceAdapter(path)
    with pytest.raises(PersistenceException) as raised:
        adapter.save_attributes(envelope_for("amzn1.ask.account.ada"), {"step": 1})
    assert isinstance(raised.value.__cause__, sqlite3.DatabaseError)
    assert not is_reachable(adapter)


def test_a_path_in_a_missing_directory_raises_persistence_exception(tmp_path):
    adapter = SQLitePersistenceAdapter(tmp_path / "missing" / "skill.db")
    with pytest.raises(PersistenceException) as raised:
        adapter.get_attributes(envelope_for("amzn1.ask.account.ada"))
    assert isinstance(raised.value.__cause__, sqlite3.Error)


def test_errors_never_mention_the_user_id(tmp_path):
    adapter = SQLitePersistenceAdapter(tmp_path / "missing" / "skill.db")
    with pytest.raises(PersistenceException) as raised:
        adapter.save_attributes(envelope_for("amzn1.ask.account.secret-user"), {"step": 1})
    assert "secret-user" not in str(raised.value)


@pytest.mark.parametrize("location", ["missing directory", "read-only /proc"])
def test_a_store_that_cannot_open_its_file_is_unreachable(tmp_path, location):
    path = tmp_path / "missing" / "skill.db" if location == "missing directory" else "/proc/lump-relief.db"
    assert is_reachable(SQLitePersistenceAdapter(path)) is False


def test_the_key_function_is_pluggable(sqlite_store_url):
    adapter = SQLitePersistenceAdapter(sqlite_path(sqlite_store_url),
                                       partition_keygen=device_id_partition_keygen)
    kitchen = Device(device_id="amzn1.ask.device.kitchen")
    adapter.save_attributes(envelope_for("amzn1.ask.account.ada", kitchen), {"step": 5})
    assert adapter.get_attributes(envelope_for("amzn1.ask.account.grace", kitchen)) == {"step": 5}
    assert rows_in(sqlite_path(sqlite_store_url), "amzn1.ask.device.kitchen")


def test_threads_sharing_one_adapter_each_get_their_own_connection(sqlite_store_url):
    adapter = build_persistence_adapter(sqlite_store_url)

    def save_and_load(n: int) -> dict:
        envelope = envelope_for(f"amzn1.ask.account.thread-{n}")
        adapter.save_attributes(envelope, {"step": n})
        return adapter.get_attributes(envelope)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(save_and_load, range(32))) == [{"step": n} for n in range(32)]


def _save_in_forked_child(adapter: SQLitePersistenceAdapter, inherited: sqlite3.Connection) -> None:
    adapter.save_attributes(envelope_for("amzn1.ask.account.child"), {"step": 7})
    sys.exit(0 if adapter._local.connection is not inherited else 3)


def test_a_forked_worker_opens_its_own_connection(sqlite_store_url):
    adapter = build_persistence_adapter(sqlite_store_url)
    adapter.get_attributes(envelope_for("amzn1.ask.account.parent"))
    child = multiprocessing.get_context("fork").Process(
        target=_save_in_forked_child, args=(adapter, adapter._local.connection))
    child.start()
    child.join(timeout=20)
    assert child.exitcode == 0
    assert adapter.get_attributes(envelope_for("amzn1.ask.account.child")) == {"step": 7}


def _read_in_forked_child(adapter) -> None:
    assert adapter.get_attributes(envelope_for("amzn1.ask.account.child")) == {}


def test_a_worker_forked_after_start_up_opens_its_own_dynamodb_connection(dynalite_endpoint, monkeypatch):
    """gunicorn builds the app once, then forks: the start-up calls' open socket was inherited by every
    worker, and two workers writing on one socket can read each other's answers (another mother's record)."""
    calls: list[tuple[str, int]] = []
    with dynamodb_gate(dynalite_endpoint, calls=calls) as gate:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", gate)
        adapter = build_persistence_adapter(fresh_table_url())
        adapter.ping()
        parent_ports = {port for _, port in calls}
        child = multiprocessing.get_context("fork").Process(target=_read_in_forked_child, args=(adapter,))
        child.start()
        child.join(timeout=20)
        child_ports = {port for operation, port in calls[-1:] if operation == "GetItem"}
    assert child.exitcode == 0
    assert child_ports and not child_ports & parent_ports, calls


# Several worker processes at once ----------------------------------------------------------------

WRITER = """
import json, pathlib, sys, time
from ask_sdk_core.serialize import DefaultSerializer
from skill.envelopes import Session
from skill.persistence import build_persistence_adapter

store_url, worker, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), pathlib.Path(sys.argv[4])
adapter = build_persistence_adapter(store_url)
serializer = DefaultSerializer()
envelopes = [
    serializer.deserialize(json.dumps(Session(user_id=f"amzn1.ask.account.w{worker}-u{n}").launch()),
                           "ask_sdk_model.RequestEnvelope")
    for n in range(count)
]
print("ready", flush=True)
deadline = time.monotonic() + 20
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
for n, envelope in enumerate(envelopes):
    adapter.save_attributes(envelope, {"worker": worker, "step": n})
"""


def write_from_processes(store_url: str, workers: int, count: int, tmp_path: Path) -> None:
    """Start every writer, wait until all are ready, then let them write at the same moment."""
    go = tmp_path / "go"
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(w), str(count), str(go)],
                                cwd=REPO, env=environment, stdout=subprocess.PIPE, text=True)
               for w in range(workers)]
    try:
        for writer in writers:
            assert writer.stdout.readline().strip() == "ready"
        go.touch()
        for writer in writers:
            assert writer.wait(timeout=30) == 0
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
            writer.stdout.close()


def assert_every_write_landed(store_url: str, workers: int, count: int) -> None:
    adapter = build_persistence_adapter(store_url)
    found = {(w, n): adapter.get_attributes(envelope_for(f"amzn1.ask.account.w{w}-u{n}"))
             for w in range(workers) for n in range(count)}
    assert found == {(w, n): {"worker": w, "step": n} for w in range(workers) for n in range(count)}


def test_four_worker_processes_writing_one_sqlite_file_at_once_lose_nothing(sqlite_store_url, tmp_path):
    write_from_processes(sqlite_store_url, workers=4, count=50, tmp_path=tmp_path)
    assert_every_write_landed(sqlite_store_url, workers=4, count=50)


def test_four_worker_processes_writing_to_dynamodb_at_once_lose_nothing(dynamodb_store_url, tmp_path):
    assert is_reachable(build_persistence_adapter(dynamodb_store_url))
    write_from_processes(dynamodb_store_url, workers=4, count=10, tmp_path=tmp_path)
    assert_every_write_landed(dynamodb_store_url, workers=4, count=10)


# Choosing the store from a URL -------------------------------------------------------------------

def test_three_slashes_make_a_sqlite_path_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    adapter = build_persistence_adapter("sqlite:///data/lump-relief.db")
    assert isinstance(adapter, SQLitePersistenceAdapter)
    assert adapter.path == str(tmp_path / "data" / "lump-relief.db")


def test_four_slashes_make_a_sqlite_path_absolute(tmp_path):
    adapter = build_persistence_adapter(f"sqlite:///{tmp_path}/skill.db")
    assert adapter.path == str(tmp_path / "skill.db")


def test_the_default_store_is_a_sqlite_file_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    adapter = build_persistence_adapter(DEFAULT_STORE_URL)
    assert adapter.path == str(tmp_path / "lump-relief.db")


def test_a_dynamodb_url_builds_the_sdk_adapter_for_that_table_without_connecting(monkeypatch):
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{closed_loopback_port()}")
    adapter = build_persistence_adapter("dynamodb://lump-relief-progress")
    assert isinstance(adapter, DynamoDbAdapter)
    assert adapter.table_name == "lump-relief-progress"
    assert adapter.create_table is True


def test_a_dynamodb_url_without_a_region_says_which_variable_to_set(monkeypatch, tmp_path):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    with pytest.raises(PersistenceException, match="AWS_REGION"):
        build_persistence_adapter("dynamodb://lump-relief-progress")


@pytest.mark.parametrize("store_url", [
    "", "lump-relief.db", "sqlite://", "sqlite:///", "sqlite://host/skill.db", "sqlite:///skill.db?mode=ro",
    "postgres://nurse:hunter2@db.example/skill", "dynamodb://", "dynamodb://ab", "dynamodb://a/b",
])
def test_an_unsupported_store_url_is_refused_naming_the_accepted_forms(store_url):
    with pytest.raises(ValueError) as raised:
        build_persistence_adapter(store_url)
    message = str(raised.value)
    assert "sqlite:///" in message and "sqlite:////" in message and "dynamodb://" in message
    assert "hunter2" not in message


def test_importing_the_persistence_package_needs_no_aws_configuration():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment.update(PYTHONPATH=str(REPO), AWS_CONFIG_FILE="/nonexistent")
    result = subprocess.run([sys.executable, "-c", "import skill.persistence"], env=environment,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


# Health ------------------------------------------------------------------------------------------

def test_a_dynamodb_endpoint_nobody_listens_on_is_unreachable_within_seconds(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{closed_loopback_port()}")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    adapter = build_persistence_adapter("dynamodb://lump-relief-progress")
    started = time.monotonic()
    assert is_reachable(adapter) is False
    assert time.monotonic() - started < 5


def test_a_dynamodb_store_whose_endpoint_is_down_raises_persistence_exception(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{closed_loopback_port()}")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    adapter = build_persistence_adapter("dynamodb://lump-relief-progress")
    with pytest.raises(PersistenceException):
        adapter.get_attributes(envelope_for("amzn1.ask.account.ada"))
