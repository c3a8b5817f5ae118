"""Work every turn needs: bind the market's words, and load and store her place."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from skill import content
from skill.conversation import memory, state
from skill.content import ContentLibrary, content_of
from skill.conversation.state import Conversation
from skill.persistence.changes import RecordChanges
from skill.handlers.slots import said_situation

# Request types that start or continue a conversation with her (so her memory matters).
CONVERSATIONAL = frozenset({"LaunchRequest", "IntentRequest", "Alexa.Presentation.APL.UserEvent"})


class ContentInterceptor(AbstractRequestInterceptor):
    """Picks the words for the request's locale once, before any handler runs."""

    def __init__(self, library: ContentLibrary):
        self.library = library

    def process(self, handler_input: HandlerInput) -> None:
        locale = getattr(handler_input.request_envelope.request, "locale", None)
        handler_input.attributes_manager.request_attributes[content.REQUEST_KEY] = self.library.for_locale(locale)


class ConversationLoader(AbstractRequestInterceptor):
    """Rebuilds her record; a `situation` slot on any intent ("I'm weaning, how do I...") updates it."""

    def process(self, handler_input: HandlerInput) -> None:
        session = handler_input.attributes_manager.session_attributes if handler_input.request_envelope.session else {}
        record = Conversation.from_session(session or {})
        record.learn_situation(said_situation(handler_input))
        handler_input.attributes_manager.request_attributes[state.SESSION_KEY] = record


def record_changes(persistence: object) -> RecordChanges | None:
    """The store's in-place changes to her record; a store without them (a bare SDK adapter) keeps nothing."""
    return persistence if isinstance(persistence, RecordChanges) else None


class MemoryLoader(AbstractRequestInterceptor):
    """Counts her visit once per session; name-free and session-end requests touch no store."""

    def __init__(self, persistence: object = None):
        self.store = record_changes(persistence)

    def process(self, handler_input: HandlerInput) -> None:
        if get_request_type(handler_input) in CONVERSATIONAL and handler_input.request_envelope.session:
            recalled = memory.recall(handler_input, self.store)
            handler_input.attributes_manager.request_attributes[memory.REQUEST_KEY] = recalled


class ConversationSaver(AbstractResponseInterceptor):
    """Stores the record in the session, and her step in the store when it changed."""

    def __init__(self, persistence: object = None):
        self.store = record_changes(persistence)

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if not handler_input.request_envelope.session:
            return
        manager = handler_input.attributes_manager
        record = state.conversation_of(handler_input)
        manager.session_attributes[state.SESSION_KEY] = record.to_session()
        remembered = manager.request_attributes.get(memory.REQUEST_KEY)
        if remembered is not None:
            steps = len(content_of(handler_input).steps)
            walked = record.walking or state.began_on_a_step(handler_input.request_envelope.session.attributes)
            memory.remember(handler_input, remembered, self.store, record.step, steps, walked)

