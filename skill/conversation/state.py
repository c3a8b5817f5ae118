"""The one record of where she is in the conversation, and the moves that change it.

Handlers never touch session attributes; they read and move this record, and one interceptor
loads it before a turn and stores it after, so "next", "repeat" and "yes" always know the context.
Everything here lives in the session only; her situation (feeding, pumping or weaning) is health
information and is never stored between visits.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from skill.content.schema import CHECK_QUESTIONS, SITUATIONS, STEP_KEYS

SESSION_KEY = "conversation"
NOTED_ROUTES = ("today", "appointment")  # the routes a sign named mid-check can carry, most urgent first
log = logging.getLogger(__name__)


class Question(StrEnum):
    """The question the skill has just asked; "yes", "no" and "I'm not sure" answer only this."""

    WALK = "walk"              # shall I take you through the steps?
    RETURN = "return"          # shall we go back to the step you were on?
    RESUME = "resume"          # last time you were at step N; carry on?
    CHECK = "check"            # one of the warning-sign questions (see check_position)
    FORGET = "forget"          # delete everything stored for you?
    SITUATION = "situation"    # are you still breastfeeding, pumping, or stopping?
    OFFER_CHECK = "offer_check"  # shall I ask three quick questions to check for warning signs?
    REMIND = "remind"          # shall I remind you to check in 12 hours? (at most once a session)
    AFTER_CRISIS = "after_crisis"  # nothing asked, but "no", "okay", "I'm fine now" after a crisis answer
    AFTER_CARE = "after_care"  # nothing asked, but "okay" or "no" after "call 911 now" (hers or her baby's)
    AFTER_DOCTOR = "after_doctor"  # ... after "call the doctor now" (her baby's fever, a swollen calf)
    AFTER_SAFETY = "after_safety"  # ... after the answer about her safety at home
    OFFER_RELIEF = "offer_relief"  # she asked about the lump just after "call 911 now": was that what she meant?
    OPEN = "open"  # "Anything else?", "What's your question?": "yes" asks what she would like to know; "no", goodbye
    WALK_TODAY = "walk_today"  # the steps, offered after "contact your clinician today"
    REACHED = "reached"        # after a same-day answer: have you been able to reach your clinician?
    RETURN_CHECK = "return_check"  # a question answered mid-check: back to the warning-sign questions?


def bounded(value: Any, upper: int) -> int | None:
    """A whole number in [0, upper), or None for anything else (a huge number, inf, text, a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = int(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return number if 0 <= number < upper else None


def stored_step(stored: dict[str, Any]) -> int | None:
    """The step a session's record says she is on, kept in range whatever the session says."""
    return bounded(stored.get("step"), len(STEP_KEYS))


def began_on_a_step(attributes: dict[str, Any] | None) -> bool:
    """Whether the session came in walking the steps (as Alexa sent it back, before this turn)."""
    stored = (attributes or {}).get(SESSION_KEY)
    return isinstance(stored, dict) and stored_step(stored) is not None


@dataclass
class Conversation:
    step: int | None = None          # index of the step she is on while walking the steps
    topic: str | None = None         # the last topic she heard
    question: Question | None = None  # the question awaiting an answer
    check_position: int = 0          # which warning-sign question is awaiting an answer
    situation: str | None = None     # feeding, pumping, weaning or not_lactating, once she has said (session only)
    asked_for: str | None = None     # the topic she asked for while we ask her situation
    restated: bool = False           # the pending check question was restated after "not sure"
    hint_taught: bool = False        # she has heard the full "say next" hint this session
    warned: bool = False             # the last thing she heard led with the warning signs
    reminder_offered: bool = False   # the reminder was offered this session (never offered twice)
    kept_private: bool = False       # she spoke of her safety at home: no reminder (the account holder sees it) this session
    emergency_told: bool = False     # she has heard the emergency answer once (the session stayed open)
    noted: str | None = None         # mid-check she named a sign: its route ("today", "appointment"), which the check ends on
    check_waits: bool = False        # a warning-sign question waits behind "delete everything?" or her safety (kept only while that waits)
    last_reply: dict[str, Any] | None = field(default=None, repr=False)  # for "repeat"

    @classmethod
    def from_session(cls, attributes: dict[str, Any]) -> Conversation:
        """Rebuild from session attributes; anything malformed or out of range is dropped, never raised."""
        stored = attributes.get(SESSION_KEY)
        if not isinstance(stored, dict):
            return cls()
        try:
            question = Question(stored["question"]) if stored.get("question") else None
        except (ValueError, TypeError):
            log.warning("dropped an unknown pending question from the session")
            question = None
        situation = stored.get("situation")
        asked_for = stored.get("asked_for")
        return cls(
            step=stored_step(stored),
            topic=stored.get("topic") if isinstance(stored.get("topic"), str) else None,
            question=question,
            check_position=bounded(stored.get("check_position", 0), len(CHECK_QUESTIONS)) or 0,
            situation=situation if situation in SITUATIONS else None,
            asked_for=asked_for if isinstance(asked_for, str) else None,
            restated=stored.get("restated") is True,
            hint_taught=stored.get("hint_taught") is True,
            warned=stored.get("warned") is True,
            reminder_offered=stored.get("reminder_offered") is True,
            kept_private=stored.get("kept_private") is True,
            emergency_told=stored.get("emergency_told") is True,
            noted=stored.get("noted") if stored.get("noted") in NOTED_ROUTES else None,
            check_waits=stored.get("check_waits") is True,
            last_reply=stored.get("last_reply") if isinstance(stored.get("last_reply"), dict) else None,
        )

    def to_session(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "topic": self.topic,
            "question": self.question.value if self.question else None,
            "check_position": self.check_position,
            "situation": self.situation,
            "asked_for": self.asked_for,
            "restated": self.restated,
            "hint_taught": self.hint_taught,
            "warned": self.warned,
            "reminder_offered": self.reminder_offered,
            "kept_private": self.kept_private,
            "emergency_told": self.emergency_told,
            "noted": self.noted,
            "check_waits": self.check_waits and self.question in (Question.FORGET, Question.AFTER_SAFETY),
            "last_reply": self.last_reply,
        }

    # --- moves -------------------------------------------------------------------------------

    @property
    def walking(self) -> bool:
        return self.step is not None

    def ask(self, question: Question | None) -> None:
        if question is Question.AFTER_SAFETY:
            self.kept_private = True  # for the rest of the session, whatever she asks next
            self.check_waits = self.check_waits or self.question is Question.CHECK  # her answer to it is her cover
        self.question = question

    def walk_to(self, index: int) -> None:
        self.step = index
        self.topic = None

    def stop_walking(self) -> None:
        self.step = None

    def heard_topic(self, topic: str) -> None:
        """A topic answered mid-walk keeps her step so she can return to it."""
        self.topic = topic

    def learn_situation(self, situation: str | None) -> None:
        """She said whether she is feeding, pumping, weaning or making no milk; kept for this session only."""
        if situation in SITUATIONS:
            self.situation = situation

    def may_offer_reminder(self) -> bool:
        """True the first time this session; the offer marks itself made (see handlers/reminders.py)."""
        if self.reminder_offered or self.kept_private:
            return False
        self.reminder_offered = True
        return True

    def note(self, route: str) -> None:
        """A sign she named mid-check: the more urgent of it and any noted before is what the check ends on."""
        if self.noted is None or NOTED_ROUTES.index(route) < NOTED_ROUTES.index(self.noted):
            self.noted = route

    def ask_check_question(self, position: int) -> None:
        self.check_position = position
        self.restated = False


def conversation_of(handler_input: HandlerInput) -> Conversation:
    """The record the interceptor loaded for this turn."""
    return handler_input.attributes_manager.request_attributes[SESSION_KEY]
