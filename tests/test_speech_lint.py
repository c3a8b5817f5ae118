"""Lint every response the skill can produce, in every market, found by exploring the conversation.

Breadth-first from a new session, each state is sent every intent of the market's model (the
symptom report once per SymptomType id, resolved, and once without; likewise her situation), a LaunchRequest and both screen touches, with
the session attributes Alexa would carry. What comes back must be SSML Alexa accepts, with only
its supported tags, and short enough to hear in one go.

A state is the `conversation` session attribute minus what does not change what she hears next:
`last_reply` (only "repeat" reads it), `topic` (only remembered for her next visit) and
`check_position` unless a check question is pending (it is reset when a check starts), and the
flags that only shorten what comes next (`hint_taught`, `warned`, `situation_asked`, and
`reminder_offered` and `kept_private`, which leave the reminder offer out). Keyed on
the raw record, the same few dozen states multiply to several hundred. A new session's state is
what the store remembers about her: whether she has been before, and the step she stopped at.
"""
from __future__ import annotations

import functools
import json
import multiprocessing
import os
import re
import statistics
import tempfile
import tomllib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask

from skill.app import create_app
from skill.content import load_library
from skill.content.loader import CARE_LINES_FILE, CONTENT_DIR
from skill.content.schema import SPOKEN_FIELDS, SPOKEN_WORD_LIMIT
from skill.conversation.state import Question
from skill.envelopes import ECHO_SHOW, Session
from skill.handlers.screen import BUTTONS
from skill.conversation.render import RESPONSE_WORD_LIMIT, heard_words
from skill.verification import RequestVerifier
from skill.web.alexa_turn import CODEC

MODEL_DIR = Path(__file__).resolve().parent.parent / "interaction_model"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
STATE_BOUND = 3000
USER_ID = "amzn1.ask.account.speech-lint"
SERIALIZER = DefaultSerializer()
AMAZON_NAMESPACE = "urn:lint:amazon-ssml"  # Alexa takes amazon:... tags without declaring the prefix

# "Supported SSML tags", Alexa Skills Kit SSML reference
# (developer.amazon.com/docs/custom-skills/speech-synthesis-markup-language-ssml-reference.html).
ALEXA_SSML_TAGS = frozenset({
    "speak", "break", "say-as", "emphasis", "prosody", "p", "s", "sub", "phoneme", "lang", "audio",
    "voice", "w", "amazon:domain", "amazon:effect", "amazon:emotion",
})
SAY_AS_KINDS = frozenset({
    "characters", "spell-out", "cardinal", "number", "ordinal", "digits", "fraction", "unit", "date",
    "time", "telephone", "address", "interjection", "expletive",
})
BREAK_TIME = re.compile(r"^(\d+(\.\d+)?)(ms|s)$")
MAX_BREAK_SECONDS = 10


@dataclass
class Heard:
    """One response, and the first place in the exploration it was heard."""

    where: str
    ssml: str | None
    reprompt: str | None
    ended: bool | None
    asks_alexa: bool = False  # a Connections.SendRequest: Alexa itself speaks the permission prompt
    then: str = ""  # the state she is in after it


@dataclass
class Exploration:
    locale: str
    states: list[str] = field(default_factory=list)
    responses: list[Heard] = field(default_factory=list)
    session_ends: list[Heard] = field(default_factory=list)
    bound_hit: bool = False

    def distinct(self, part: str) -> dict[str, str]:
        """Each distinct SSML (speech or reprompt) -> where it was first heard."""
        found: dict[str, str] = {}
        for heard in self.responses:
            ssml = getattr(heard, part)
            if ssml is not None:
                found.setdefault(ssml, heard.where)
        return found


@dataclass(frozen=True)
class Action:
    label: str
    kind: str  # "intent", "launch", "touch" or "permission" (Alexa's answer to the reminders AskFor)
    name: str = ""
    slots: dict[str, Any] | None = None

    def envelope(self, session: Session) -> dict[str, Any]:
        if self.kind == "launch":
            return session.launch()
        if self.kind == "touch":
            return session.user_event([self.name])
        if self.kind == "permission":
            return session.envelope({"type": "Connections.Response", "name": "AskFor",
                                     "status": {"code": "200", "message": "OK"}, "token": "remind:43200",
                                     "payload": {"permissionScope": REMINDERS_SCOPE, "status": self.name}})
        return session.intent(self.name, self.slots)


# Values Alexa sends for the built-in slot types the model uses (within bounds, out of bounds, unreadable).
BUILT_IN_VALUES = {
    "AMAZON.DURATION": ("PT12H", "PT1H30M", "P3D", "PT10M", "?"),
    "AMAZON.TIME": ("07:00", "MO", "NI", "?"),
}
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
PERMISSION_ANSWERS = ("ACCEPTED", "DENIED", "NOT_ANSWERED")


def actions_for(locale: str) -> list[Action]:
    model = json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    types = {kind["name"]: kind["values"] for kind in model.get("types", [])}
    actions = [Action("LaunchRequest", "launch"), *(Action(f"touch {button}", "touch", button) for button in BUTTONS),
               *(Action(f"permission {answer}", "permission", answer) for answer in PERMISSION_ANSWERS)]
    for intent in model["intents"]:
        slots = intent.get("slots", [])
        if not slots:
            actions.append(Action(intent["name"], "intent", intent["name"]))
            continue
        actions.append(Action(f"{intent['name']}(no slot)", "intent", intent["name"]))  # she didn't say
        if slots[0]["type"] in BUILT_IN_VALUES:
            for slot in slots:
                for said in BUILT_IN_VALUES[slot["type"]]:
                    actions.append(Action(f"{intent['name']}({slot['name']}={said})", "intent", intent["name"],
                                          {slot["name"]: {"value": said, "id": None}}))
            continue
        slot = slots[0]
        for value in types[slot["type"]]:
            resolved = {slot["name"]: {"value": value["name"]["value"], "id": value["id"]}}
            actions.append(Action(f"{intent['name']}({value['id']})", "intent", intent["name"], resolved))
    return actions


def in_session_state(attributes: dict[str, Any]) -> str:
    record = dict(attributes.get("conversation") or {})
    record.pop("last_reply", None)
    record.pop("topic", None)
    # Only shorten what she hears next (the budget of the longer form is reached from the start
    # state), so they would multiply states without new words.
    # "emergency_told" only ends the session on a second emergency answer, in the same words; "noted" only
    # gives a care route's answer in place of the check's next question, words reached without it.
    # "kept_private" leaves the reminder offer out too, and turns "remind me" into one short sentence
    # (its words are held by the content budget below and tests/test_reminders.py).
    for flag in ("hint_taught", "warned", "situation_asked", "reminder_offered", "emergency_told", "noted",
                 "kept_private"):
        record.pop(flag, None)
    if not record.pop("check_waits", False) and record.get("question") != Question.CHECK.value:  # the one waiting is re-asked
        record.pop("check_position", None)
    return json.dumps(record, sort_keys=True)


def new_session_state(stored: dict[str, Any]) -> str:
    return json.dumps({"new session": True, "been before": bool(stored.get("visits")),
                       "stopped at step": stored.get("step")}, sort_keys=True)


class Explorer:
    """One app on one SQLite file; her store is set to each new-session state before it is tried."""

    def __init__(self, app: Flask, locale: str):
        self.app, self.locale = app, locale
        self.skill = app.extensions["lump_relief"].skill
        self.actions = actions_for(locale)
        self.store = app.extensions["lump_relief"].persistence
        self.her = SERIALIZER.deserialize(json.dumps(Session(user_id=USER_ID, locale=locale).launch()),
                                          RequestEnvelope)

    def post(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """The skill's answer as the endpoint would send it, without the HTTP round trip.

        The endpoint's own path (HTTP, verification) is tested elsewhere; skipping it here halves the
        exploration's time. The envelope still goes through the endpoint's codec both ways.
        """
        return CODEC.response_dict(self.skill.invoke(CODEC.request_envelope(envelope), None))

    def session(self, attributes: dict[str, Any]) -> Session:
        return Session(user_id=USER_ID, locale=self.locale, device=ECHO_SHOW,
                       attributes=dict(attributes), new=not attributes)

    def remember(self, stored: dict[str, Any]) -> None:
        self.store.delete_attributes(self.her)
        if stored:
            self.store.save_attributes(self.her, stored)

    def explore(self) -> Exploration:
        found = Exploration(self.locale)
        start = new_session_state({})
        queue: deque[tuple[str, dict[str, Any], dict[str, Any]]] = deque([(start, {}, {})])
        seen = {start}
        while queue:
            state, attributes, stored = queue.popleft()
            found.states.append(state)
            for action in self.actions:
                if not attributes:
                    self.remember(stored)
                body = self.post(action.envelope(self.session(attributes)))
                response = body.get("response", {})
                heard = Heard(
                    where=f"{self.locale} {state} + {action.label}",
                    ssml=response.get("outputSpeech", {}).get("ssml"),
                    reprompt=response.get("reprompt", {}).get("outputSpeech", {}).get("ssml"),
                    ended=response.get("shouldEndSession"),
                    asks_alexa=any(directive.get("type") == "Connections.SendRequest"
                                   for directive in response.get("directives", [])),
                )
                after = body.get("sessionAttributes") or {}
                if response.get("shouldEndSession"):
                    remembered = after.get("memory") or {}
                    successor = (new_session_state(remembered), {}, remembered)
                else:
                    successor = (in_session_state(after), after, {})
                heard.then = successor[0]
                found.responses.append(heard)
                if successor[0] not in seen:
                    if len(seen) >= STATE_BOUND:
                        found.bound_hit = True
                        continue
                    seen.add(successor[0])
                    queue.append(successor)
            if attributes:
                body = self.post(self.session(attributes).session_ended("USER_INITIATED"))
                response = body.get("response", {})
                found.session_ends.append(Heard(f"{self.locale} {state} + SessionEndedRequest",
                                                response.get("outputSpeech", {}).get("ssml"),
                                                response.get("reprompt", {}).get("outputSpeech", {}).get("ssml"),
                                                response.get("shouldEndSession")))
        return found


def explore_market(locale: str, directory: Path) -> Exploration:
    """One market's whole exploration, on its own app and SQLite file (run in a worker process)."""
    app = create_app({"SKILL_STORE": f"sqlite:///{directory / 'skill.db'}",
                      "VERIFIER": RequestVerifier(check_signature=False), "TESTING": True, "LOG_LEVEL": "ERROR"})
    return Explorer(app, locale).explore()


class EarlyExplorations:
    """The markets' explorations begun as soon as this file is collected, in one worker process: the rest of
    the suite runs one test at a time and leaves a core idle, so by the time these tests run their answer
    is ready (tests/conftest.py starts and stops it). Run alone, the fixture below explores on every core."""

    pool: ProcessPoolExecutor | None = None
    futures: dict[str, Future[Exploration]] = {}
    directory: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def start(cls) -> None:
        cls.directory = tempfile.TemporaryDirectory(prefix="speech-lint-")
        cls.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        cls.futures = {}
        for locale in LOCALES:
            (where := Path(cls.directory.name) / locale).mkdir()
            cls.futures[locale] = cls.pool.submit(explore_market, locale, where)

    @classmethod
    def stop(cls) -> None:
        if cls.pool is not None:
            cls.pool.shutdown(wait=True, cancel_futures=True)
        if cls.directory is not None:
            cls.directory.cleanup()
        cls.pool, cls.futures, cls.directory = None, {}, None


@pytest.fixture(scope="module")
def explorations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Exploration]:
    """Every market explored: tens of thousands of turns per market."""
    if EarlyExplorations.futures:
        return {locale: future.result() for locale, future in EarlyExplorations.futures.items()}
    with ProcessPoolExecutor(max_workers=min(len(LOCALES), os.cpu_count() or 1),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {locale: pool.submit(explore_market, locale, tmp_path_factory.mktemp(f"lint-{locale}"))
                   for locale in LOCALES}
        return {locale: future.result() for locale, future in futures.items()}


@pytest.fixture(params=LOCALES)
def explored(request: pytest.FixtureRequest, explorations: dict[str, Exploration]) -> Exploration:
    return explorations[request.param]


# --- SSML helpers ----------------------------------------------------------------------------------

def parse(ssml: str) -> ElementTree.Element:
    """Parse as Alexa would; the amazon: prefix is bound so its tags parse and can be checked."""
    if "amazon:" in ssml:
        ssml = ssml.replace("<speak", f'<speak xmlns:amazon="{AMAZON_NAMESPACE}"', 1)
    return ElementTree.fromstring(ssml)


@functools.lru_cache(maxsize=None)
def said(ssml: str | None) -> str:
    """The words of an SSML, markup left out; each distinct SSML is parsed once for all the tests."""
    return "".join(parse(ssml).itertext()) if ssml else ""


def tag_name(element: ElementTree.Element) -> str:
    return element.tag.replace(f"{{{AMAZON_NAMESPACE}}}", "amazon:")


def spoken_parts(root: ElementTree.Element) -> list[str]:
    """The text between pauses: each part is one piece of content or one prompt."""
    parts = [""]

    def visit(node: ElementTree.Element) -> None:
        if tag_name(node) == "break":
            parts.append("")
            return
        parts[-1] += node.text or ""
        for child in node:
            visit(child)
            parts[-1] += child.tail or ""

    visit(root)
    return [part for part in parts if part.strip()]


def ssml_problems(ssml: str) -> Iterator[str]:
    try:
        root = parse(ssml)
    except ElementTree.ParseError as error:
        yield f"not well-formed ({error})"
        return
    if tag_name(root) != "speak":
        yield f"root is <{tag_name(root)}>, not <speak>"
    for element in root.iter():
        name = tag_name(element)
        if name not in ALEXA_SSML_TAGS:
            yield f"<{name}> is not an Alexa SSML tag"
        if name == "break":
            time = BREAK_TIME.match(element.get("time", "0ms"))
            seconds = float(time.group(1)) / (1000 if time.group(3) == "ms" else 1) if time else None
            if seconds is None or seconds > MAX_BREAK_SECONDS:
                yield f'<break time="{element.get("time")}"> is not a pause Alexa takes (at most 10s)'
        if name == "say-as" and element.get("interpret-as") not in SAY_AS_KINDS:
            yield f'<say-as interpret-as="{element.get("interpret-as")}"> is not an Alexa kind'
    text = "".join(root.itertext())
    if re.search(r"[&<>]", text):
        yield "spoken text contains &, < or >"
    if not text.strip():
        yield "says nothing"


@pytest.mark.parametrize("ssml, problem", [
    ("<speak>Rest & drink.</speak>", "not well-formed"),
    ("<speak>Rest <b>now</b>.</speak>", "<b> is not an Alexa SSML tag"),
    ('<speak>Rest.<break time="20s"/>Drink.</speak>', "is not a pause Alexa takes"),
    ('<speak>Call <say-as interpret-as="shout">911</say-as>.</speak>', "is not an Alexa kind"),
    ("<speak>Rest &lt;now&gt;.</speak>", "contains &, < or >"),
    ("<p>Rest.</p>", "not <speak>"),
    ("<speak> </speak>", "says nothing"),
])
def test_the_lint_catches_what_alexa_would_reject(ssml: str, problem: str) -> None:
    assert any(problem in found for found in ssml_problems(ssml))


def test_the_lint_accepts_alexas_own_tags() -> None:
    ssml = ('<speak><amazon:emotion name="excited" intensity="low">Well done.</amazon:emotion>'
            '<break time="300ms"/>Call <say-as interpret-as="digits">999</say-as>.</speak>')
    assert list(ssml_problems(ssml)) == []
    assert [heard_words(part) for part in spoken_parts(parse(ssml))] == [2, 4]  # "call nine nine nine"


@pytest.mark.parametrize("text, heard", [
    ("Call 911 now.", 5),                      # call nine one one now
    ("Call Samaritans on 116 123.", 9),        # each digit of a phone number is a word
    ("on 1-833-852-6262", 12),
    ("Step 1 of 4.", 4),
    ("triple zero", 2),
    ("call 911 .", 4),                         # a full stop left after a marked-up number is not a word
])
def test_words_are_counted_as_alexa_speaks_them(text: str, heard: int) -> None:
    assert heard_words(text) == heard


# --- the exploration itself --------------------------------------------------------------------------

def test_the_exploration_reaches_every_state_within_the_bound(explored: Exploration) -> None:
    assert not explored.bound_hit, f"{explored.locale}: more than {STATE_BOUND} states; raise the bound or fix the key"
    assert len(explored.states) == len(set(explored.states))
    in_session = [json.loads(state) for state in explored.states if "new session" not in state]
    assert {record.get("question") for record in in_session} == {None, *(q.value for q in Question)}
    assert {record.get("step") for record in in_session} == {None, 0, 1, 2, 3}
    assert {record.get("check_position") for record in in_session if record.get("question") == "check"} == {0, 1, 2}
    assert any('"been before": true' in state and '"stopped at step": 1' in state for state in explored.states)


# --- every response ----------------------------------------------------------------------------------

def test_every_response_is_ssml_alexa_accepts(explored: Exploration) -> None:
    problems = [f"{where}: {problem}: {ssml}"
                for part in ("ssml", "reprompt")
                for ssml, where in explored.distinct(part).items()
                for problem in ssml_problems(ssml)]
    assert not problems, "\n".join(problems[:10])


def test_no_turn_in_any_state_is_the_apology_for_a_failed_handler(explored: Exploration) -> None:
    """A reply over the word budget is refused at render, and she hears "Sorry, something went wrong"
    instead of her answer: no state the exploration reaches may end that way."""
    apology = load_library().for_locale(explored.locale).text("system.error.speech")
    failed = [where for ssml, where in explored.distinct("ssml").items() if apology in ssml]
    assert not failed, "\n".join(failed[:10])


def test_every_answer_part_and_every_whole_response_fits_the_word_budget(explored: Exploration) -> None:
    over = []
    for part in ("ssml", "reprompt"):
        for ssml, where in explored.distinct(part).items():
            pieces = spoken_parts(parse(ssml))
            longest = max((heard_words(piece) for piece in pieces), default=0)
            total = sum(heard_words(piece) for piece in pieces)
            if longest > SPOKEN_WORD_LIMIT:
                over.append(f"{where}: a {part} part of {longest} words (limit {SPOKEN_WORD_LIMIT})")
            if total > RESPONSE_WORD_LIMIT:
                over.append(f"{where}: {part} of {total} words (limit {RESPONSE_WORD_LIMIT})")
    assert not over, "\n".join(over[:10])


# Issue 28: short enough to take in at once. Half of all answers at most 30 heard words (about 12
# seconds at Alexa's pace), the warning and the action first; the rest is on the card and screen.
ANSWER_MEDIAN_LIMIT = 30
WELCOME_LIMIT = 25


def test_half_the_answers_in_each_market_are_30_heard_words_or_fewer(explored: Exploration) -> None:
    words = [sum(heard_words(piece) for piece in spoken_parts(parse(ssml))) for ssml in explored.distinct("ssml")]
    assert statistics.median(words) <= ANSWER_MEDIAN_LIMIT, f"{explored.locale}: median {statistics.median(words)}"


def test_the_welcome_is_25_heard_words_or_fewer(explored: Exploration) -> None:
    first_visit = f"{explored.locale} {new_session_state({})} + LaunchRequest"
    welcomes = {heard.ssml for heard in explored.responses if heard.where == first_visit and heard.ssml}
    assert welcomes, f"{explored.locale}: no first-visit welcome explored"
    for ssml in welcomes:
        words = sum(heard_words(piece) for piece in spoken_parts(parse(ssml)))
        assert words <= WELCOME_LIMIT, f"{explored.locale}: a welcome of {words} heard words"


def test_an_open_session_always_says_something_and_has_a_reprompt(explored: Exploration) -> None:
    silent = [heard.where for heard in explored.responses if heard.ended is False and not heard.asks_alexa
              and not (said(heard.ssml).strip() and said(heard.reprompt).strip())]
    assert not silent, f"open sessions with no speech or no reprompt: {silent[:10]}"


def test_every_turn_answers_and_says_whether_the_session_stays_open(explored: Exploration) -> None:
    undecided = [heard.where for heard in explored.responses if not heard.asks_alexa
                 and (heard.ended is None or heard.ssml is None)]
    asking = [heard for heard in explored.responses if heard.asks_alexa]
    assert asking and all(heard.ssml is None and heard.ended is None for heard in asking), \
        "the reminders AskFor goes alone: Alexa speaks the permission prompt and keeps the session"
    assert not undecided, f"turns with no speech or no shouldEndSession: {undecided[:10]}"


def test_a_turn_that_ends_with_a_question_hears_her_yes_and_her_no(explored: Exploration) -> None:
    """"Anything else?", "What's your question?": a yes or a no is an answer, never "I didn't ask"."""
    nothing_asked = load_library().for_locale(explored.locale).text("system.no_question.speech")[:20]
    answers = {heard.where: said(heard.ssml) for heard in explored.responses
               if heard.where.endswith(("+ AMAZON.YesIntent", "+ AMAZON.NoIntent"))}
    asking = [heard for heard in explored.responses if heard.ended is False and heard.ssml
              and said(heard.ssml).strip().endswith("?")]
    assert asking
    unheard = [f"{heard.where} -> {answer}" for heard in asking for answer in ("AMAZON.YesIntent", "AMAZON.NoIntent")
               if nothing_asked in answers.get(f"{explored.locale} {heard.then} + {answer}", "")]
    assert not unheard, f"a question, then 'I didn't ask a question' to its answer: {unheard[:5]}"


def test_a_session_that_alexa_ended_gets_no_speech(explored: Exploration) -> None:
    assert explored.session_ends
    spoken = [heard.where for heard in explored.session_ends if heard.ssml or heard.reprompt]
    assert not spoken, f"SessionEndedRequest answered with speech: {spoken[:10]}"


# --- care numbers -----------------------------------------------------------------------------------

PHONE_NUMBER = re.compile(r'<say-as interpret-as="(?:telephone|digits)">([^<]*\d[^<]*)</say-as>')


def words_after_last_phone_number(ssml: str) -> int:
    """Words heard after the last phone number (a line to remember: five digits or more)."""
    numbers = [match for match in PHONE_NUMBER.finditer(ssml) if sum(c.isdigit() for c in match.group(1)) >= 5]
    if not numbers:
        return 0
    rest = re.sub(r"<[^>]+>", " ", ssml[numbers[-1].end():])
    return len(re.findall(r"[A-Za-z0-9']+", rest))


def test_a_phone_number_comes_last_in_its_turn(explored: Exploration) -> None:
    """She remembers the last thing she hears: no prompt or advice after a number to call."""
    late = [f"{where}: {ssml}" for ssml, where in explored.distinct("ssml").items()
            if words_after_last_phone_number(ssml)]
    assert not late, "\n".join(late[:10])


CARE_LINES = tomllib.loads((CONTENT_DIR / CARE_LINES_FILE).read_text(encoding="utf-8"))
# A run of digits that reads as a phone number or code: three or more digits, or digit groups.
NUMBER = re.compile(r"(?<![\d.])\d[\d -]*\d{2,}(?!\.\d)")
QUANTITIES = {"100.4"}  # the fever threshold, not a care number


def spoken_numbers(ssml: str) -> tuple[set[str], set[str]]:
    """The numbers marked up with say-as, and any number-like text left bare."""
    marked = set(re.findall(r'<say-as interpret-as="(?:digits|telephone)">([^<]+)</say-as>', ssml))
    bare = re.sub(r"<say-as[^>]*>[^<]*</say-as>", " ", ssml)
    bare = re.sub(r"<[^>]+>", " ", bare)
    return marked, {number.strip() for number in NUMBER.findall(bare)} - QUANTITIES


def test_every_number_spoken_in_each_locale_matches_a_recorded_source(explored: Exploration) -> None:
    """Every care number in every state is recorded (content/care_lines.toml) and read its way."""
    locale = explored.locale
    recorded = {line["spoken"]: line for line in CARE_LINES[locale]}
    unrecorded, unmarked, wrong_kind = set(), set(), set()
    every_ssml = explored.distinct("ssml").keys() | explored.distinct("reprompt").keys()
    for ssml in every_ssml:
        marked, bare = spoken_numbers(ssml)
        unrecorded |= {number for number in marked if number not in recorded}
        unmarked |= bare
        wrong_kind |= {number for number in marked if number in recorded
                       and f'interpret-as="{recorded[number]["say_as"]}">{number}<' not in ssml}
    assert not unrecorded, f"{locale}: numbers spoken but not in {CARE_LINES_FILE}: {sorted(unrecorded)}"
    assert not unmarked, f"{locale}: numbers spoken without say-as markup: {sorted(unmarked)}"
    assert not wrong_kind, f"{locale}: numbers read the wrong way: {sorted(wrong_kind)}"
    if locale == "en-AU":
        assert all("000" not in ssml for ssml in explored.distinct("ssml"))



# --- the content itself --------------------------------------------------------------------------------

def spoken_texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from spoken_texts(value, f"{path}{key}.")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from spoken_texts(value, f"{path}{index}.")
    elif isinstance(node, str):
        key = path.rstrip(".")
        if key.rsplit(".", 1)[-1] in SPOKEN_FIELDS or key.startswith("prompts."):
            yield key, node


@pytest.mark.parametrize("locale", LOCALES)
def test_every_spoken_content_text_fits_the_answer_budget(locale: str) -> None:
    content = load_library().for_locale(locale)
    assert content.locale == locale
    filled = {"step_number": 4, "step_count": 4, "topic_title": "When to get checked", "hours": 48, "minutes": 30,
              "when": "tomorrow at 11:59 PM", "count": 3, "left": 12}
    over = [f"{key} ({len(text.format(**filled).split())} words)"
            for key, text in spoken_texts(content.data)
            if len(text.format(**filled).split()) > SPOKEN_WORD_LIMIT]
    assert not over, f"{locale}: over {SPOKEN_WORD_LIMIT} words: {', '.join(over)}"
