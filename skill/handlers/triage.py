"""The warning-sign check: at most three yes/no questions, warning signs before self-care.

Which answer leads where is data (content/triage.toml), so a clinician can change the routing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.content import ContentError, LocaleContent, content_of, schema
from skill.content.loader import read_toml
from skill.conversation import Conversation, Question, conversation_of
from skill.render import Reply, render

TRIAGE_FILE = Path(__file__).resolve().parents[1] / "content" / "triage.toml"
SYMPTOM_SLOT = "symptom"


@dataclass(frozen=True)
class Triage:
    questions: tuple[tuple[str, str], ...]  # (question name, route on "yes"), in asking order
    reported: dict[str, str]               # SymptomType id -> route


@cache
def triage_rules(path: Path = TRIAGE_FILE) -> Triage:
    """Read and check the routing once (at start-up, see skill_builder); a mistake names the file."""
    data = read_toml(path)
    try:
        rules = Triage(
            questions=tuple((question["name"], question["yes"]) for question in data["questions"]),
            reported=dict(data["reported"]),
        )
    except (KeyError, TypeError) as error:
        raise ContentError(f"{path.name}: missing or malformed {error}") from error
    if [name for name, _ in rules.questions] != list(schema.CHECK_QUESTIONS):
        raise ContentError(f"{path.name}: questions must be {', '.join(schema.CHECK_QUESTIONS)}, in that order")
    routes = {route for _, route in rules.questions} | set(rules.reported.values())
    if unknown := routes - set(schema.CARE_ROUTES):
        raise ContentError(f"{path.name}: unknown route {sorted(unknown)[0]!r}")
    return rules


def route_reply(content: LocaleContent, route: str) -> Reply:
    """The advice for a care route; the emergency route ends the session so she acts at once."""
    outcome = content.get(f"check.outcomes.{route}")
    card = {"card_title": outcome["title"], "card_text": outcome["card"]}
    if route == "emergency":
        return Reply(speech=[outcome["speech"]], end_session=True, **card)
    if route == "appointment":
        follow = content.text("prompts.anything_else")
        return Reply(speech=[outcome["speech"], follow], reprompt=follow, **card)
    offer = content.text("prompts.offer_walk")
    return Reply(speech=[outcome["speech"], offer], reprompt=offer, question=Question.WALK, **card)


def question_reply(content: LocaleContent, conversation: Conversation, position: int,
                   lead: list[str] | None = None) -> Reply:
    conversation.check_position = position
    name, _ = triage_rules().questions[position]
    question = content.get(f"check.questions.{name}")
    return Reply(speech=[*(lead or []), question["speech"]], reprompt=question["reprompt"],
                 question=Question.CHECK)


def start_check_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    return question_reply(content, conversation, 0, lead=[content.text("check.intro.speech")])


def check_answer_reply(content: LocaleContent, conversation: Conversation, yes: bool) -> Reply:
    """A "yes" routes at once; a "no" asks the next question, and after the last, self-care."""
    questions = triage_rules().questions
    position = min(conversation.check_position, len(questions) - 1)
    if yes:
        return route_reply(content, questions[position][1])
    if position + 1 < len(questions):
        return question_reply(content, conversation, position + 1)
    return route_reply(content, "selfcare")


def reported_symptom(handler_input: HandlerInput) -> str | None:
    """The SymptomType id Alexa resolved her words to, if it resolved (name-free requests too)."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slot = (getattr(intent, "slots", None) or {}).get(SYMPTOM_SLOT)
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return None


class SymptomCheckHandler(AbstractRequestHandler):
    """"Check my symptoms" starts the questions."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("SymptomCheckIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return render(handler_input, start_check_reply(content_of(handler_input), conversation_of(handler_input)))


class ReportSymptomHandler(AbstractRequestHandler):
    """"I have a fever": a warning sign routes straight to advice; anything else starts the check."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ReportSymptomIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_of(handler_input)
        route = triage_rules().reported.get(reported_symptom(handler_input) or "")
        if route:
            return render(handler_input, route_reply(content, route))
        return render(handler_input, start_check_reply(content, conversation_of(handler_input)))
