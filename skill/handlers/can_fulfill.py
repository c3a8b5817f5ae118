"""Name-free routing: tell Alexa whether we can answer, without speaking or storing anything."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent, CanFulfillIntentValues, CanFulfillSlot, CanFulfillSlotValues, CanUnderstandSlotValues,
)

from skill.handlers.topics import TOPIC_INTENTS
from skill.handlers.triage import SYMPTOM_SLOT, reported_symptom

ANSWERABLE = frozenset({*TOPIC_INTENTS, "WalkStepsIntent", "SymptomCheckIntent"})


class CanFulfillHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = handler_input.request_envelope.request.intent
        verdict = CanFulfillIntentValues.NO
        slots: dict[str, CanFulfillSlot] = {}
        if intent.name in ANSWERABLE:
            verdict = CanFulfillIntentValues.YES
        elif intent.name == "ReportSymptomIntent":
            understood = reported_symptom(handler_input) is not None
            verdict = CanFulfillIntentValues.YES if understood else CanFulfillIntentValues.NO
            slots[SYMPTOM_SLOT] = CanFulfillSlot(
                can_understand=CanUnderstandSlotValues.YES if understood else CanUnderstandSlotValues.NO,
                can_fulfill=CanFulfillSlotValues.YES if understood else CanFulfillSlotValues.NO,
            )
        builder = handler_input.response_builder
        builder.set_can_fulfill_intent(CanFulfillIntent(can_fulfill=verdict, slots=slots or None))
        return builder.response
