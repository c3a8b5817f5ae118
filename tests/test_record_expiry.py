"""The privacy page's 90 days on DynamoDB: TTL is turned on where the table is made, the service checks
it at start and says so once when it is off, and a role that may not change TTL never costs her a turn.
The table is readied at start too, so her first turn spends its store time on her record.

Real dynalite on loopback, behind a small stand-in for IAM and TTL (tests/dynamodb_gate.py)."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import boto3
import pytest

import skill
from skill.persistence import build_persistence_adapter
from skill.persistence.expiry_check import check_record_expiry
from skill.persistence.guard import PREPARE_SECONDS
from tests.conftest import Alexa
from tests.dynamodb_gate import dynamodb_gate
from tests.stores import fresh_table_url
from tests.test_serving import CountingBlackhole


def make_table(table_name: str) -> None:
    """The documented create-table step (docs/lambda.md), without the TTL that dynalite cannot hold."""
    boto3.session.Session(region_name="us-east-1").client("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])


def ttl_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno == logging.WARNING and "TTL" in record.getMessage()]


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The skill's own loggers, which configure_logging keeps from propagating."""
    logger = logging.getLogger("skill")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    yield caplog
    logger.removeHandler(caplog.handler)


def test_a_table_without_ttl_is_reported_once_at_start(app_factory, dynalite_endpoint: str,
                                                        captured: pytest.LogCaptureFixture) -> None:
    store_url = fresh_table_url()
    make_table(store_url.removeprefix("dynamodb://"))

    app_factory(store_url)()

    warnings = ttl_warnings(captured)
    assert len(warnings) == 1, warnings
    assert "DISABLED" in warnings[0] and "expires_at" in warnings[0] and "90 days" in warnings[0]


def test_a_table_with_ttl_on_starts_without_a_warning(app_factory, dynalite_endpoint: str,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      captured: pytest.LogCaptureFixture) -> None:
    store_url = fresh_table_url()
    table = store_url.removeprefix("dynamodb://")
    make_table(table)
    with dynamodb_gate(dynalite_endpoint, ttl_enabled={table}) as gate:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", gate)
        app_factory(store_url)()
        assert check_record_expiry(build_persistence_adapter(store_url)) == "ENABLED"
    assert ttl_warnings(captured) == []


def test_a_table_not_made_yet_is_reported_as_one_that_would_never_expire(
        app_factory, dynalite_endpoint: str, captured: pytest.LogCaptureFixture) -> None:
    app_factory(fresh_table_url())()

    warnings = ttl_warnings(captured)
    assert "does not exist yet" in warnings[0] and "never expire" in warnings[0]
    # The service makes the table at start; dynalite cannot hold TTL, and that is said too.
    assert len(warnings) == 2 and "did not enable TTL" in warnings[1], warnings


def test_a_role_that_may_not_read_ttl_is_reported_and_the_service_starts(
        app_factory, dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch,
        captured: pytest.LogCaptureFixture) -> None:
    store_url = fresh_table_url()
    make_table(store_url.removeprefix("dynamodb://"))
    with dynamodb_gate(dynalite_endpoint, denied={"DescribeTimeToLive"}) as gate:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", gate)
        alexa = Alexa(app_factory(store_url))
        assert alexa.launch().has("lump")

    warnings = ttl_warnings(captured)
    assert len(warnings) == 1 and "dynamodb:DescribeTimeToLive" in warnings[0]


def test_the_first_mother_is_answered_when_the_service_may_create_its_table_but_not_change_ttl(
        app_factory, dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented permissions before: CreateTable but no UpdateTimeToLive. She used to hear
    "Sorry, something went wrong" on the turn that created the table."""
    with dynamodb_gate(dynalite_endpoint, denied={"UpdateTimeToLive"}) as gate:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", gate)
        alexa = Alexa(app_factory(fresh_table_url()))
        first = alexa.launch()
        second = alexa.intent("RelieveLumpIntent")

    assert first.status == 200 and first.has("lump") and not first.has("something went wrong")
    assert not second.has("something went wrong")
    assert first.body["sessionAttributes"]["memory"]["visits"] == 1, "her visit is stored in the new table"


def test_lambda_checks_ttl_once_per_container(dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch,
                                              captured: pytest.LogCaptureFixture) -> None:
    from skill.envelopes import Session

    store_url = fresh_table_url()
    make_table(store_url.removeprefix("dynamodb://"))
    monkeypatch.setenv("SKILL_STORE", store_url)
    monkeypatch.delenv("SKILL_ID", raising=False)
    skill._lambda_entry.cache_clear()
    try:
        skill.lambda_handler(Session().launch(), None)
        skill.lambda_handler(Session().launch(), None)
    finally:
        skill._lambda_entry.cache_clear()
    warnings = ttl_warnings(captured)
    assert len(warnings) == 1 and "DISABLED" in warnings[0]


# Readying the table at start ---------------------------------------------------------------------

def test_the_service_readies_its_table_at_start_so_her_first_turn_only_touches_her_record(
        app_factory, dynalite_endpoint: str) -> None:
    """A fresh fleet's first turn used to describe (or create) the table inside her 1 s store deadline;
    on a cold container, or a loaded dynalite, that cost her the welcome back (fresh clone, 2026-12-06)."""
    store_url = fresh_table_url()
    app = app_factory(store_url)()
    calls: list[str] = []
    client = app.extensions["lump_relief"].persistence.store.dynamodb.meta.client
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))

    turn = Alexa(lambda: app).launch()

    table = boto3.session.Session(region_name="us-east-1").client("dynamodb").describe_table(
        TableName=store_url.removeprefix("dynamodb://"))["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert turn.has("lump") and calls and "DescribeTable" not in calls and "CreateTable" not in calls, calls
    # On demand, as the CloudFormation template and docs/lambda.md make it: the SDK's fixed 5 reads and
    # 5 writes a second throttled a busy evening (deploy audit, 2026-12-07).
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", table


def test_a_store_that_never_answers_at_start_costs_one_log_line_and_the_service_still_answers(
        app_factory, dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch,
        captured: pytest.LogCaptureFixture) -> None:
    silent = CountingBlackhole()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{silent.port}")
    try:
        started = time.monotonic()
        app = app_factory(fresh_table_url())()
        start_seconds = time.monotonic() - started
        turn = Alexa(lambda: app).launch()
    finally:
        silent.close()
    not_ready = [record for record in captured.records if record.getMessage().startswith("store not ready at start")]
    assert len(not_ready) == 1 and "ReadTimeoutError" in not_ready[0].cause
    assert start_seconds < PREPARE_SECONDS + 2, start_seconds
    assert turn.status == 200 and turn.has("lump")
