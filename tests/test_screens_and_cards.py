"""What she sees: a card in the Alexa app for every answer, and on an Echo Show the answer screen.

The screen (skill/content/apl/answer.json) shows the answer in large text with next/back buttons
while she walks the steps; touching a button does what saying it does.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from skill.content import LocaleContent, load_library
from skill.content.schema import CARE_ROUTES, STEP_KEYS, TOPICS
from skill.envelopes import ECHO_SHOW
from skill.handlers.screen import BUTTONS
from skill.handlers.topics import TOPIC_INTENTS
from skill.conversation.render import APL_DIR
from tests.conftest import Alexa, Turn

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
STEP_COUNT = len(STEP_KEYS)

# What she says (en-US samples) to hear each topic.
ASK_ABOUT = {
    "relieve": "how do I relieve a hard lump",
    "food": "what should I eat",
    "massage": "can I massage it",
    "hygiene": "how do I keep my breasts clean",
    "doctor": "when should I see a doctor",
    "why": "why do I get lumps",
    "risks": "what happens if I leave it",
    "reassurance": "is this normal",
    "weaning": "how do I stop breastfeeding without getting lumps",
}
INTENT_OF = {topic: intent for intent, topic in TOPIC_INTENTS.items()}
FEEDING = {"situation": {"value": "breastfeeding", "id": "FEEDING"}}


@pytest.fixture(scope="module")
def words() -> LocaleContent:
    return load_library().for_locale("en-US")


@pytest.fixture
def echo_show(make_alexa: Callable[..., Alexa]) -> Alexa:
    return make_alexa(device=ECHO_SHOW)


def reach_route(alexa: Alexa, route: str) -> Turn:
    """Say what leads to each care route, the way she would."""
    if route == "emergency":
        return alexa.say("I feel very unwell and confused")
    if route == "today":
        return alexa.say("I have a fever")
    if route == "appointment":
        return alexa.say("it's still there weeks after weaning")
    alexa.say("check my symptoms")
    alexa.say("no")
    alexa.say("no")
    return alexa.say("no")


def answer_screens(turn: Turn) -> list[dict[str, Any]]:
    return [directive for directive in turn.directives if directive["type"] == RENDER_DOCUMENT]


def the_screen(turn: Turn) -> dict[str, Any]:
    """The one answer screen of a turn, as the device receives it."""
    screens = answer_screens(turn)
    assert len(screens) == 1, f"expected exactly one {RENDER_DOCUMENT}, got {len(turn.directives)} directives"
    return screens[0]


def step_title(number: int) -> str:
    return f"Step {number} of {STEP_COUNT}"


def test_every_topic_has_an_intent_to_ask_with() -> None:
    assert set(INTENT_OF) == set(TOPICS) and set(ASK_ABOUT) <= set(TOPICS)


# --- cards: every content answer leaves one in the Alexa app ------------------------------------

@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_answer_leaves_a_card_with_its_title_and_text(alexa: Alexa, words: LocaleContent,
                                                                   topic: str) -> None:
    turn = alexa.intent(INTENT_OF[topic], FEEDING)
    title, card = words.fitted_card(words.get(f"topics.{topic}"), "feeding")  # her situation's card, if it has one
    assert turn.card is not None
    assert turn.card["title"] == title and turn.card["content"] == card


def test_every_step_leaves_a_card_with_its_number_title_and_text(alexa: Alexa, words: LocaleContent) -> None:
    turns = [alexa.say("take me through the steps")] + [alexa.say("next") for _ in range(STEP_COUNT - 1)]
    for number, (turn, step) in enumerate(zip(turns, words.steps), start=1):
        assert turn.card is not None, f"step {number} has no card"
        assert turn.card["title"].startswith(step_title(number)) and step["title"] in turn.card["title"]
        assert turn.card["content"] == step["card"]


@pytest.mark.parametrize("route", CARE_ROUTES)
def test_every_care_route_leaves_a_card_with_its_title_and_text(alexa: Alexa, words: LocaleContent,
                                                                route: str) -> None:
    turn = reach_route(alexa, route)
    assert turn.card is not None
    assert turn.card["title"] == words.get(f"check.outcomes.{route}.title")
    assert turn.card["content"] == words.get(f"check.outcomes.{route}.card")


def test_the_emergency_card_says_who_to_call(alexa: Alexa) -> None:
    turn = reach_route(alexa, "emergency")
    assert "Call 911 now" in turn.card["content"]


def test_a_card_keeps_the_line_breaks_of_its_list(alexa: Alexa) -> None:
    turn = alexa.intent("MassageIntent", FEEDING)
    assert "\n- Never press hard or knead" in turn.card["content"]


# --- the Echo Show screen -----------------------------------------------------------------------

def test_a_screen_gets_exactly_one_answer_document_carrying_the_answer(echo_show: Alexa,
                                                                       words: LocaleContent) -> None:
    turn = echo_show.say("what should I eat")
    screen = the_screen(turn)
    answer = screen["datasources"]["answer"]
    assert answer["title"] == words.get("topics.food.title") == turn.card["title"]
    assert words.get("topics.food.card") == turn.card["content"]
    assert answer["text"].split("<br>")[1].removeprefix("• ") in turn.card["content"]
    assert answer["stepLabel"] == ""
    assert answer["canGoBack"] is False and answer["canGoNext"] is False
    assert screen["document"] == json.loads((APL_DIR / "answer.json").read_text(encoding="utf-8"))


def test_walking_the_steps_shows_the_step_label_and_the_buttons_that_apply(echo_show: Alexa) -> None:
    first = the_screen(echo_show.say("take me through the steps"))["datasources"]["answer"]
    assert step_title(1) in first["stepLabel"]
    assert first["canGoBack"] is False and first["canGoNext"] is True

    second = the_screen(echo_show.say("next"))["datasources"]["answer"]
    assert step_title(2) in second["stepLabel"] and "Step" not in second["title"]  # the label once
    assert second["canGoBack"] is True and second["canGoNext"] is True

    echo_show.say("next")
    last = the_screen(echo_show.say("next"))["datasources"]["answer"]
    assert step_title(STEP_COUNT) in last["stepLabel"]
    assert last["canGoBack"] is True and last["canGoNext"] is False


@pytest.mark.parametrize("route", CARE_ROUTES)
def test_every_care_route_is_shown_on_the_screen(make_alexa: Callable[..., Alexa], route: str) -> None:
    turn = reach_route(make_alexa(device=ECHO_SHOW), route)
    assert the_screen(turn)["datasources"]["answer"]["title"] == turn.card["title"]


def test_a_speaker_gets_a_card_but_no_screen(alexa: Alexa) -> None:
    for turn in (alexa.say("what should I eat"), alexa.say("take me through the steps"), alexa.say("next")):
        assert turn.card and turn.directives == []


def test_a_reply_without_a_card_shows_what_it_said_never_the_last_answer(echo_show: Alexa) -> None:
    """Help sent no document, and the answer before it stayed up (screen and card audit, 2026-12-07)."""
    echo_show.say("what should I eat")
    turn = echo_show.say("help")
    [screen] = answer_screens(turn)
    assert turn.card is None and screen["token"] == "lumpReliefPrompt"
    assert screen["datasources"]["prompt"]["question"] == turn.speech


# --- touching next and back -----------------------------------------------------------------------

@pytest.mark.parametrize("asked, then, question", [
    ("how do I relieve a hard lump", None, "Shall I take you through the steps?"),
    ("take me through the steps", "what should I eat", "Go back to step 1?"),
    ("check my symptoms", "can I massage it", "Back to the warning-sign questions?"),
])
def test_an_answer_that_ends_with_a_yes_or_no_question_shows_it_and_how_to_answer(
        echo_show: Alexa, document: dict[str, Any], asked: str, then: str | None, question: str) -> None:
    """The answer screens never showed the yes/no question the speech ended with, nor how to answer
    it, while the launch and check screens did (screen audit, 2026-12-07: 145 conversations)."""
    turn = echo_show.say(asked)
    if then:
        turn = echo_show.say(then)
    assert turn.speech.endswith(question)
    assert the_screen(turn)["datasources"]["answer"]["asks"] == f"{question} Say Yes or No."
    assert "${answer.asks}" in json.dumps(document)


def test_an_answer_with_nothing_asked_shows_no_question(echo_show: Alexa) -> None:
    turn = echo_show.say("what should I eat")
    assert turn.speech.endswith("Anything else?") and the_screen(turn)["datasources"]["answer"]["asks"] == ""


def test_touching_next_moves_one_step_exactly_like_saying_it(make_alexa: Callable[..., Alexa]) -> None:
    saying = make_alexa(device=ECHO_SHOW, user_id="amzn1.ask.account.says-it")
    touching = make_alexa(device=ECHO_SHOW, user_id="amzn1.ask.account.touches-it")
    saying.say("take me through the steps")
    touching.say("take me through the steps")

    said, touched = saying.say("next"), touching.touch("next")
    assert touched.has(step_title(2))
    assert (touched.speech, touched.reprompt, touched.card) == (said.speech, said.reprompt, said.card)
    assert the_screen(touched)["datasources"] == the_screen(said)["datasources"]


def test_touching_back_moves_one_step_back_exactly_like_saying_it(make_alexa: Callable[..., Alexa]) -> None:
    saying = make_alexa(device=ECHO_SHOW, user_id="amzn1.ask.account.says-it")
    touching = make_alexa(device=ECHO_SHOW, user_id="amzn1.ask.account.touches-it")
    for alexa in (saying, touching):
        alexa.say("take me through the steps")
        alexa.say("next")
        alexa.say("next")

    said, touched = saying.say("go back"), touching.touch("back")
    assert touched.has(step_title(2))
    assert (touched.speech, touched.reprompt, touched.card) == (said.speech, said.reprompt, said.card)
    assert touching.say("next").has(step_title(3))  # her place moved with the touch


def test_touching_back_on_the_first_step_says_so_and_next_on_the_last_says_so(echo_show: Alexa) -> None:
    echo_show.say("take me through the steps")
    assert echo_show.touch("back").has("first step", step_title(1))
    for _ in range(STEP_COUNT - 1):
        echo_show.touch("next")
    last = echo_show.touch("next")
    assert last.has("last step") and last.stays_open


# --- the APL document itself ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads((APL_DIR / "answer.json").read_text(encoding="utf-8"))


def walk(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from walk(child)


def send_event_arguments(document: dict[str, Any]) -> set[str]:
    """Every SendEvent argument, with a layout's ${parameter} filled from each place it is used."""
    layouts = document.get("layouts", {})
    arguments: set[str] = set()
    for node in walk(document):
        if not (isinstance(node, dict) and node.get("type") == "SendEvent"):
            continue
        for argument in node.get("arguments", []):
            parameter = re.fullmatch(r"\$\{(\w+)\}", argument)
            if parameter is None:
                arguments.add(argument)
                continue
            for name in layouts:
                arguments.update(use[parameter.group(1)] for use in walk(document)
                                 if isinstance(use, dict) and use.get("type") == name
                                 and parameter.group(1) in use)
    return arguments


def test_the_screen_document_is_apl_and_takes_the_answer_datasource(document: dict[str, Any]) -> None:
    assert document["type"] == "APL"
    assert document["mainTemplate"]["parameters"] == ["answer"]


def test_the_screens_buttons_send_exactly_the_events_the_skill_handles(document: dict[str, Any]) -> None:
    assert send_event_arguments(document) == set(BUTTONS)


# Resources that come from Alexa's packages, by the package that defines them
# (developer.amazon.com/docs/alexa-presentation-language/apl-alexa-viewport-profiles-package.html,
#  .../apl-alexa-styles-package.html).
PACKAGE_OF_RESOURCE = (
    (re.compile(r"^(viewport\w*|hub\w+|tv\w+|mobile\w+)$"), "alexa-viewport-profiles"),
    (re.compile(r"^(margin\w+|spacing\w+|color\w+|font\w+|textSize\w*)$"), "alexa-styles"),
)


def test_every_resource_the_screen_uses_is_defined_or_imported(document: dict[str, Any]) -> None:
    defined = {name for block in document.get("resources", []) for kind, values in block.items()
               if kind != "when" and isinstance(values, dict) for name in values}
    imported = {package["name"] for package in document.get("import", [])}
    used = {name for node in walk(document) if isinstance(node, str)
            for name in re.findall(r"@([A-Za-z]\w*)", node)}
    missing = []
    for name in sorted(used - defined):
        package = next((package for pattern, package in PACKAGE_OF_RESOURCE if pattern.match(name)), None)
        if package not in imported:
            missing.append(f"@{name} ({package or 'not defined anywhere'})")
    assert not missing, f"skill/content/apl/answer.json: undefined resources {', '.join(missing)}"


# --- a screen that reads well, and shows the strokes ---------------------------------------------

def text_properties(node: Any) -> Iterator[str]:
    """Every string the device lays out as text: Text components' text, in document and datasource."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key in ("text", "title", "stepLabel", "warning", "action"):
                yield value
            yield from text_properties(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_properties(item)


def test_a_list_shows_as_lines_and_bullets_with_no_raw_newline(echo_show: Alexa) -> None:
    screen = the_screen(echo_show.intent("MassageIntent", FEEDING))
    answer = screen["datasources"]["answer"]
    assert "<br>• Never press hard or knead" in answer["action"] + "<br>" + answer["text"]
    for text in text_properties(screen):
        assert "\n" not in text and "\r" not in text, f"raw newline in screen text {text!r}"
        assert not re.search(r"(^|<br>)- ", text), f"a '- ' bullet APL would run into the line: {text!r}"


def test_every_screen_in_every_topic_and_step_has_no_raw_newline(echo_show: Alexa) -> None:
    turns = [echo_show.say(words) for words in ASK_ABOUT.values()]
    turns.append(echo_show.say("take me through the steps"))
    turns += [echo_show.say("next") for _ in range(STEP_COUNT - 1)]
    for turn in turns:
        for screen in answer_screens(turn):
            assert not [text for text in text_properties(screen) if "\n" in text]


def test_the_step_label_shows_once_above_the_step_title(echo_show: Alexa) -> None:
    echo_show.say("take me through the steps")
    answer = the_screen(echo_show.say("next"))["datasources"]["answer"]
    shown = answer["stepLabel"] + " " + answer["title"] + " " + answer["text"]
    assert shown.count(step_title(2)) == 1


def test_the_relief_card_lists_the_same_steps_as_the_walk(alexa: Alexa, words: LocaleContent) -> None:
    card = alexa.intent("RelieveLumpIntent", FEEDING).card["content"]
    numbered = re.findall(r"^(\d+)\. ([^:]+):", card, re.MULTILINE)
    assert [int(number) for number, _ in numbered] == list(range(1, STEP_COUNT + 1))
    assert [title for _, title in numbered] == [step["title"] for step in words.get("steps")]


@pytest.mark.parametrize("how", ["relief", "strokes", "gentle care step"])
def test_the_strokes_screens_show_the_drawing_of_strokes_toward_the_armpit(echo_show: Alexa, how: str) -> None:
    if how == "relief":
        turn = echo_show.intent("RelieveLumpIntent", FEEDING)
    elif how == "strokes":
        turn = echo_show.intent("MassageIntent", FEEDING)
    else:
        turn = echo_show.say("take me through the steps")
    screen = the_screen(turn)
    assert screen["datasources"]["answer"]["showsStrokes"] is True
    pictures = [node for node in walk(screen["document"]) if isinstance(node, dict) and node.get("type") == "VectorGraphic"]
    assert len(pictures) == 1 and pictures[0]["source"] in screen["document"]["graphics"]
    assert "armpit" in pictures[0]["accessibilityLabel"] and "cold pack" in pictures[0]["accessibilityLabel"]
    assert pictures[0]["when"] == "${answer.showsStrokes}"


def test_other_answers_show_no_drawing(echo_show: Alexa) -> None:
    assert the_screen(echo_show.say("what should I eat"))["datasources"]["answer"]["showsStrokes"] is False


def test_the_drawing_is_vector_graphics_in_the_document_sized_for_every_screen(document: dict[str, Any]) -> None:
    graphic = document["graphics"]["StrokesTowardArmpit"]
    assert graphic["type"] == "AVG" and graphic["items"]
    assert not [node for node in walk(document) if isinstance(node, str) and node.startswith(("http:", "https:"))]
    sizes = [block["dimensions"]["pictureSize"] for block in document["resources"] if "pictureSize" in block.get("dimensions", {})]
    assert len(sizes) >= 2, "the drawing needs a size for small screens as well as the default"
    picture = next(node for node in walk(document) if isinstance(node, dict) and node.get("type") == "VectorGraphic")
    assert picture["width"] == picture["height"] == "@pictureSize" and picture["scale"] == "best-fit"


def test_the_drawing_explains_itself_a_labelled_side_view_with_light_thin_strokes(document: dict[str, Any]) -> None:
    """Issue 31: without the text beside it the armpit was not recognisable, and thick arrows
    contradicted "stroke lightly"."""
    graphic = document["graphics"]["StrokesTowardArmpit"]
    assert "side view" in graphic["description"].lower() and "armpit" in graphic["description"]
    labels = {item["text"] for item in graphic["items"] if item["type"] == "text"}
    assert {"armpit", "cold pack"} <= labels, f"the drawing's labels are {labels}"
    strokes = [item for item in graphic["items"] if "stroke toward the armpit" in item.get("description", "")]
    assert len(strokes) >= 2
    assert all(item["strokeWidth"] <= 2 and item.get("strokeDashArray") for item in strokes), \
        "the strokes toward the armpit must be drawn light and thin (dashed, at most 2 wide)"
    assert any("cold pack" in item.get("description", "") for item in graphic["items"] if item["type"] == "path")
