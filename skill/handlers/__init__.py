"""Every handler and interceptor, registered in the one place that builds the Alexa skill.

Thin handlers. May import: conversation, content, persistence, alexa_api (Alexa's own APIs),
and config/logs/envelopes; never web (handlers know nothing of the service's HTTP).
"""
from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.content import ContentLibrary
from skill.handlers import interceptors
from functools import partial

from skill.handlers.answers import PendingAnswerHandler, YesNoHandler
from skill.handlers.can_fulfill import CanFulfillHandler
from skill.handlers.errors import ApologyExceptionHandler
from skill.handlers.events import SilentEventHandler
from skill.handlers.launch import LaunchHandler, NavigateHomeHandler
from skill.handlers.memory import ForgetMeHandler, SkillDisabledHandler
from skill.handlers.reminders import PermissionAnswerHandler, ReminderAccess, Reminders, ReminderTurn
from skill.handlers.screen import ScreenButtonHandler
from skill.handlers.session import (
    FallbackHandler, HelpHandler, PauseHandler, RepeatHandler, SessionEndedHandler, StartOverHandler, StopHandler,
)
from skill.handlers.intent_reply import IntentReply, StepMove
from skill.handlers.situation import NotSureHandler, situation_reply
from skill.handlers.steps import next_reply, previous_reply, walk_reply
from skill.handlers.topics import topic_handlers
from skill.handlers.medicines import PainReliefHandler
from skill.handlers.safety import FIRST, SafetyNetHandler
from skill.handlers.triage import ReportSymptomHandler, said_route_reply, start_check_reply, triage_rules
from skill.conversation.render import apl_document


def build_skill(library: ContentLibrary, persistence: AbstractPersistenceAdapter | None,
                api_stand_in: str | None = None) -> CustomSkill:
    return skill_builder(library, persistence, api_stand_in).create()


def skill_builder(library: ContentLibrary, persistence: AbstractPersistenceAdapter | None,
                  api_stand_in: str | None = None) -> CustomSkillBuilder:
    """Wire the handlers in the order they are tried (the fallback last); Lambda uses the builder itself.

    The safety net comes first, so no state or pending question can shadow a crisis or an emergency;
    then answers to the pending question (handlers/context.py), then everything else.

    `api_stand_in` (the ALEXA_API_ENDPOINT setting) points the reminder calls at a loopback stand-in.

    The triage rules and the screen document are read here, so a broken file stops start-up.
    """
    rules = triage_rules()
    apl_document()
    builder = CustomSkillBuilder(persistence_adapter=persistence)
    reminders = Reminders(ReminderAccess(api_stand_in))
    for handler in (
        SafetyNetHandler(),
        CanFulfillHandler(),
        PendingAnswerHandler(reminders),
        *(IntentReply(intent, partial(said_route_reply, route=route))
          for intent, route in rules.intents.items() if route not in FIRST),
        LaunchHandler(),
        PainReliefHandler(),
        *topic_handlers(),
        IntentReply("WalkStepsIntent", walk_reply),
        StepMove("AMAZON.NextIntent", next_reply),
        StepMove("AMAZON.PreviousIntent", previous_reply),
        StartOverHandler(),
        IntentReply("SymptomCheckIntent", start_check_reply),
        ReportSymptomHandler(),
        IntentReply("SituationIntent", situation_reply),
        NotSureHandler(),
        ReminderTurn("RemindMeIntent", reminders.asked), ReminderTurn("CancelReminderIntent", reminders.cancel),
        ReminderTurn("ListRemindersIntent", reminders.next_one), PermissionAnswerHandler(reminders),
        YesNoHandler(), RepeatHandler(), PauseHandler(), HelpHandler(), StopHandler(),
        ForgetMeHandler(), NavigateHomeHandler(), ScreenButtonHandler(),
        SessionEndedHandler(), SkillDisabledHandler(), FallbackHandler(), SilentEventHandler(),
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ApologyExceptionHandler())
    builder.add_global_request_interceptor(interceptors.ContentInterceptor(library))
    builder.add_global_request_interceptor(interceptors.ConversationLoader())
    builder.add_global_request_interceptor(interceptors.MemoryLoader(persistence))
    builder.add_global_response_interceptor(interceptors.ConversationSaver(persistence))
    return builder
