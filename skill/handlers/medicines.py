"""A medicine she names, answered as a pharmacist would, never with a dose.

The everyday pain relief NHS mastitis advice names gets the pain-relief answer; the medicines with a
settled answer while breastfeeding (aspirin and what contains it, codeine, tramadol, a prescribed
antibiotic) get theirs from content [medicines]; lecithin, a food supplement, gets the food answer
FoodIntent gives; a medicine Alexa did not resolve, or one
listed as OTHER in the grammar, gets "ask a pharmacist", never a guess.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.render import Reply, render
from skill.conversation.state import Conversation, Question, conversation_of
from skill.handlers.slots import resolved_id, said_value
from skill.handlers.topics import topic_reply, way_back

EVERYDAY = "EVERYDAY"
LECITHIN = "LECITHIN"  # a food supplement: the food answer, the same however she asks about it
# MedicineType id (interaction_model/grammar/en.toml) -> its answer in content [medicines].
ANSWERS = {"ASPIRIN": "aspirin", "CODEINE": "codeine", "TRAMADOL": "tramadol", "ANTIBIOTIC": "antibiotic"}
MEDICINE_SLOT = "medicine"
# Words a device sends in the medicine slot that name how she feeds, not a medicine ("what about
# {medicine}": "what about pumping?" after the feeding answer; "what about breastfeeding with a lump?"):
# answered with that topic, when her words begin with one.
FEEDING_WORDS = {"pumping": "pumping", "pump": "pumping", "expressing": "pumping", "expressing milk": "pumping",
                 "feeding": "keepfeeding", "breastfeeding": "keepfeeding", "nursing": "keepfeeding",
                 "weaning": "weaning", "stopping": "weaning"}


def feeding_topic(said: str | None) -> str | None:
    """The feeding topic her medicine-slot words name ("pumping", "breastfeeding with a lump"), if any:
    only words that begin with how she feeds, so "ibuprofen while breastfeeding" stays a medicine."""
    words = (said or "").strip().lower()
    return FEEDING_WORDS.get(words) or FEEDING_WORDS.get(words.split(" ", 1)[0]) if words else None


def medicine_reply(content: LocaleContent, conversation: Conversation, medicine: str | None = None,
                   named: bool = False) -> Reply:
    """`medicine` is the MedicineType id Alexa resolved; `named` is True when she named one at all."""
    if not named or medicine == EVERYDAY:
        return topic_reply(content, conversation, "painrelief")
    if medicine == LECITHIN:
        return topic_reply(content, conversation, "food")
    entry = content.get(f"medicines.{ANSWERS.get(medicine or '', 'unknown')}")
    follow, question = way_back(content, conversation)
    return Reply(speech=[entry["speech"], follow], reprompt=follow, question=question,
                 card_title=entry["title"], card_text=entry["card"])


class PainReliefHandler(AbstractRequestHandler):
    """"What can I take for the pain", "can I take aspirin", "is codeine okay"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("PainReliefIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        said = said_value(handler_input, MEDICINE_SLOT)
        medicine = resolved_id(handler_input, MEDICINE_SLOT)
        if medicine is None and (topic := feeding_topic(said)):
            return render(handler_input, topic_reply(content, conversation, topic))
        return render(handler_input, medicine_reply(content, conversation, medicine, named=said is not None))
