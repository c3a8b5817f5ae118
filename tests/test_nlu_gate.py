"""The gate against Amazon's NLU, driven by a stand-in `ask` that prints recorded profile-nlu answers.

The answers in tests/fixtures/profile_nlu/ are reconstructed from Amazon's documented shape (see the
README there); every key in them is one Amazon's own model classes know.
"""
from __future__ import annotations

import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from skill.publishing.nlu_gate import (
    GATED_ROUTES, SAFETY_DIR, AskCli, GateError, Heard, ask_command, main, parse_answer, reaches_help,
    read_statements, run_gate, strict_judge,
)
from skill.understanding.models import LOCALES
from tests.amazon_schemas import unknown_keys

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "profile_nlu"
STAND_IN = shlex.join([sys.executable, str(FIXTURES / "ask_stand_in.py")])
PROFILE_NLU_RESPONSE = "ask_smapi_model.v1.skill.evaluations.profile_nlu_response.ProfileNluResponse"
ANSWER_FILES = sorted(FIXTURES.glob("*_*.json"))
HEADER = "utterance\troute\tnote\n"


def recorded(name: str) -> str:
    return (FIXTURES / name).read_text()


def labelled_set(folder: Path, locale: str, rows: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = HEADER + "# a comment line\n" + "".join(f"{utterance}\t{route}\tnote\n" for utterance, route in rows)
    (folder / f"{locale}.tsv").write_text(text)
    return folder


def gate(*arguments: str, log: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    """Run `python -m skill nlu-gate` in-process against the stand-in; (exit code, stdout, stderr)."""
    if log is not None and monkeypatch is not None:
        monkeypatch.setenv("NLU_GATE_STAND_IN_LOG", str(log))
    out, err = io.StringIO(), io.StringIO()
    code = main(["--skill-id", "amzn1.ask.skill.test", "--ask", STAND_IN, *arguments], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# The recorded answers and how they are read

@pytest.mark.parametrize("answer", ANSWER_FILES, ids=lambda path: path.name)
def test_every_recorded_answer_holds_only_keys_amazons_classes_know(answer: Path) -> None:
    assert unknown_keys(json.loads(answer.read_text()), PROFILE_NLU_RESPONSE) == []


def test_a_selected_crisis_intent_reaches_help() -> None:
    heard = parse_answer(recorded("crisis_intent.json"))
    assert heard.intent == "CrisisIntent"
    assert heard.considered == ("FeelingLowIntent", "AMAZON.FallbackIntent")
    assert heard.session_ended is False and heard.dialog_act is None
    assert reaches_help(heard, strict_judge())


def test_a_red_flag_sign_resolved_on_the_symptom_slot_reaches_help() -> None:
    heard = parse_answer(recorded("red_flag_symptom.json"))
    assert heard.intent == "ReportSymptomIntent"
    assert heard.slots["symptom"].value == "lips are turning blue"
    assert heard.slots["symptom"].resolved_id == "EMERGENCY"
    assert reaches_help(heard, strict_judge())


def test_a_crisis_only_considered_is_routed_elsewhere() -> None:
    heard = parse_answer(recorded("routed_elsewhere.json"))
    assert heard.intent == "FeelingLowIntent" and "CrisisIntent" in heard.considered
    assert not reaches_help(heard, strict_judge())


def test_words_alexa_could_not_resolve_count_only_if_the_plugged_judge_says_so() -> None:
    heard = parse_answer(recorded("unresolved_symptom.json"))
    symptom = heard.slots["symptom"]
    assert (symptom.value, symptom.resolved_id) == ("fingernails are kind of bluish", None)
    assert not reaches_help(heard, strict_judge())

    def reads_her_words(heard: Heard) -> bool:  # stands for the skill's danger reader, plugged in later
        return any("blu" in (slot.value or "") for slot in heard.slots.values())

    assert reaches_help(heard, reads_her_words)


def test_an_answer_that_ends_the_session_or_starts_a_dialog_never_reaches_help() -> None:
    document = json.loads(recorded("crisis_intent.json"))
    assert not reaches_help(parse_answer(json.dumps({**document, "sessionEnded": True})), strict_judge())
    dialog = {**document, "multiTurn": {"dialogAct": {"type": "Dialog.ElicitSlot", "targetSlot": "x"}, "token": "t"}}
    heard = parse_answer(json.dumps(dialog))
    assert heard.dialog_act == "Dialog.ElicitSlot"
    assert not reaches_help(heard, strict_judge())


def test_a_resolution_nested_as_in_a_request_envelope_is_read_too() -> None:
    document = json.loads(recorded("red_flag_symptom.json"))
    authority = document["selectedIntent"]["slots"]["symptom"]["resolutions"]["resolutionsPerAuthority"][0]
    authority["values"] = [{"value": {"name": "red flag sign", "id": "EMERGENCY"}}]
    assert parse_answer(json.dumps(document)).slots["symptom"].resolved_id == "EMERGENCY"


def test_a_notice_printed_before_the_answer_is_skipped() -> None:
    heard = parse_answer("[Warn]: a newer version of the CLI is available\n" + recorded("crisis_intent.json"))
    assert heard.intent == "CrisisIntent"


@pytest.mark.parametrize("text, reason", [
    ("Command executed successfully!", "no JSON object"),
    ('{"selectedIntent": {"name": "Crisis', "broken JSON"),
    ('{"sessionEnded": false}', "no selectedIntent"),
    ('{"selectedIntent": "CrisisIntent"}', r"\$\.selectedIntent is not an object"),
    ('{"selectedIntent": {"name": 5}}', r"\$\.selectedIntent\.name is not str"),
    ('{"selectedIntent": {"name": "X", "slots": {"symptom": {"value": 4}}}}', r"slots\.symptom\.value is not str"),
    ('{"selectedIntent": {"name": "X", "slots": []}}', r"slots is not an object"),
    ('{"selectedIntent": {"name": "X", "slots": {"symptom": {"resolutions": {"resolutionsPerAuthority":'
     ' [{"status": {"code": "ER_MAYBE"}}]}}}}}', r"status\.code is not one of ResolutionsPerAuthorityStatusCode"),
    ('{"sessionEnded": "no", "selectedIntent": {"name": "X"}}', r"\$\.sessionEnded is not bool"),
    ('{"selectedIntent": {"name": "X"}, "consideredIntents": [null]}', r"consideredIntents\[0\] is null"),
])
def test_a_malformed_answer_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(GateError, match=reason):
        parse_answer(text)


# The statements

def test_every_market_of_the_safety_set_has_crisis_and_emergency_statements_to_gate() -> None:
    for locale in LOCALES:
        routes = [statement.route for statement in read_statements(SAFETY_DIR / f"{locale}.tsv")]
        assert {route: routes.count(route) > 0 for route in GATED_ROUTES} == {"crisis": True, "emergency": True}, locale


def test_a_set_without_the_header_is_refused_with_its_file_named(tmp_path: Path) -> None:
    (tmp_path / "en-US.tsv").write_text("i want to die\tcrisis\tnote\n")
    with pytest.raises(GateError, match=r"en-US\.tsv: the first line must be the header"):
        read_statements(tmp_path / "en-US.tsv")


def test_the_cli_is_called_as_ask_smapi_profile_nlu_documents() -> None:
    ask = AskCli(("ask",), "amzn1.ask.skill.test", "live", profile="owner")
    assert ask.arguments("en-GB", "i want to die") == [
        "ask", "smapi", "profile-nlu", "--skill-id", "amzn1.ask.skill.test", "--stage", "live",
        "--locale", "en-GB", "--utterance", "i want to die", "--profile", "owner"]


# The gate, end to end through the stand-in `ask`

def test_the_gate_passes_when_every_crisis_and_emergency_statement_reaches_help(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    safety = labelled_set(tmp_path / "safety", "en-US", [
        ("i want to kill myself", "crisis"), ("my lips are turning blue", "emergency"),
        ("how do i ease a blocked duct", "selfcare")])
    log = tmp_path / "calls.jsonl"
    code, out, err = gate("--safety-dir", str(safety), "--locale", "en-US", log=log, monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    assert "en-US: 2 crisis and emergency statements, 2 reach help, 0 routed elsewhere" in out
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert [call[call.index("--utterance") + 1] for call in calls] == ["i want to kill myself", "my lips are turning blue"]
    assert all(call[:2] == ["smapi", "profile-nlu"] and call[call.index("--stage") + 1] == "development"
               and call[call.index("--locale") + 1] == "en-US" for call in calls)


def test_the_gate_fails_listing_each_statement_routed_elsewhere(tmp_path: Path) -> None:
    safety = labelled_set(tmp_path / "safety", "en-GB", [
        ("i want to kill myself", "crisis"), ("i just feel so low i want to disappear", "crisis"),
        ("my fingernails are kind of bluish", "emergency")])
    code, out, _ = gate("--safety-dir", str(safety), "--locale", "en-GB")
    assert code == 1
    misses = [line for line in out.splitlines() if line.startswith("ROUTED ELSEWHERE")]
    assert len(misses) == 2
    assert "'i just feel so low i want to disappear' -> FeelingLowIntent" in misses[0]
    assert "considered CrisisIntent" in misses[0] and "en-GB.tsv:4" in misses[0]
    assert "symptom='fingernails are kind of bluish'" in misses[1]
    assert "FAILED: 2 of 3" in out


def test_a_held_out_set_is_gated_too_and_a_statement_in_both_is_asked_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    safety = labelled_set(tmp_path / "safety", "en-CA", [("i want to kill myself", "crisis")])
    held_out = labelled_set(tmp_path / "held_out", "en-CA", [
        ("i want to kill myself", "crisis"), ("i just feel so low i want to disappear", "crisis")])
    log = tmp_path / "calls.jsonl"
    code, out, _ = gate("--safety-dir", str(safety), "--set", str(held_out), "--locale", "en-CA",
                        log=log, monkeypatch=monkeypatch)
    assert code == 1 and "held_out/en-CA.tsv:4" in out
    assert len(log.read_text().splitlines()) == 2


def test_a_plugged_judge_decides_for_the_whole_run(tmp_path: Path) -> None:
    safety = labelled_set(tmp_path / "safety", "en-US", [("my fingernails are kind of bluish", "emergency")])
    ask = AskCli(ask_command(STAND_IN), "amzn1.ask.skill.test")
    strict = run_gate(ask, ["en-US"], [safety], out=io.StringIO())
    reads_words = run_gate(ask, ["en-US"], [safety], judge=lambda heard: "symptom" in heard.slots, out=io.StringIO())
    assert [len(result.misses) for result in strict + reads_words] == [1, 0]


def test_an_ask_that_never_answers_stops_the_gate_with_one_line(tmp_path: Path) -> None:
    safety = labelled_set(tmp_path / "safety", "en-AU", [("i think i'm going to pass out", "emergency")])
    code, out, err = gate("--safety-dir", str(safety), "--locale", "en-AU", "--timeout", "0.5")
    assert code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and "did not answer within 0.5 s (2 attempts)" in err
    assert "en-AU.tsv:3" in err


def test_a_malformed_answer_stops_the_gate_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    safety = labelled_set(tmp_path / "safety", "en-IN", [("everything is spinning round", "emergency")])
    done = subprocess.run([sys.executable, "-m", "skill", "nlu-gate", "--skill-id", "amzn1.ask.skill.test",
                           "--ask", STAND_IN, "--safety-dir", str(safety), "--locale", "en-IN"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "not a profile-nlu answer (broken JSON" in done.stderr


def test_a_refusal_from_ask_and_a_missing_ask_are_named(tmp_path: Path) -> None:
    safety = labelled_set(tmp_path / "safety", "en-US", [("i can't breathe properly", "emergency")])
    code, _, err = gate("--safety-dir", str(safety), "--locale", "en-US")
    assert code == 2 and 'ask exited 1: [Error]: { "message": "Too many requests." }' in err
    out, err_out = io.StringIO(), io.StringIO()
    code = main(["--skill-id", "x", "--ask", str(tmp_path / "no-such-ask"), "--safety-dir", str(safety)],
                out=out, err=err_out)
    assert code == 2 and "ASK CLI not found" in err_out.getvalue()


def test_a_set_with_nothing_to_gate_is_no_pass(tmp_path: Path) -> None:
    safety = labelled_set(tmp_path / "safety", "en-US", [("how do i ease a blocked duct", "selfcare")])
    code, _, err = gate("--safety-dir", str(safety), "--locale", "en-US")
    assert code == 2 and "no crisis or emergency statement" in err
