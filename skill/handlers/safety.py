"""The safety net: a crisis or an emergency, said at any moment, is answered before anything else.

Registered first, so no state, pending question or topic can shadow it; `can_handle` only reads
the request, exactly what a device hands the skill: the intent, a red-flag symptom id on any intent,
and her words in every slot, resolved or not, read by the skill's own danger reader
(understanding/danger.py). Which intents and signs are dangerous is data (content/triage.toml,
understanding/danger_words.toml), the words she hears are content (`[crisis]`, `[check.outcomes]`),
and every number comes from care_lines.toml.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.render import Reply, render
from skill.conversation.state import Question, conversation_of
from skill.handlers.slots import intent_of, slot_words
from skill.handlers.beyond import beyond_reply
from skill.handlers.triage import CRISIS, EMERGENCY, reported_symptom, route_reply, triage_rules
from skill.understanding.danger import BEYOND_THE_BREAST, read_words

DANGER = frozenset({CRISIS, EMERGENCY})
# Answered first from any state: a crisis, an emergency, and every danger beyond the breast.
FIRST = DANGER | BEYOND_THE_BREAST


def danger_in(handler_input: HandlerInput) -> str | None:
    """The route her request carries that goes before anything else ("crisis", "emergency", or one
    beyond the breast: her baby's, or her own after the birth): by intent, by a red-flag sign resolved
    on any intent, or in her words in any slot (a sign Alexa could not resolve still arrives as words)."""
    if not is_request_type("IntentRequest")(handler_input):
        return None  # a name-free request asks whether we could answer, and must not be answered
    rules = triage_rules()
    route = rules.intents.get(intent_of(handler_input) or "")
    if route in FIRST:
        return route
    sign = reported_symptom(handler_input)
    if sign is not None and rules.reported.get(sign) == EMERGENCY:
        return EMERGENCY
    heard = read_words(slot_words(handler_input)).route
    return heard if heard in FIRST else None


def crisis_reply(content: LocaleContent) -> Reply:
    """The emergency number if she or her baby is in danger now, then, gently and last, a 24/7 line.

    Kept for "repeat", so she can hear the number again; the session stays open for it.
    """
    crisis = content.get("crisis")
    return Reply(speech=[crisis["speech"]], reprompt=crisis["reprompt"],
                 card_title=crisis["title"], card_text=crisis["card"], question=Question.AFTER_CRISIS)


class SafetyNetHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return danger_in(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        route = danger_in(handler_input)
        if route == CRISIS:
            return render(handler_input, crisis_reply(content))
        if route in BEYOND_THE_BREAST:
            return render(handler_input, beyond_reply(content, route, checking=conversation.question is Question.CHECK))
        return render(handler_input, route_reply(content, conversation, EMERGENCY))

