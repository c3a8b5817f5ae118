"""Turn what a handler decided to say into Alexa's response: SSML, card and screen.

The only place that knows output formats, and the one place that checks the limits, so every
answer on every device is well-formed SSML of a length she can hear in one go.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Response
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
from ask_sdk_model.ui import SimpleCard

from skill.conversation import Question, conversation_of

PAUSE = '<break time="300ms"/>'
RESPONSE_WORD_LIMIT = 75  # one answer (at most 50 words) plus the prompt that offers the next step
APL_DIR = Path(__file__).parent / "content" / "apl"
APL_TOKEN = "lumpReliefAnswer"
# Emergency and advice lines are read digit by digit ("nine one one"), never as "nine hundred...".
PHONE_NUMBER = re.compile(r"\b(000|111|112|911|999)\b")
DIGITS = r'<say-as interpret-as="digits">\1</say-as>'


class SpeechLimitError(ValueError):
    """A response would be too long to hear in one go, or is not well-formed SSML."""


@dataclass
class Reply:
    """What a handler wants said and shown; plain sentences, no markup."""

    speech: list[str]
    reprompt: str | None = None
    end_session: bool = False
    card_title: str | None = None
    card_text: str | None = None
    question: Question | None = None  # the yes/no question this reply asks, if any
    step_number: int | None = None  # with step_count: "Step 2 of 4" on screens, next/back buttons
    step_count: int | None = None
    step_label: str | None = None
    remember_for_repeat: bool = True

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Reply:
        """A reply kept for "repeat"; unknown or malformed fields are dropped."""
        fields = {name: stored[name] for name in cls.__dataclass_fields__ if name in stored}
        if fields.get("question"):
            fields["question"] = Question(fields["question"])
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the session (copied field by field: asdict's deep copy is slow)."""
        stored = {name: getattr(self, name) for name in self.__dataclass_fields__}
        stored["speech"] = list(self.speech)
        stored["question"] = self.question.value if self.question else None
        return stored


def speech_ssml(sentences: list[str]) -> str:
    """Sentences become SSML with a short pause between them; text is escaped, never trusted."""
    spoken = PAUSE.join(escape(sentence) for sentence in sentences if sentence)
    return f"<speak>{PHONE_NUMBER.sub(DIGITS, spoken)}</speak>"


def check_ssml(ssml: str, limit: int = RESPONSE_WORD_LIMIT) -> int:
    """Parse the SSML and count its spoken words; raise if it is malformed or too long."""
    try:
        words = len(plain_text(ssml).split())
    except ElementTree.ParseError as error:
        raise SpeechLimitError(f"malformed SSML: {error}") from error
    if words > limit:
        raise SpeechLimitError(f"{words} spoken words, over the {limit}-word limit")
    return words


def plain_text(ssml: str | None) -> str:
    """What a listener hears, as text: tags stripped, spaces folded (for the console and tests)."""
    if not ssml:
        return ""
    return " ".join(" ".join(ElementTree.fromstring(ssml).itertext()).split())


def render(handler_input: HandlerInput, reply: Reply) -> Response:
    """Build the response and remember it, so "repeat" says exactly this again."""
    builder = handler_input.response_builder
    ssml = speech_ssml(reply.speech)
    check_ssml(ssml)
    builder.speak(ssml)
    if reply.reprompt and not reply.end_session:
        reprompt = speech_ssml([reply.reprompt])
        check_ssml(reprompt)
        builder.ask(reprompt)
    builder.set_should_end_session(reply.end_session)
    if reply.card_title and reply.card_text:
        builder.set_card(SimpleCard(title=reply.card_title, content=reply.card_text))
        if supports_apl(handler_input):
            builder.add_directive(screen_directive(reply))
    if handler_input.request_envelope.session:
        conversation = conversation_of(handler_input)
        conversation.ask(reply.question)
        if reply.remember_for_repeat:
            conversation.last_reply = reply.to_dict()
    return builder.response


def supports_apl(handler_input: HandlerInput) -> bool:
    interfaces = get_supported_interfaces(handler_input)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


@cache
def apl_document() -> dict[str, Any]:
    with (APL_DIR / "answer.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def screen_directive(reply: Reply) -> RenderDocumentDirective:
    """Large, high-contrast text of the answer; next/back buttons while walking the steps."""
    walking = reply.step_number is not None and reply.step_count is not None
    datasource = {
        "answer": {
            "title": reply.card_title,
            "text": reply.card_text,
            "stepLabel": reply.step_label or "",
            "canGoBack": bool(walking and reply.step_number > 1),
            "canGoNext": bool(walking and reply.step_number < reply.step_count),
        }
    }
    return RenderDocumentDirective(token=APL_TOKEN, document=apl_document(), datasources=datasource)
