"""A seeded, structure-aware generator of requests an outsider (or a confused Alexa) could send.

Each request starts from a real shape (skill.envelopes: launch, every intent with its slots, session
end, screen touches, name-free asks, and every event type Alexa sends), carries a conversation record
with plausible and implausible numbers, and is then mutated: a value swapped for one of another type or
an extreme size, a key removed, a branch nested deep. The same seed gives the same requests, so a
failure can be replayed.
"""
from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

from skill.envelopes import ECHO_SHOW, SPEAKER, Session

INTENTS = (
    "RelieveLumpIntent", "WalkStepsIntent", "FoodIntent", "MassageIntent", "HygieneIntent", "SeeDoctorIntent",
    "WhyLumpsIntent", "RisksIntent", "ReassuranceIntent", "WeaningIntent", "SymptomCheckIntent",
    "ReportSymptomIntent", "ForgetMeIntent", "KeepFeedingIntent", "BabyRefusesIntent", "PainReliefIntent",
    "HeatColdIntent", "HowLongIntent", "BreastChangesIntent", "NipplePainIntent", "PumpingIntent",
    "FeelingLowIntent", "SituationIntent", "NotSureIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
    "AMAZON.CancelIntent", "AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent",
    "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent",
    "AMAZON.NoIntent", "AMAZON.PauseIntent", "NoSuchIntent",
)
SLOTS = {
    "symptom": ("EMERGENCY", "FEVER", "CHILLS", "FLU_LIKE", "REDNESS", "PUS", "NOT_IMPROVING", "BREAST_CHANGE",
                "LASTING", "AFTER_WEANING", "FIRM_FIXED", "LUMP", "NOT_A_SYMPTOM"),
    "situation": ("FEEDING", "PUMPING", "WEANING", "UNKNOWN"),
}
# Requests that are not her speaking, as Alexa sends them (Request and response JSON reference).
EVENTS: tuple[dict[str, Any], ...] = (
    {"type": "System.ExceptionEncountered",
     "error": {"type": "INVALID_RESPONSE", "message": "The response was not valid"},
     "cause": {"requestId": "amzn1.echo-api.request.earlier"}},
    {"type": "AudioPlayer.PlaybackStarted", "token": "t", "offsetInMilliseconds": 0},
    {"type": "AudioPlayer.PlaybackFailed", "token": "t", "error": {"type": "MEDIA_ERROR_UNKNOWN", "message": "x"}},
    {"type": "PlaybackController.NextCommandIssued"},
    {"type": "PlaybackController.PauseCommandIssued"},
    {"type": "Messaging.MessageReceived", "message": {"any": "thing"}},
    {"type": "Connections.Response", "name": "Buy", "status": {"code": "200", "message": "OK"}, "payload": {}},
    {"type": "Alexa.Presentation.APL.RuntimeError", "token": "t", "errors": [{"type": "LIST_ERROR", "message": "m", "listId": "l"}]},
    {"type": "Alexa.Presentation.APL.LoadIndexListData", "token": "t", "listId": "l", "startIndex": 0, "count": 5},
    {"type": "Alexa.Presentation.APL.UserEvent", "arguments": ["not-a-button"], "token": "t"},
    {"type": "SessionResumedRequest", "cause": {"type": "ConnectionCompleted", "status": {"code": "200"}}},
    {"type": "AlexaSkillEvent.SkillEnabled"},
    {"type": "AlexaSkillEvent.SkillDisabled"},
    {"type": "Dialog.API.Invoked", "apiRequest": {"name": "x", "arguments": {}}},
    {"type": "Reminders.ReminderStarted", "body": {}},
    {"type": "Display.ElementSelected", "token": "t"},
    {"type": "GameEngine.InputHandlerEvent", "events": []},
    {"type": "CustomInterfaceController.Expired", "token": "t"},
    {"type": "Totally.Unknown.Request"},
)
ODD_NUMBERS = (0, -1, 1, 7, 9, 10**6, 2**31, 2**63 - 1, 2**63, 2**64 + 1, 10**30, -(10**30), 1.5, -0.0, 1e308, -1e308)


def odd_value(rng: random.Random) -> Any:
    """A value of a random type and size: what a mutation puts where something else was expected."""
    choice = rng.randrange(12)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice((True, False))
    if choice == 2:
        return rng.choice(ODD_NUMBERS)
    if choice == 3:
        return rng.choice(("", " ", "0", "-1", "1e999", "NaN", "null", "ünïcødé ✓", "\u202e", "a\x00b", "<speak>"))
    if choice == 4:
        return "x" * rng.choice((100, 1000, 20_000))
    if choice == 5:
        return []
    if choice == 6:
        return {}
    if choice == 7:
        return [rng.choice(ODD_NUMBERS) for _ in range(rng.randrange(1, 4))]
    if choice == 8:
        return {"type": rng.choice(("IntentRequest", "x")), "name": rng.choice(INTENTS)}
    if choice == 9:
        return nested(rng.choice((5, 30, 63, 70, 500)))
    if choice == 10:
        return rng.choice(INTENTS)
    return {"value": rng.choice(SLOTS["symptom"]), "id": None}


def nested(levels: int) -> Any:
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


def conversation_record(rng: random.Random) -> dict[str, Any]:
    """A session record as the skill writes it, with numbers and names that may be far out of range."""
    record: dict[str, Any] = {
        "step": rng.choice((None, 0, 1, 2, 3, 5, 8, *ODD_NUMBERS)),
        "topic": rng.choice((None, "food", "massage", "nonsense", 3)),
        "question": rng.choice((None, "walk", "return", "resume", "check", "forget", "situation", "offer_check",
                                "nope", 1)),
        "check_position": rng.choice((0, 1, 2, 3, 4, *ODD_NUMBERS)),
        "situation": rng.choice((None, "feeding", "pumping", "weaning", "other", 5)),
        "last_reply": rng.choice((None, {}, {"speech": "hello"}, {"key": "x"}, [], "text")),
    }
    for key in rng.sample(sorted(record), rng.randrange(0, 3)):
        if rng.random() < 0.5:
            del record[key]
        else:
            record[key] = odd_value(rng)
    return record


def base_envelope(rng: random.Random) -> dict[str, Any]:
    """One real request shape, from a fresh or an ongoing session, on a speaker or a screen."""
    session = Session(device=rng.choice((SPEAKER, ECHO_SHOW)), locale=rng.choice(("en-US", "en-GB", "en-IN", "de-DE")))
    session.new = rng.random() < 0.3
    if rng.random() < 0.8:
        session.attributes = {"conversation": conversation_record(rng)}
    if rng.random() < 0.1:
        session.attributes[rng.choice(("memory", "other", "conversation"))] = odd_value(rng)
    kind = rng.randrange(10)
    if kind == 0:
        return session.launch()
    if kind <= 5:
        name = rng.choice(INTENTS)
        slots = {slot: rng.choice(values) for slot, values in SLOTS.items() if rng.random() < 0.5}
        if rng.random() < 0.2:
            slots = {slot: {"value": "something else", "id": None} for slot in SLOTS}
        return session.intent(name, slots)
    if kind == 6:
        return session.session_ended(rng.choice(("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS", "odd")))
    if kind == 7:
        return session.user_event(rng.choice((["next"], ["back"], [], [None], [3], ["next", "back"], [{"a": 1}])))
    if kind == 8:
        return session.can_fulfill(rng.choice(INTENTS), {"symptom": rng.choice(SLOTS["symptom"])})
    return session.envelope(copy.deepcopy(rng.choice(EVENTS)))


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside the envelope, so a mutation can land anywhere."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield prefix + (key,)
            yield from paths(child, prefix + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield prefix + (index,)
            yield from paths(child, prefix + (index,))


def mutate(envelope: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Swap, delete or wrap one to three values anywhere in the envelope."""
    for _ in range(rng.randrange(1, 4)):
        candidates = list(paths(envelope))
        if not candidates:
            break
        path = rng.choice(candidates)
        parent: Any = envelope
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = rng.random()
        if action < 0.6:
            parent[last] = odd_value(rng)
        elif action < 0.8 and isinstance(parent, dict):
            del parent[last]
        else:
            parent[last] = [parent[last]] if rng.random() < 0.5 else {"wrapped": parent[last]}
    return envelope


def fuzz_bodies(count: int, seed: int) -> Iterator[bytes]:
    """`count` request bodies: about a third real shapes with odd records, the rest mutated."""
    rng = random.Random(seed)
    for _ in range(count):
        envelope = base_envelope(rng)
        if rng.random() < 0.65:
            envelope = mutate(envelope, rng)
        yield json.dumps(envelope).encode()
