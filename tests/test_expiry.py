"""A record past its expiry is never read back, on SQLite and on DynamoDB, whether or not the purge
(SQLite) or DynamoDB's TTL (which deletes items only within about two days) has reached it yet; and the
SQLite purge works through any backlog in bounded steps."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from skill.persistence import build_persistence_adapter
from skill.persistence import sqlite as sqlite_store
from tests.conftest import Alexa
from tests.test_persistence import envelope_for

HER = "amzn1.ask.account.BACK-AFTER-100-DAYS"
HUNDRED_DAYS_AGO = int(time.time()) - 100 * 86_400
BACKLOG = 1_200


def expire(store_url: str, user_id: str, when: int) -> None:
    """Move her record's expiry to `when`, as if that many days passed, without purging anything."""
    if store_url.startswith("sqlite:///"):
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("UPDATE attributes SET expires_at = ? WHERE id = ?", (when, user_id)).rowcount == 1
        connection.close()
        return
    import boto3
    table = boto3.resource("dynamodb", region_name=os.environ["AWS_REGION"]).Table(store_url.removeprefix("dynamodb://"))
    table.update_item(Key={"id": user_id}, UpdateExpression="SET expires_at = :when",
                      ExpressionAttributeValues={":when": when})


def add_expired_backlog(database: Path, rows: int) -> None:
    """Others' records, expired before hers, more than one purge step can take."""
    with sqlite3.connect(database) as connection:
        connection.executemany("INSERT INTO attributes VALUES (?, '{\"visits\": 1}', ?)",
                               [(f"amzn1.ask.account.GONE-{n:05}", HUNDRED_DAYS_AGO - 86_400 - n)
                                for n in range(rows)])
    connection.close()


def test_a_record_past_its_expiry_is_never_read_back(store_url: str) -> None:
    store = build_persistence_adapter(store_url)
    her = envelope_for(HER)
    for _ in range(3):
        visit = store.count_visit(her)
    assert store.set_step(her, visit.record, 2)
    if store_url.startswith("sqlite:///"):
        add_expired_backlog(Path(store_url.removeprefix("sqlite:///")), BACKLOG)
    expire(store_url, HER, HUNDRED_DAYS_AGO)

    assert store.get_attributes(her) == {}
    assert store.set_step(her, visit.record, 1) is False, "an expired record takes no more writes"
    fresh = store.count_visit(her)
    assert (fresh.visits, fresh.step) == (1, None) and fresh.record != visit.record
    assert store.get_attributes(her)["visits"] == 1


def test_a_mother_back_after_a_hundred_days_starts_fresh_even_behind_a_purge_backlog(
        app_factory, store_url: str) -> None:
    alexa = Alexa(app_factory(store_url), user_id=HER)
    alexa.launch()
    alexa.intent("WalkStepsIntent")
    assert "Step 2 of 4" in alexa.intent("AMAZON.NextIntent").speech
    alexa.walk_away()
    if store_url.startswith("sqlite:///"):
        add_expired_backlog(Path(store_url.removeprefix("sqlite:///")), BACKLOG)
    expire(store_url, HER, HUNDRED_DAYS_AGO)

    alexa.restart_service()
    back = alexa.launch()
    assert "welcome back" not in back.speech.lower() and "step 2" not in back.speech.lower()
    assert alexa.stored["visits"] == 1


def test_the_purge_works_through_a_backlog_in_bounded_steps(sqlite_store_url: str, monkeypatch) -> None:
    monkeypatch.setattr(sqlite_store, "PURGE_BACKLOG_SECONDS", 0.0)
    database = Path(sqlite_store_url.removeprefix("sqlite:///"))
    build_persistence_adapter(sqlite_store_url).count_visit(envelope_for("amzn1.ask.account.STAYS"))
    add_expired_backlog(database, BACKLOG)  # e.g. the day many records made on one busy day expire
    store = build_persistence_adapter(sqlite_store_url)  # a worker started since

    def left() -> int:
        with sqlite3.connect(database) as connection:
            [(count,)] = connection.execute("SELECT count(*) FROM attributes WHERE expires_at <= ?",
                                            (int(time.time()),)).fetchall()
        connection.close()
        return count

    steps = []
    while left() and len(steps) < 10:
        started = time.perf_counter()
        store.ping()  # a health probe (or a visit) takes one step
        steps.append(time.perf_counter() - started)
    assert left() == 0 and len(steps) == -(-BACKLOG // sqlite_store.PURGE_BATCH)
    assert max(steps) < 0.5, "each step is bounded"
    assert store.get_attributes(envelope_for("amzn1.ask.account.STAYS"))["visits"] == 1
