"""Every screen the skill sends fits every screen the manifest declares: the warning and the action
of each answer, and the question and choices of each prompt, are in view without scrolling.

The skill itself produces the screens (real turns on an Echo Show), the APL stand-in
(tests/apl/stand_in.py) applies the document's resources and `when`s for each viewport, and one
headless Chromium lays all pages out and measures them (tests/apl/browser.py).
"""
from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.app import create_app
from skill.content.schema import CARE_ROUTES, STEP_KEYS, TOPICS
from skill.envelopes import ECHO_SHOW
from skill.verification import RequestVerifier
from tests.apl.browser import measure
from skill.conversation.render import APL_DIR
from tests.apl.stand_in import Page, UnsupportedAPL, Viewport, resources_for
from tests.conftest import Alexa, Turn
from tests.test_screens_and_cards import FEEDING, INTENT_OF, reach_route

MANIFEST = Path(__file__).resolve().parents[1] / "interaction_model" / "skill.json"
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
# Amazon's devices, in dp, and the corners of the declared ranges a device may report.
DEVICES = (
    Viewport("Echo Show 5", 960, 480),
    Viewport("Echo Show 1st gen", 1024, 600),
    Viewport("Echo Show 8", 1280, 800),
    Viewport("Echo Show 15", 1920, 1080),
    Viewport("Echo Spot", 480, 480, shape="round"),
    Viewport("Fire TV", 960, 540, mode="tv"),
)
OTHER_MARKETS = ("en-GB", "en-CA", "en-AU", "en-IN")
CHECK_ROUTES = ("emergency", "today", "appointment")  # where "yes" to the first, second, third question leads
CARE_LINE = re.compile(r"\b(call|contact|book an appointment)\b", re.IGNORECASE)
TOLERANCE = 1  # px of rounding


def declared_viewports() -> list[dict[str, Any]]:
    interfaces = json.loads(MANIFEST.read_text(encoding="utf-8"))["manifest"]["apis"]["custom"]["interfaces"]
    apl = next(interface for interface in interfaces if interface["type"] == "ALEXA_PRESENTATION_APL")
    return apl["supportedViewports"]


def declares(spec: dict[str, Any], viewport: Viewport) -> bool:
    return (spec["mode"].lower() == viewport.mode and spec["shape"].lower() == viewport.shape
            and spec["minWidth"] <= viewport.width <= spec["maxWidth"]
            and spec["minHeight"] <= viewport.height <= spec["maxHeight"])


def rendered_viewports() -> list[Viewport]:
    """Each declared range at its smallest real size, and every device it covers."""
    sizes: dict[tuple[Any, ...], Viewport] = {}
    for spec in declared_viewports():
        for device in DEVICES:
            if declares(spec, device):
                sizes[(device.width, device.height, device.mode, device.shape)] = device
        corner = Viewport(f"{spec['minWidth']}x{max(spec['minHeight'], 480)} {spec['mode'].lower()}",
                          spec["minWidth"], max(spec["minHeight"], 480), spec["mode"].lower(), spec["shape"].lower())
        if declares(spec, corner):
            sizes.setdefault((corner.width, corner.height, corner.mode, corner.shape), corner)
    return list(sizes.values())


def paragraphs(card: str) -> list[str]:
    return [block.strip() for block in card.split("\n\n") if block.strip()]


def lines(text: str) -> list[str]:
    return [line.strip().removeprefix("- ") for line in text.splitlines() if line.strip()]


def warning_and_action(card: str) -> dict[str, str]:
    """What must be in view: the warning is the first paragraph sending her to care (the emergency
    number, her clinician today, an appointment); the action is the first line of the rest that
    tells her what to do (a lead-in ending in ':' is followed to its first item)."""
    blocks = paragraphs(card)
    warning = next((block for block in blocks if CARE_LINE.search(block)), None)
    rest = [line for block in blocks if block != warning for line in lines(block)]
    action = next((line for line in rest if not line.endswith(":")), None)
    wanted = {}
    if warning:
        wanted["warning"] = " ".join(lines(warning)[0].split())  # its first line, whole
        if len(lines(warning)) > 1:  # pinned above the scrolling text, so it never scrolls: all of it
            wanted["warning's last line"] = " ".join(lines(warning)[-1].split())
    if action:
        wanted["action"] = action
    later = [line for line in rest if CARE_LINE.search(line) and line != action]
    wanted |= {f"care line {number}": line for number, line in enumerate(later, start=1)}
    return wanted


def screens_of(turn: Turn) -> list[dict[str, Any]]:
    return [directive for directive in turn.directives if directive["type"] == RENDER_DOCUMENT]


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
    """Every answer screen the skill sends, with the text that must be in view on it."""
    store = f"sqlite:///{tmp_path_factory.mktemp('screens') / 'store.db'}"

    def make(locale: str = "en-US") -> Alexa:
        return Alexa(lambda: create_app({"SKILL_STORE": store, "VERIFIER": RequestVerifier(check_signature=False),
                                         "TESTING": True}), device=ECHO_SHOW, locale=locale)

    turns: dict[str, Turn] = {}
    alexa = make()
    for topic in TOPICS:
        turns[f"topic {topic}"] = alexa.intent(INTENT_OF[topic], FEEDING)
    turns["step 1"] = alexa.say("take me through the steps")
    for number in range(2, len(STEP_KEYS) + 1):
        turns[f"step {number}"] = alexa.say("next")
    for route in CARE_ROUTES:
        turns[f"route {route}"] = reach_route(make(), route)
    turns["crisis"] = make().say("I want to hurt myself")
    turns["medicines"] = make().say("what can I take for the pain")
    for medicine in ("ASPIRIN", "CODEINE", "TRAMADOL", "ANTIBIOTIC"):
        turns[f"medicine {medicine.lower()}"] = make().intent(
            "PainReliefIntent", {"medicine": {"value": medicine.lower(), "id": medicine}})
    for locale in OTHER_MARKETS:  # their numbers, clinicians and crisis lines differ in length
        market = make(locale)
        turns[f"{locale} topic doctor"] = market.intent(INTENT_OF["doctor"], FEEDING)
        turns[f"{locale} crisis"] = market.intent("CrisisIntent")
        for number, route in enumerate(CHECK_ROUTES):  # "no" to each question before, then "yes"
            checking = make(locale)
            checking.intent("SymptomCheckIntent")
            for _ in range(number):
                checking.intent("AMAZON.NoIntent")
            turns[f"{locale} route {route}"] = checking.intent("AMAZON.YesIntent")
    found: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
    checking = make()
    prompts = {"launch": checking.launch(), "check question 1": checking.say("check my symptoms"),
               "check question 2": checking.say("no"), "check question 3": checking.say("no")}
    for locale in ("en-US", *OTHER_MARKETS):  # what a reply with no card said, shown with its number
        prompts[f"{locale} her safety at home"] = make(locale).intent("AbuseIntent")
        prompts[f"{locale} the safety net"] = make(locale).intent("AMAZON.FallbackIntent")
    for name, turn in prompts.items():
        screens = screens_of(turn)
        assert len(screens) == 1, f"{name}: expected one screen"
        prompt = screens[0]["datasources"]["prompt"]
        needles = {f"choice {number}": html.unescape(choice) for number, choice in enumerate(prompt["choices"], 1)}
        needles |= {"emergency line": html.unescape(prompt["emergency"])}
        if prompt["question"]:
            needles["question"] = html.unescape(prompt["question"])
        found[name] = (screens[0], needles)
    for name, turn in turns.items():
        screens = screens_of(turn)
        assert len(screens) == 1 and turn.card, f"{name}: expected one screen and a card"
        found[name] = (screens[0], warning_and_action(turn.card["content"]))
    return found


BEFORE = Path(__file__).resolve().parent / "apl" / "fixtures" / "answer-before-issue-31.json"


def before_issue_31(screen: dict[str, Any]) -> dict[str, Any]:
    """The same answer as the screen before issue 31 showed it: the whole card in one text."""
    answer = screen["datasources"]["answer"]
    text = "<br><br>".join(part for part in (answer["warning"], answer["action"], answer["text"]) if part)
    return {"answer": {key: answer[key] for key in ("title", "stepLabel", "showsStrokes", "canGoBack", "canGoNext")}
            | {"text": text}}


@pytest.fixture(scope="module")
def measured(answers: dict[str, tuple[dict[str, Any], dict[str, str]]]) -> dict[str, Any]:
    """Every screen on every rendered viewport, and the issue's two findings on the old document,
    laid out by one browser."""
    pages = {}
    for viewport in rendered_viewports():
        for name, (screen, needles) in answers.items():
            page = Page(screen["document"], screen["datasources"], viewport).html()
            pages[f"{name} on {viewport.name}"] = (page, viewport.width, viewport.height, needles)
    old_document = json.loads(BEFORE.read_text(encoding="utf-8"))
    for name, viewport in (("topic relieve", DEVICES[0]), ("topic relieve", DEVICES[2]), ("step 4", DEVICES[2])):
        screen, needles = answers[name]
        page = Page(old_document, before_issue_31(screen), viewport).html()
        pages[f"before: {name} on {viewport.name}"] = (page, viewport.width, viewport.height, needles)
    started = time.monotonic()
    results = measure(pages)
    seconds = time.monotonic() - started
    before = {page: results.pop(page) for page in list(results) if page.startswith("before: ")}
    return {"pages": results, "before": before, "seconds": seconds}


def cut_parts(results: dict[str, Any]) -> list[str]:
    """The warning and action cut anywhere; any later line sending her to care cut on a screen
    800 dp high or more (Echo Show 8, 10, 15), where a whole answer has room."""
    hidden = []
    for page, result in results.items():
        for part, box in result["needles"].items():
            if part.startswith("care line") and result["height"] < 800:
                continue
            if not box["found"]:
                hidden.append(f"{page}: the {part} is not shown at all")
            elif max(box["hiddenBelow"], box["hiddenAbove"], box["hiddenAside"]) > TOLERANCE:
                hidden.append(f"{page}: the {part} is cut, {box['hiddenBelow']:.0f} px below the fold")
    return hidden


def test_every_declared_viewport_is_rendered() -> None:
    viewports = rendered_viewports()
    for spec in declared_viewports():
        assert any(declares(spec, viewport) for viewport in viewports), f"nothing rendered for {spec}"


def test_the_check_finds_what_the_issue_found_on_the_old_screen(measured: dict[str, Any]) -> None:
    """Issue 31: on an Echo Show 5 the relief answer was cut mid-step ("...on it for about"); on an
    Echo Show 8, step 4 of the relief answer and "Book an appointment" on step 4 were below the fold."""
    found = cut_parts(measured["before"])
    for expected in ("before: topic relieve on Echo Show 5: the action is cut",
                     "before: topic relieve on Echo Show 8: the care line 1 is cut",
                     "before: step 4 on Echo Show 8: the care line 2 is cut"):
        assert any(line.startswith(expected) for line in found), f"{expected!r} not among {found}"


def test_the_warning_and_the_action_of_every_answer_are_in_view_on_every_declared_screen(
        measured: dict[str, Any]) -> None:
    hidden = cut_parts(measured["pages"])
    assert not hidden, "\n".join(hidden)


def test_every_answer_has_a_warning_and_an_action_to_check(answers: dict[str, Any]) -> None:
    missing = [name for name, (_, needles) in answers.items() if not needles]
    assert not missing, f"nothing to check on {missing}"


def test_an_answer_longer_than_its_screen_shows_a_cue_to_scroll(measured: dict[str, Any]) -> None:
    """The body scrolls only with the cue beneath it ("More below"), so nothing is silently cut."""
    silent = [f"{page}: {result['parts']['answer-body']['scrollsBy']:.0f} px to scroll, no cue"
              for page, result in measured["pages"].items()
              if result["parts"].get("answer-body", {}).get("scrollsBy", 0) > TOLERANCE
              and "answer-more" not in result["parts"]]
    assert not silent, "\n".join(silent)


def test_on_each_device_the_cue_shows_only_when_there_is_more(measured: dict[str, Any]) -> None:
    """A "more below" with nothing below teaches her to ignore it (the range corners are not devices)."""
    devices = {device.name for device in DEVICES}
    false_cues = [page for page, result in measured["pages"].items()
                  if page.split(" on ")[1] in devices and "answer-more" in result["parts"]
                  and result["parts"]["answer-body"]["scrollsBy"] <= TOLERANCE]
    assert not false_cues, "a cue to scroll with nothing to scroll:\n" + "\n".join(false_cues)


def test_no_text_overflows_its_own_box(measured: dict[str, Any]) -> None:
    """A title, label or button squeezed smaller than its words would spill over what lies beneath."""
    spilled = [f"{page}: {part} spills {box['textOverflow']:.0f} px" for page, result in measured["pages"].items()
               for part, box in result["parts"].items() if box["textOverflow"] > TOLERANCE]
    assert not spilled, "\n".join(spilled)


def test_the_rendered_check_is_quick(measured: dict[str, Any]) -> None:
    assert measured["seconds"] < 60, f"one browser for all pages took {measured['seconds']:.0f} s"


def test_each_screen_gets_text_sized_for_it() -> None:
    """Echo Show 5 is as wide as a medium hub but only 480 high: height decides, small to large."""
    document = json.loads((APL_DIR / "answer.json").read_text(encoding="utf-8"))
    ladder = [DEVICES[0], DEVICES[1], DEVICES[2], DEVICES[3]]  # Show 5, 1st gen, 8, 15
    sizes = [int(resources_for(document, device)["textSize"].removesuffix("dp")) for device in ladder]
    named = dict(zip((device.name for device in ladder), sizes))
    assert sizes == sorted(set(sizes)), f"text sizes {named} do not grow with the screen"


@pytest.mark.parametrize("unmodelled", [
    {"import": [{"name": "alexa-layouts", "version": "1.7.0"}]},
    {"mainTemplate": {"parameters": [], "item": {"type": "Sequence", "items": []}}},
    {"mainTemplate": {"parameters": [], "item": {"type": "Text", "text": "hi", "fontStyle": "italic"}}},
])
def test_the_stand_in_refuses_what_it_does_not_model(unmodelled: dict[str, Any]) -> None:
    """A layout it cannot lay out faithfully must fail the check, never pass it by guessing."""
    document = {"type": "APL", "version": "2024.2", "mainTemplate": {"parameters": [], "item": {"type": "Text"}}}
    with pytest.raises(UnsupportedAPL):
        Page(document | unmodelled, {}, DEVICES[0]).html()
