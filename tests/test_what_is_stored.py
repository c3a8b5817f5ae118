"""What is kept between her visits: her step mid-walk and her visit count, nothing about her health.

Also the record changes each store makes in place (skill/persistence/changes.py), on SQLite and dynalite.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from skill.persistence import SQLitePersistenceAdapter, build_persistence_adapter
from tests.conftest import Alexa
from tests.test_persistence import envelope_for

ADA = "amzn1.ask.account.ada"


def test_between_visits_only_her_step_her_visit_count_and_a_record_id_are_stored(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store
    alexa.launch()
    alexa.say("take me through the steps")
    alexa.say("next")
    alexa.say("what should I eat")
    alexa.say("I have a fever")
    alexa.walk_away()
    kept = alexa.stored
    assert set(kept) == {"visits", "step", "record"}
    assert kept["visits"] == 1 and kept["step"] == 1
    assert len(kept["record"]) == 16 and int(kept["record"], 16) >= 0  # random hex, nothing about her


def test_a_reminder_leaves_no_token_time_or_reason_in_the_store_or_the_session(app_factory, store_url: str) -> None:
    from tests.alexa_api_stand_in import AlexaApiStandIn
    from tests.test_reminders import ask, permission_answer

    with AlexaApiStandIn() as amazon:
        alexa = Alexa(app_factory(store_url, ALEXA_API_ENDPOINT=amazon.url))
        alexa.launch()
        asked = ask(alexa, "RemindMeIntent", granted=False, duration="PT6H")
        turns = [asked, permission_answer(alexa, "ACCEPTED", token=asked.directives[0]["token"]),
                 ask(alexa, "ListRemindersIntent"), ask(alexa, "RemindMeIntent", duration="PT12H"),
                 ask(alexa, "CancelReminderIntent")]
        assert len(amazon.sent("POST")) == 2 and amazon.reminders == {}
        alexa.walk_away()
    assert set(alexa.stored) == {"visits", "step", "record"}
    for turn in turns:
        carried = json.dumps(turn.body.get("sessionAttributes") or {}).lower()
        assert not any(word in carried for word in ("alert", "remind:", "21600", "43200", "pt6h", "pt12h"))
        assert set(turn.body["sessionAttributes"]) <= {"conversation", "memory"}


def test_the_session_carries_only_what_the_store_holds(alexa: Alexa) -> None:
    alexa.launch()
    turn = alexa.say("take me through the steps")
    assert set(turn.body["sessionAttributes"]["memory"]) == {"visits", "step", "record"}


def test_a_visit_drops_the_topic_and_date_an_older_version_stored(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store
    adapter = alexa.app.extensions["lump_relief"].persistence
    envelope = envelope_for(alexa.user_id)
    adapter.save_attributes(envelope, {"visits": 3, "step": 2, "topic": "food", "last_visit": "2024-05-01"})
    assert alexa.launch().has("welcome back", "step 3 of 4")
    assert set(alexa.stored) == {"visits", "step", "record"}
    assert (alexa.stored["visits"], alexa.stored["step"]) == (4, 2)


def test_when_the_store_fails_she_is_still_answered(alexa: Alexa) -> None:
    alexa.launch()
    store = Path(alexa.app.extensions["lump_relief"].persistence.store.path)  # the SQLite adapter behind the guard
    shutil.rmtree(store.parent)
    alexa.walk_away()
    assert alexa.launch().status == 200
    assert alexa.say("take me through the steps").has("step 1 of 4")


# The record changes, on each store ---------------------------------------------------------------

def test_each_visit_adds_one_to_her_count(store_url: str) -> None:
    adapter = build_persistence_adapter(store_url)
    first = adapter.count_visit(envelope_for(ADA))
    second = adapter.count_visit(envelope_for(ADA))
    assert (first.visits, second.visits) == (1, 2)
    assert first.record == second.record and first.step is None


def test_visits_counted_at_once_from_many_threads_are_all_kept(store_url: str) -> None:
    adapter = build_persistence_adapter(store_url)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: adapter.count_visit(envelope_for(ADA)), range(40)))
    assert adapter.get_attributes(envelope_for(ADA))["visits"] == 40


def test_her_step_is_set_in_place_and_only_the_step_changes(store_url: str) -> None:
    adapter = build_persistence_adapter(store_url)
    visit = adapter.count_visit(envelope_for(ADA))
    assert adapter.set_step(envelope_for(ADA), visit.record, 2) is True
    assert adapter.get_attributes(envelope_for(ADA)) == {"visits": 1, "step": 2, "record": visit.record}
    assert adapter.count_visit(envelope_for(ADA)).step == 2


def test_after_an_erase_a_session_that_began_before_it_cannot_write(store_url: str) -> None:
    adapter = build_persistence_adapter(store_url)
    before = adapter.count_visit(envelope_for(ADA))
    adapter.delete_attributes(envelope_for(ADA))
    assert adapter.set_step(envelope_for(ADA), before.record, 1) is False
    assert adapter.get_attributes(envelope_for(ADA)) == {}

    after = adapter.count_visit(envelope_for(ADA))  # a later visit makes a new record
    assert after.record != before.record and after.visits == 1
    assert adapter.set_step(envelope_for(ADA), before.record, 1) is False
    assert adapter.get_attributes(envelope_for(ADA))["step"] is None


@pytest.mark.parametrize("stored", [{"visits": "many", "step": "two"}, {"visits": True}, {"step": 1},
                                    {"visits": 2.5, "record": 7}])
def test_a_malformed_record_counts_as_a_first_visit(store_url: str, stored: dict) -> None:
    adapter = build_persistence_adapter(store_url)
    adapter.save_attributes(envelope_for(ADA), stored)
    visit = adapter.count_visit(envelope_for(ADA))
    assert visit.visits == 1 and visit.record
    assert adapter.set_step(envelope_for(ADA), visit.record, 0) is True


# SQLite recovers without a restart ---------------------------------------------------------------

def test_a_deleted_store_directory_fails_writes_then_recovers_when_it_is_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    adapter = SQLitePersistenceAdapter(data / "skill.db")
    with ThreadPoolExecutor(max_workers=1) as other_thread:
        other_thread.submit(adapter.count_visit, envelope_for(ADA)).result()
        adapter.count_visit(envelope_for(ADA))
        shutil.rmtree(data)
        with pytest.raises(Exception, match="SQLite store"):
            adapter.count_visit(envelope_for(ADA))
        with pytest.raises(Exception, match="SQLite store"):
            other_thread.submit(adapter.count_visit, envelope_for(ADA)).result()
        data.mkdir()
        assert adapter.count_visit(envelope_for(ADA)).visits == 1  # the new file, not the deleted one
        assert other_thread.submit(adapter.count_visit, envelope_for(ADA)).result().visits == 2


def test_a_replaced_store_file_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "skill.db"
    adapter = SQLitePersistenceAdapter(path)
    adapter.count_visit(envelope_for(ADA))
    backup = tmp_path / "restored.db"
    with sqlite3.connect(backup) as restored:
        restored.execute("CREATE TABLE attributes (id TEXT PRIMARY KEY, attributes TEXT NOT NULL)")
        restored.execute("""INSERT INTO attributes VALUES (?, '{"visits": 9, "step": 1, "record": "abc"}')""", (ADA,))
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):  # as a restore from backup does
        leftover.unlink(missing_ok=True)
    backup.replace(path)
    assert adapter.count_visit(envelope_for(ADA)).visits == 10


def test_health_writes_within_a_tenth_of_a_second_or_says_unreachable(tmp_path: Path) -> None:
    from skill.persistence import is_reachable

    path = tmp_path / "skill.db"
    adapter = SQLitePersistenceAdapter(path)
    assert is_reachable(adapter)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert not is_reachable(adapter)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert is_reachable(adapter)
    with sqlite3.connect(path) as connection:  # the probe row lives in her records' table, and is no one's
        [(probe_id,)] = connection.execute("SELECT id FROM attributes").fetchall()
    assert not probe_id.startswith("amzn1.")
