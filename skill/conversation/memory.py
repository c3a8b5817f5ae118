"""What the skill remembers about her between visits, and nothing more.

Stored between visits, keyed by the id Alexa sends: the step she stopped at mid-walk (to offer to
carry on) and her visit count (for the short "welcome back"), plus a random record id that says
nothing about her (see skill/persistence/changes.py). Never the topic, a date, her feeding
situation or her symptoms: those live only in the session (Amazon's health policy).

The store is changed in place: a new session counts the visit in one atomic change, and the step is
set only when it changed and only in the record the session began with, so a session opened before
"forget me" on another device can never write her record back.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput

from skill.persistence.guard import cause_of
from skill.persistence.changes import MAX_STEP, MAX_VISITS, RecordChanges, bounded

SESSION_KEY = "memory"
REQUEST_KEY = "memory"
MAX_RECORD_ID_LENGTH = 64
log = logging.getLogger(__name__)


@dataclass
class Memory:
    visits: int = 0                  # visits so far, this one included (0: the store was unavailable)
    step: int | None = None          # the step stored for her
    record: str | None = None        # the stored record this session may change; None: change nothing
    forgotten: bool = False          # set by "forget me": nothing may be written after the erase

    @classmethod
    def from_session(cls, stored: dict[str, Any]) -> Memory:
        """Rebuild from session attributes, bounding every value rather than failing a turn."""
        if stored.get("forgotten") is True:  # erased earlier this session: nothing may be written again
            return cls(forgotten=True)
        record = stored.get("record")
        return cls(visits=bounded(stored.get("visits"), 0, MAX_VISITS) or 0,
                   step=bounded(stored.get("step"), 0, MAX_STEP),
                   record=record if isinstance(record, str) and 0 < len(record) <= MAX_RECORD_ID_LENGTH else None)

    def to_session(self) -> dict[str, Any]:
        if self.forgotten:
            return {"forgotten": True}
        return {"visits": self.visits, "step": self.step, "record": self.record}

    def resumable_step(self, step_count: int) -> int | None:
        """The stored step, if it is one of today's steps (the content may have fewer than when it was stored)."""
        return self.step if self.step is not None and self.step < step_count else None

    @property
    def returning(self) -> bool:
        """True from the second visit on (this visit is already counted)."""
        return self.visits > 1


def memory_of(handler_input: HandlerInput) -> Memory:
    return handler_input.attributes_manager.request_attributes[REQUEST_KEY]


def recall(handler_input: HandlerInput, store: RecordChanges | None) -> Memory:
    """Her memory: from the session when it carries one, else counted as a new visit in the store."""
    session = handler_input.attributes_manager.session_attributes if handler_input.request_envelope.session else {}
    if isinstance(session.get(SESSION_KEY), dict):
        return Memory.from_session(session[SESSION_KEY])
    if store is None:
        return Memory()
    try:
        visit = store.count_visit(handler_input.request_envelope)
    except PersistenceException as error:
        log.warning("memory unavailable, treating as a first visit",
                    extra={"outcome": "store failed", "cause": cause_of(error)})
        return Memory()
    return Memory(visits=visit.visits, step=visit.step, record=visit.record or None)


def remember(handler_input: HandlerInput, memory: Memory, store: RecordChanges | None,
             step: int | None, step_count: int, walked: bool = True) -> None:
    """Store her step if it changed (the last step needs no resuming); a store failure is logged once,
    never turned into a failed answer. A turn that neither began nor ended on a step (`walked` False:
    a question asked straight from the wake word) leaves her stored place as it is."""
    manager = handler_input.attributes_manager
    if memory.forgotten:  # kept in the session, so no later turn counts a visit and makes a new record
        manager.session_attributes[SESSION_KEY] = memory.to_session()
        return
    wanted = step if step is not None and 0 <= step < step_count - 1 else None
    if store is not None and memory.record is not None and wanted != memory.step and walked:
        try:
            still_hers = store.set_step(handler_input.request_envelope, memory.record, wanted)
        except PersistenceException as error:
            log.warning("could not store her place", extra={"outcome": "store failed", "cause": cause_of(error)})
        else:
            memory.step = wanted
            if not still_hers:  # erased ("forget me") since this session began: write nothing more
                log.info("her record was erased during this session; not stored", extra={"outcome": "erased"})
                memory.record = None
    manager.session_attributes[SESSION_KEY] = memory.to_session()


def forget(handler_input: HandlerInput, memory: Memory) -> None:
    """Erase everything stored for her; raises PersistenceException so she is never told a lie."""
    handler_input.attributes_manager.delete_persistent_attributes()
    memory.forgotten = True
    memory.record = None
