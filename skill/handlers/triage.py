"""The warning-sign check: at most three yes/no questions, danger first, stopping at the first "yes".

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

from skill.content import ContentError, LocaleContent, content_of, schema
from skill.content.loader import read_toml
from skill.conversation.state import Conversation, Question, conversation_of
from skill.handlers.beyond import beyond_reply
from skill.handlers.slots import opens_on_no, resolved_id, slot_words
from skill.handlers.topics import AFTER_TODAY, OVERVIEW, topic_reply, with_prompt
from skill.conversation.render import Reply, render
from skill.understanding.danger import APPOINTMENT, BEYOND_THE_BREAST, SCREEN, TODAY, read_words

TRIAGE_FILE = Path(__file__).resolve().parents[1] / "content" / "triage.toml"
SYMPTOM_SLOT = "symptom"
RELIEF = "relief"  # a plain lump: the relief overview, then an offer of the check
SELF_CARE = "selfcare"
CRISIS = "crisis"  # the emergency number if she or her baby is in danger, then a 24/7 crisis line
EMERGENCY = "emergency"
BABY_OTHER = "baby_other"  # a worry about her baby that is none of the routes beyond the breast


@dataclass(frozen=True)
class Triage:
    questions: tuple[tuple[str, str], ...]  # (question name, route on "yes"), in asking order
    reported: dict[str, str]               # SymptomType id -> route
    restate_once: bool                     # "not sure" restates a question once ...
    not_sure_means_yes: bool               # ... then is taken as "yes", the safer route
    intents: dict[str, str]                # intent name -> route (CrisisIntent -> crisis, ...)


@cache
def triage_rules(path: Path = TRIAGE_FILE) -> Triage:
    """Read and check the routing once (at start-up, see skill_builder); a mistake names the file."""
    data = read_toml(path)
    try:
        rules = Triage(
            questions=tuple((question["name"], question["yes"]) for question in data["questions"]),
            reported=dict(data["reported"]),
            restate_once=bool(data["not_sure"]["restate_once"]),
            not_sure_means_yes=data["not_sure"]["then"] == "yes",
            intents={name: said["route"] for name, said in data["intents"].items()},
        )
        unsourced = [q["name"] for q in data["questions"] if not q.get("clinical_source")]
        unsourced += [f"intents.{name}" for name, said in data["intents"].items() if not said.get("clinical_source")]
        unsourced += [f"routes.{name}" for name, route in data["routes"].items() if not route.get("clinical_source")]
    except (KeyError, TypeError) as error:
        raise ContentError(f"{path.name}: missing or malformed {error}") from error
    if [name for name, _ in rules.questions] != list(schema.CHECK_QUESTIONS):
        raise ContentError(f"{path.name}: questions must be {', '.join(schema.CHECK_QUESTIONS)}, in that order")
    routes = {route for _, route in rules.questions} | set(rules.reported.values())
    if unknown := routes - set(schema.CARE_ROUTES) - {RELIEF}:
        raise ContentError(f"{path.name}: unknown route {sorted(unknown)[0]!r}")
    # An intent may also be a route beyond the breast (her baby's, her own after the birth), or a crisis.
    if unknown := set(rules.intents.values()) - set(schema.CARE_ROUTES) - {RELIEF, CRISIS} - BEYOND_THE_BREAST:
        raise ContentError(f"{path.name}: unknown route {sorted(unknown)[0]!r}")
    if unsourced or routes - set(data["routes"]):
        raise ContentError(f"{path.name}: every question and route needs a clinical_source")
    return rules


def route_reply(content: LocaleContent, conversation: Conversation, route: str) -> Reply:
    """The advice for a care route.

    The emergency route keeps the session open once, so that she can say "that's not what I meant"
    if Alexa misheard her; the second time it ends the session so she acts at once.
    """
    if route == RELIEF:
        return topic_reply(content, conversation, OVERVIEW, offer_check=True)
    if route == SCREEN:
        return screen_reply(content, conversation)
    if route == BABY_OTHER:
        return beyond_reply(content, BABY_OTHER)
    outcome = content.get(f"check.outcomes.{route}")
    speech = content.fitting(outcome, conversation.situation)
    card_title, card_text = content.fitted_card(outcome, conversation.situation)
    card = {"card_title": card_title, "card_text": card_text}
    if route == EMERGENCY:
        if conversation.emergency_told:
            return Reply(speech=[speech], end_session=True, warns=True, **card)
        conversation.emergency_told = True
        return Reply(speech=[speech, outcome["misheard"]], reprompt=outcome["reprompt"], warns=True,
                     question=Question.AFTER_CARE, **card)
    if route == APPOINTMENT or (route == SELF_CARE and conversation.situation == schema.NOT_LACTATING):
        # Not lactating, no warning signs: the answer is an appointment, and milk care is not offered (QA audit 8: F1)
        follow = content.text("prompts.anything_else")
        return Reply(speech=with_prompt(content, speech, follow), reprompt=follow, question=Question.OPEN,
                     **card)
    if route == TODAY:
        conversation.note(TODAY)  # for the rest of the session nothing lowers it (QA audit 7: F2; topics.told_today)
    offer = content.text("prompts.offer_walk")
    walk = Question.WALK_TODAY if route == TODAY else Question.WALK  # "no" then asks if she reached them
    return Reply(speech=with_prompt(content, speech, offer), reprompt=offer, question=walk,
                 warns=route == TODAY, **card)


def question_reply(content: LocaleContent, conversation: Conversation, position: int,
                   lead: list[str] | None = None) -> Reply:
    conversation.ask_check_question(position)
    name, _ = triage_rules().questions[position]
    question = content.get(f"check.questions.{name}")
    return Reply(speech=[*(lead or []), content.fitting(question, conversation.situation)],
                 reprompt=question["reprompt"], question=Question.CHECK)


def screen_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """Words she said that the skill cannot place, or an alarming word with an everyday use: one
    screening question (the check's first, shorter), whose reprompt carries the emergency number."""
    conversation.ask_check_question(0)
    screen = content.get("check.screen")
    return Reply(speech=[screen["speech"]], reprompt=screen["reprompt"], question=Question.CHECK)


def start_check_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    return question_reply(content, conversation, 0, lead=[content.text("check.intro.speech")])


def waiting_check_question(content: LocaleContent, conversation: Conversation,
                           lead: list[str] | None = None) -> Reply:
    """The warning-sign question she is on, asked again after `lead`: never the first one over."""
    return question_reply(content, conversation, pending_position(triage_rules(), conversation), lead=lead)


def check_step_reply(content: LocaleContent, conversation: Conversation, back: bool) -> Reply:
    """"Next" or "go back" while a warning-sign question waits: never skips or drops the check.
    Next asks the same question for a yes or no; go back asks the one before (her earlier "no" is
    asked again, so she can change it)."""
    if not back:
        return waiting_check_question(content, conversation, lead=[content.text("prompts.check_next")])
    position = pending_position(triage_rules(), conversation)
    if position == 0:
        return question_reply(content, conversation, 0, lead=[content.text("prompts.check_first")])
    return question_reply(content, conversation, position - 1, lead=[content.text("prompts.check_back")])


def pending_position(rules: Triage, conversation: Conversation) -> int:
    """Which question her "yes", "no" or "not sure" answers (kept in range whatever the session says)."""
    return min(conversation.check_position, len(rules.questions) - 1)


def check_answer_reply(content: LocaleContent, conversation: Conversation, yes: bool) -> Reply:
    """A "yes" routes at once; a "no" asks the next question, and after the last, self-care."""
    rules = triage_rules()
    questions, position = rules.questions, pending_position(rules, conversation)
    if yes:
        return route_reply(content, conversation, questions[position][1])
    left = questions[position + 1:]
    noted = conversation.noted
    if noted and (not left or schema.CARE_ROUTES.index(left[0][1]) >= schema.CARE_ROUTES.index(noted)):
        return route_reply(content, conversation, noted)  # a sign she named: never "no warning signs" after it
    if left:
        return question_reply(content, conversation, position + 1)
    if conversation.emergency_told:
        return no_signs_after_an_emergency_reply(content, conversation)
    return route_reply(content, conversation, SELF_CARE)


def no_signs_after_an_emergency_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """Three "no"s after she heard "call 911 now" this session: a very unwell or confused woman may deny
    every sign, and "no warning signs; gentle care should help" ended it (QA audit 7: F4; clinical review
    2026-12-07). The self-care words, then that call again, last; "okay" then hears the call's follow-up."""
    outcome = content.get(f"check.outcomes.{SELF_CARE}")
    again = content.text("prompts.emergency_said_before")
    card_title, card_text = content.fitted_card(outcome, conversation.situation)
    return Reply(speech=[content.fitting(outcome, conversation.situation), again], reprompt=again,
                 question=Question.AFTER_CARE, card_title=card_title, card_text=card_text)


def not_sure_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """"I'm not sure" to a question: asked once more in other words, then taken as the safer "yes"."""
    rules = triage_rules()
    if rules.restate_once and not conversation.restated:
        name, _ = rules.questions[pending_position(rules, conversation)]
        question = content.get(f"check.questions.{name}")
        conversation.restated = True
        return Reply(speech=[content.text("prompts.not_sure"), question["reprompt"]],
                     reprompt=question["reprompt"], question=Question.CHECK)
    return check_answer_reply(content, conversation, yes=rules.not_sure_means_yes)


def reported_symptom(handler_input: HandlerInput) -> str | None:
    """The SymptomType id Alexa resolved her words to, if it resolved (name-free requests too)."""
    return resolved_id(handler_input, SYMPTOM_SLOT)


def symptom_route(handler_input: HandlerInput) -> str | None:
    """Where the symptom she reported leads: the route of the id Alexa resolved it to; else what the
    danger reader finds in her words in any slot (a same-day sign, a sign to examine, a plain lump);
    else, for words nobody can place, the screening question, never the lump answer. None when she
    named nothing at all."""
    if sign := reported_symptom(handler_input):
        return triage_rules().reported.get(sign, RELIEF)
    words = slot_words(handler_input)
    if not words:
        return None
    reading = read_words(words)
    if reading.about_her_baby and reading.route not in BEYOND_THE_BREAST:
        return BABY_OTHER  # her baby's care first; only then, "I can only help with breast lumps"
    return reading.route if reading.route in (TODAY, APPOINTMENT, RELIEF) else SCREEN


# Mid-check, words that lead nowhere more urgent than the check itself keep the warning-sign question she
# is on: unplaced words are never the first question again, and a lump, or a sign to examine ("I stopped
# a month ago"), no longer ends the check before its urgent questions were answered (QA audit 3: F2.1).
# A sign to examine is still answered first ("book an appointment"). A sign that answers the question
# she is on is a yes (handlers/context.py).
WAITS_FOR_THE_CHECK = {SCREEN: "system.fallback.pending_speech", RELIEF: "prompts.check_first_then"}


def examine_mid_check_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """A sign to examine said while a warning-sign question waits: the appointment answer and its card,
    then that question, not "Anything else?"."""
    outcome = content.get(f"check.outcomes.{APPOINTMENT}")
    reply = waiting_check_question(content, conversation, lead=[content.fitting(outcome, conversation.situation)])
    reply.card_title, reply.card_text = content.fitted_card(outcome, conversation.situation)
    conversation.note(APPOINTMENT)  # the question about signs to examine is answered: see check_answer_reply
    return reply


def today_before_the_first_question_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """A same-day sign ("I feel shivery") said while the first, most urgent question waits: it ended the
    check, and fast breathing or no urine with it (which make it an emergency) were never asked (QA audit
    4: F12). "Today", then that question; its "no" gives the same-day answer in full."""
    conversation.note(TODAY)
    return waiting_check_question(content, conversation, lead=[content.text("prompts.today_then_check")])


def mid_check_reply(content: LocaleContent, conversation: Conversation, route: str,
                    said_no: bool = False) -> Reply | None:
    """While a warning-sign question waits, a route no more urgent than the check keeps that question
    (see WAITS_FOR_THE_CHECK); None when nothing waits, or the route goes before the check. A same-day
    sign said after "no" to the first question answers it: the sign is kept and the check goes on."""
    if conversation.question is not Question.CHECK:
        return None
    if route == APPOINTMENT:
        return examine_mid_check_reply(content, conversation)
    if route == TODAY and conversation.check_position == 0:
        if said_no:
            conversation.note(TODAY)
            return check_answer_reply(content, conversation, yes=False)
        return today_before_the_first_question_reply(content, conversation)
    if route in WAITS_FOR_THE_CHECK:
        return waiting_check_question(content, conversation, lead=[content.text(WAITS_FOR_THE_CHECK[route])])
    return None


def said_route_reply(content: LocaleContent, conversation: Conversation, route: str, said_no: bool = False) -> Reply:
    """A route said as an intent of its own ("a lump and I'm not breastfeeding"): mid-check it keeps the
    question she is on, as it does said in words (QA audit 5: it ended the check)."""
    return mid_check_reply(content, conversation, route, said_no) or route_reply(content, conversation, route)


class ReportSymptomHandler(AbstractRequestHandler):
    """"I have a fever": a warning sign routes straight to its advice; a plain lump hears how to ease
    it and is offered the check, never started on it unasked."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ReportSymptomIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        route = symptom_route(handler_input) or RELIEF
        if conversation.question in AFTER_TODAY and route in (APPOINTMENT, RELIEF, SCREEN):
            route = TODAY  # just told "contact them today": something milder, or unplaced ("it's 3 a.m."), never lowers it
        return render(handler_input, said_route_reply(content, conversation, route, opens_on_no(handler_input, SYMPTOM_SLOT)))
