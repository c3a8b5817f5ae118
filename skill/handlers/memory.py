""""Forget me": erase everything stored for her, but only after she confirms; and when she disables
the skill, erase it without a word (re-enabling gives her a new user id, so it could never be erased later)."""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill import turn
from skill.content import LocaleContent, content_of
from skill.conversation.state import Question, conversation_of
from skill.conversation.memory import forget, memory_of
from skill.conversation.render import Reply, render
from skill.handlers.asking import asked_again, waiting_question
from skill.handlers.beyond import after_help_reply, help_just_given
from skill.handlers.topics import CHECKING, way_back
from skill.handlers.triage import waiting_check_question
from skill.persistence.guard import cause_of

log = logging.getLogger(__name__)
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"


def erased(handler_input: HandlerInput) -> bool:
    """Erase her record; a store that cannot erase it now (or none) is one log line, and False, so she
    hears that nothing was deleted."""
    try:
        forget(handler_input, memory_of(handler_input))
    except (PersistenceException, AttributesManagerException) as error:
        log.warning("could not delete her record; told her so", extra={"outcome": "store failed", "cause": cause_of(error)})
        return False
    return True


def not_erased_reply(content: LocaleContent) -> Reply:
    return Reply(speech=[content.text("memory.done.not_done")], reprompt=content.text("memory.kept.reprompt"),
                 remember_for_repeat=False)


def forget_reply(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """Erase, then say so and end the session, so nothing is written for her afterwards."""
    if not erased(handler_input):
        return not_erased_reply(content)
    conversation = conversation_of(handler_input)
    conversation.stop_walking()
    conversation.topic = None
    return Reply(speech=[content.text("memory.done.speech")], end_session=True, remember_for_repeat=False)


def back_where_she_was(handler_input: HandlerInput, content: LocaleContent, lead: str) -> Reply | None:
    """`lead`, then the warning-sign question she was on, or her step offered back; None if neither."""
    conversation = conversation_of(handler_input)
    if conversation.check_waits:
        conversation.check_waits = False
        return waiting_check_question(content, conversation, lead=[lead])
    if conversation.walking:
        follow, question = way_back(content, conversation)
        return Reply(speech=[lead, follow], reprompt=follow, question=question)
    return None


def kept_reply(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """Nothing deleted; then back where she was, or what she can ask."""
    return (back_where_she_was(handler_input, content, content.text("memory.kept.on_the_way"))
            or Reply(speech=[content.text("memory.kept.speech")], reprompt=content.text("memory.kept.reprompt")))


def nothing_stored_reply(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Forget me" on her first visit: the record this visit made is all there is, so it is erased at
    once (nothing to confirm) and nothing more is written; then back where she was."""
    if not erased(handler_input):
        return not_erased_reply(content)
    nothing = content.text("memory.nothing.speech")
    follow = content.text("prompts.anything_else")
    if reply := back_where_she_was(handler_input, content, nothing):
        return reply
    if asked := waiting_question(conversation_of(handler_input)):  # "shall I take you through the steps?"
        return asked_again(nothing, asked)
    return Reply(speech=[nothing, follow], reprompt=follow, question=Question.OPEN)


def forgotten_after_help_reply(handler_input: HandlerInput, content: LocaleContent, told: Question) -> Reply:
    """"Forget me" (or "you misheard me", which can reach it) just after a call for help: nothing is asked,
    so the call is never displaced by "Shall I delete everything?"; her record is erased at once, the
    number stays last and the call's follow-up still waits (QA audit 9: F4: she heard no number)."""
    if erased(handler_input):
        done = content.text("memory.nothing.after_help")
        conversation_of(handler_input).stop_walking()
    else:
        done = content.text("memory.done.not_done")
    follow = after_help_reply(content, told).reprompt
    return Reply(speech=[done, follow], reprompt=follow, question=told, remember_for_repeat=False)


class ForgetMeHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ForgetMeIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation, memory = content_of(handler_input), conversation_of(handler_input), memory_of(handler_input)
        if told := help_just_given(conversation):
            return render(handler_input, forgotten_after_help_reply(handler_input, content, told))
        conversation.check_waits = conversation.question in CHECKING
        if memory.forgotten or (memory.visits == 1 and memory.step is None and memory.record is not None):
            return render(handler_input, nothing_stored_reply(handler_input, content))
        reply = Reply(speech=[content.text("memory.confirm.speech")],
                      reprompt=content.text("memory.confirm.reprompt"), question=Question.FORGET)
        return render(handler_input, reply)


class SkillDisabledHandler(AbstractRequestHandler):
    """Alexa's event when she disables the skill: her record is erased; events get an empty answer.

    If the store cannot erase it now, an ERROR line (with the event's request id) says why, and the
    event is answered with an error, never acknowledged as done (skill/turn.py); Amazon documents no
    redelivery, so the record otherwise expires on its own (changes.KEEP_DAYS after her last visit).
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(SKILL_DISABLED)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
        except PersistenceException as error:
            log.error("could not erase her record on disable; it expires on its own",
                      extra={"request_type": SKILL_DISABLED, "outcome": "store failed", "cause": cause_of(error)})
            turn.not_honoured("erase failed")
        else:
            log.info("erased her record: skill disabled", extra={"request_type": SKILL_DISABLED, "outcome": "erased"})
        return handler_input.response_builder.response
