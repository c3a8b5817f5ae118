"""What the skill remembers about her between visits, and nothing more.

Only four things are stored (the privacy answers in skill.json promise this): the step she was on
mid-walk, the last topic, how many visits, and the date of the last one. The store is read once at
the start of a session and written only when one of these changed.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput

SESSION_KEY = "memory"
REQUEST_KEY = "memory"
log = logging.getLogger(__name__)


@dataclass
class Memory:
    visits: int = 0
    last_visit: str | None = None
    step: int | None = None
    topic: str | None = None
    forgotten: bool = False  # set by "forget me": nothing may be written after the erase

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> Memory:
        stored = stored or {}
        try:
            return cls(
                visits=int(stored.get("visits", 0)),
                last_visit=stored.get("last_visit") if isinstance(stored.get("last_visit"), str) else None,
                step=int(stored["step"]) if stored.get("step") is not None else None,
                topic=stored.get("topic") if isinstance(stored.get("topic"), str) else None,
            )
        except (TypeError, ValueError):
            return cls()

    def to_stored(self) -> dict[str, Any]:
        stored = asdict(self)
        del stored["forgotten"]
        return stored

    @property
    def returning(self) -> bool:
        """True from the second visit on (this visit is already counted)."""
        return self.visits > 1


def memory_of(handler_input: HandlerInput) -> Memory:
    return handler_input.attributes_manager.request_attributes[REQUEST_KEY]


def recall(handler_input: HandlerInput) -> Memory:
    """Load her memory: from the session when it carries one, else from the store (a new visit)."""
    manager = handler_input.attributes_manager
    session = manager.session_attributes if handler_input.request_envelope.session else {}
    if isinstance(session.get(SESSION_KEY), dict):
        return Memory.from_stored(session[SESSION_KEY])
    try:
        memory = Memory.from_stored(manager.persistent_attributes)
    except PersistenceException as error:
        log.warning("memory unavailable, treating as a first visit", extra={"outcome": type(error).__name__})
        memory = Memory()
    memory.visits += 1
    memory.last_visit = date.today().isoformat()
    return memory


def remember(handler_input: HandlerInput, memory: Memory, step: int | None, topic: str | None,
             step_count: int) -> None:
    """Store her place if it changed; a store failure is logged, never turned into a failed answer."""
    manager = handler_input.attributes_manager
    if memory.forgotten:
        if handler_input.request_envelope.session:
            manager.session_attributes.pop(SESSION_KEY, None)
        return
    memory.step = step if step is not None and step < step_count - 1 else None
    memory.topic = topic or memory.topic
    session = manager.session_attributes if handler_input.request_envelope.session else {}
    stored = memory.to_stored()
    if session.get(SESSION_KEY) == stored:
        return
    try:
        manager.persistent_attributes = stored
        manager.save_persistent_attributes()
    except PersistenceException as error:
        log.warning("could not store her place", extra={"outcome": type(error).__name__})
        return
    if handler_input.request_envelope.session:
        manager.session_attributes[SESSION_KEY] = stored


def forget(handler_input: HandlerInput, memory: Memory) -> None:
    """Erase everything stored for her; raises PersistenceException so she is never told a lie."""
    handler_input.attributes_manager.delete_persistent_attributes()
    memory.forgotten = True
