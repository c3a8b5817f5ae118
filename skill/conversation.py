"""The one record of where she is in the conversation, and the moves that change it.

Handlers never touch session attributes; they read and move this record, and one interceptor
loads it before a turn and stores it after, so "next", "repeat" and "yes" always know the context.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

SESSION_KEY = "conversation"


class Question(StrEnum):
    """The yes/no question the skill has just asked; "yes" and "no" answer only this."""

    WALK = "walk"        # shall I take you through the steps?
    RETURN = "return"    # shall we go back to the step you were on?
    RESUME = "resume"    # last time you were at step N; carry on?
    CHECK = "check"      # one of the warning-sign questions (see check_position)
    FORGET = "forget"    # delete everything stored for you?


@dataclass
class Conversation:
    step: int | None = None          # index of the step she is on while walking the steps
    topic: str | None = None         # the last topic she heard
    question: Question | None = None  # the yes/no question awaiting an answer
    check_position: int = 0          # which warning-sign question is awaiting an answer
    last_reply: dict[str, Any] | None = field(default=None, repr=False)  # for "repeat"

    @classmethod
    def from_session(cls, attributes: dict[str, Any]) -> Conversation:
        """Rebuild from session attributes, ignoring anything malformed rather than failing a turn."""
        stored = attributes.get(SESSION_KEY)
        if not isinstance(stored, dict):
            return cls()
        try:
            question = Question(stored["question"]) if stored.get("question") else None
            step = stored.get("step")
            return cls(
                step=int(step) if step is not None else None,
                topic=stored.get("topic") if isinstance(stored.get("topic"), str) else None,
                question=question,
                check_position=int(stored.get("check_position", 0)),
                last_reply=stored.get("last_reply") if isinstance(stored.get("last_reply"), dict) else None,
            )
        except (ValueError, TypeError):
            return cls()

    def to_session(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "topic": self.topic,
            "question": self.question.value if self.question else None,
            "check_position": self.check_position,
            "last_reply": self.last_reply,
        }

    # --- moves -------------------------------------------------------------------------------

    @property
    def walking(self) -> bool:
        return self.step is not None

    def ask(self, question: Question | None) -> None:
        self.question = question

    def walk_to(self, index: int) -> None:
        self.step = index
        self.topic = None

    def stop_walking(self) -> None:
        self.step = None

    def heard_topic(self, topic: str) -> None:
        """A topic answered mid-walk keeps her step so she can return to it."""
        self.topic = topic


def conversation_of(handler_input: HandlerInput) -> Conversation:
    """The record the interceptor loaded for this turn."""
    return handler_input.attributes_manager.request_attributes[SESSION_KEY]
