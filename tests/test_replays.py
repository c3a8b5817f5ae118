"""A signed request is answered once: a copy replayed inside Amazon's 150 s window is refused, by every
worker and every process that shares the store, and her visit is counted once.

The ids are claimed in the store itself before the answer (skill/web/replays.py), released when the
answer fails, and kept only as long as a copy could still pass the timestamp check.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill.envelopes import Session
from skill.persistence import GuardedStore, SQLitePersistenceAdapter, build_persistence_adapter, guarded
from skill.verification.envelope import check_timestamp
from skill.verification.errors import VerificationError
from skill.web import replays
from tests.signing import TestPKI
from tests.test_persistence import envelope_for
from tests.test_serving import Server, blackhole  # noqa: F401  (the fixture)

HER = "amzn1.ask.account.replayed-mother"


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI()


def signed(pki: TestPKI, envelope: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(envelope).encode()
    return body, {"Content-Type": "application/json", **pki.sign_headers(body)}


def test_a_replayed_request_is_refused_and_her_visit_counted_once(app_factory, sqlite_store_url: str,
                                                                    pki: TestPKI, log_lines: list[str]) -> None:
    app = app_factory(sqlite_store_url, VERIFIER=pki.verifier())()
    body, headers = signed(pki, Session(user_id=HER).intent("RelieveLumpIntent"))
    first = app.test_client().post("/", data=body, headers=headers)
    replays = [app.test_client().post("/", data=body, headers=headers) for _ in range(4)]
    assert first.status_code == 200 and first.get_json()["response"]["outputSpeech"]
    assert [(r.status_code, r.get_json()) for r in replays] == [(400, {"error": "request already answered"})] * 4
    refused = [line for line in map(json.loads, log_lines) if line["message"] == "request refused"]
    assert [(line["check"], line["status"]) for line in refused] == [("replayed request id", 400)] * 4
    assert build_persistence_adapter(sqlite_store_url).get_attributes(envelope_for(HER))["visits"] == 1


def test_copies_of_one_request_racing_on_eight_threads_are_answered_once(app_factory, sqlite_store_url: str,
                                                                          pki: TestPKI) -> None:
    """The id is claimed before the answer, in one write: no copy slips in while the first is answered."""
    app = app_factory(sqlite_store_url, VERIFIER=pki.verifier())()
    body, headers = signed(pki, Session(user_id=HER).intent("RelieveLumpIntent"))
    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: app.test_client().post("/", data=body, headers=headers).status_code,
                                   range(8)))
    assert statuses == [200] + [400] * 7
    assert build_persistence_adapter(sqlite_store_url).get_attributes(envelope_for(HER))["visits"] == 1


def test_a_fresh_request_of_hers_is_answered_after_one_was_replayed(app_factory, sqlite_store_url: str,
                                                                     pki: TestPKI) -> None:
    app = app_factory(sqlite_store_url, VERIFIER=pki.verifier())()
    session = Session(user_id=HER)
    for _ in range(2):
        body, headers = signed(pki, session.intent("RelieveLumpIntent"))
        assert app.test_client().post("/", data=body, headers=headers).status_code == 200


class EraseRefusedOnce(SQLitePersistenceAdapter):
    """A SQLite store whose first erase fails, as a store that is briefly down does."""

    refused = False

    def delete_attributes(self, request_envelope: Any) -> None:
        if not self.refused:
            self.refused = True
            raise PersistenceException("store down")
        super().delete_attributes(request_envelope)


def test_a_request_whose_answer_failed_is_answered_when_alexa_sends_it_again(app_factory, tmp_path: Path,
                                                                              pki: TestPKI) -> None:
    """A disable event the store could not honour gets 503 and is not remembered: a retry is carried out."""
    store = GuardedStore(EraseRefusedOnce(tmp_path / "skill.db"), skip_seconds=0)  # no pause after the failure
    app = app_factory("sqlite:///unused.db", VERIFIER=pki.verifier(), PERSISTENCE=store)()
    body, headers = signed(pki, Session(user_id=HER).skill_disabled())
    statuses = [app.test_client().post("/", data=body, headers=headers).status_code for _ in range(3)]
    assert statuses == [503, 200, 400]


def test_without_signature_checks_ids_are_neither_checked_nor_kept(app_factory, sqlite_store_url: str) -> None:
    """Local testing and benchmarks send one request again and again; nothing of it is stored."""
    app = app_factory(sqlite_store_url)()
    body = json.dumps(Session(user_id=HER).intent("RelieveLumpIntent")).encode()
    assert [app.test_client().post("/", data=body, content_type="application/json").status_code
            for _ in range(3)] == [200] * 3
    assert build_persistence_adapter(sqlite_store_url).get_attributes(envelope_for(HER))["visits"] == 3


@pytest.mark.parametrize("store_url", ["sqlite", "dynamodb"], indirect=True)
def test_each_store_refuses_a_second_claim_of_one_request_and_takes_the_next(store_url: str) -> None:
    store = guarded(build_persistence_adapter(store_url))
    until = int(time.time()) + 151
    assert store.claim_request("amzn1.echo-api.request.one", until)  # the first copy is answered
    assert not store.claim_request("amzn1.echo-api.request.one", until)  # every later one, on any worker, is not
    assert store.claim_request("amzn1.echo-api.request.two", until)


def test_sqlite_forgets_an_id_once_its_timestamp_is_refused_anyway(tmp_path: Path) -> None:
    store = SQLitePersistenceAdapter(tmp_path / "skill.db")
    now = int(time.time())
    assert store.claim_request("amzn1.echo-api.request.old", now)
    assert store.claim_request("amzn1.echo-api.request.live", now + 150)
    assert store.purge_expired() == 1
    assert store.claim_request("amzn1.echo-api.request.old", now)  # forgotten: its timestamp refuses it now
    assert not store.claim_request("amzn1.echo-api.request.live", now + 150)  # still kept


@pytest.mark.parametrize("store_url", ["dynamodb"], indirect=True)
def test_dynamodb_takes_over_an_id_whose_time_passed_before_its_ttl_ran(store_url: str, monkeypatch) -> None:
    store = guarded(build_persistence_adapter(store_url))
    until = int(time.time()) + 151
    assert store.claim_request("amzn1.echo-api.request.one", until)
    monkeypatch.setattr(time, "time", lambda: until + 1)
    assert store.claim_request("amzn1.echo-api.request.one", until)


@pytest.mark.parametrize("request_type", ["IntentRequest", "AlexaSkillEvent.SkillDisabled"])
def test_an_id_is_kept_exactly_until_the_timestamp_check_refuses_its_request(request_type: str) -> None:
    """Every copy of a request carries its signed timestamp, so every copy names the same moment."""
    envelope = {"request": {"type": request_type, "requestId": "amzn1.echo-api.request.one",
                            "timestamp": "2026-12-05T16:00:00.5Z"}}
    claim = replays.claim_of(envelope)
    assert claim is not None and claim.request_id == "amzn1.echo-api.request.one"
    last_accepted = datetime.fromtimestamp(claim.until - 1, timezone.utc)
    check_timestamp(envelope, last_accepted)
    with pytest.raises(VerificationError):
        check_timestamp(envelope, last_accepted + timedelta(seconds=1))


@pytest.mark.parametrize("store_url", ["sqlite", "dynamodb"], indirect=True)
def test_each_store_releases_an_id_whose_answer_failed(store_url: str) -> None:
    store = guarded(build_persistence_adapter(store_url))
    until = int(time.time()) + 151
    assert store.claim_request("amzn1.echo-api.request.failed", until)
    store.release_request("amzn1.echo-api.request.failed", until)
    assert store.claim_request("amzn1.echo-api.request.failed", until)  # Alexa's retry is answered


def test_two_server_processes_on_one_store_refuse_each_others_replays(tmp_path: Path, blackhole: int) -> None:  # noqa: F811
    from bench.signed import write_pki

    pki = write_pki(tmp_path / "pki")
    settings = {"app": "bench.wsgi_full:create_app", "LUMP_RELIEF_BENCH_PKI": str(tmp_path / "pki"),
                "SKILL_STORE": f"sqlite:///{tmp_path}/shared.db"}
    first, second = Server(tmp_path, blackhole, **settings), Server(tmp_path, blackhole, workers=2, **settings)
    try:
        body, headers = signed(pki, Session(user_id=HER).intent("RelieveLumpIntent"))
        answered = first.request("POST", "/", body, headers)
        replayed = [server.request("POST", "/", body, headers)[:2] for server in (second, second, first, second)]
    finally:
        first.stop()
        second.stop()
    assert answered[0] == 200 and answered[1]["response"]["outputSpeech"]["ssml"]
    assert replayed == [(400, {"error": "request already answered"})] * 4
    visits = build_persistence_adapter(f"sqlite:///{tmp_path}/shared.db").get_attributes(envelope_for(HER))["visits"]
    assert visits == 1
