"""Turn what a handler decided to say into Alexa's response: SSML, card and screen.

The only place that knows output formats, and the one place that checks the limits, so every
answer on every device is well-formed SSML of a length she can hear in one go.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.content import REQUEST_KEY as CONTENT_KEY
from skill.content.loader import SharedJson, read_json_document, read_toml
from skill.content.schema import CHECK_QUESTIONS
from skill.conversation.state import Conversation, Question, bounded, conversation_of

if TYPE_CHECKING:  # imported where a screen is drawn: a speaker's Lambda cold start never loads APL's models
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

PAUSE = '<break time="300ms"/>'
RESPONSE_WORD_LIMIT = 50  # everything she hears in one turn, prompts included, numbers digit by digit (heard_words)
APL_DIR = Path(__file__).resolve().parents[1] / "content" / "apl"
APL_TOKEN = "lumpReliefAnswer"
PROMPT_TOKEN = "lumpReliefPrompt"
CARE_LINE = re.compile(r"\b(call|contact|book an appointment)\b", re.IGNORECASE)  # sends her to care
STEP_NUMBER_LIMIT = 100  # a step number kept for "repeat" outside this range is dropped
# Without a market's care lines (content/care_lines.toml), short emergency codes are still read
# digit by digit ("nine one one"), never as "nine hundred and eleven".
DEFAULT_CARE_LINES: tuple[dict[str, str], ...] = tuple(
    {"spoken": code, "say_as": "digits"} for code in ("000", "111", "112", "911", "999"))


class SpeechLimitError(ValueError):
    """A response would be too long to hear in one go, or is not well-formed SSML."""


QUESTIONS = frozenset(question.value for question in Question)
CARD_CHARACTER_LIMIT = 8000  # Alexa refuses a card longer than this
# Characters XML 1.0, and so SSML, cannot carry.
UNSAYABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def sayable(text: Any) -> bool:
    return isinstance(text, str) and UNSAYABLE.search(text) is None


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
    warns: bool = False  # it leads with the warning signs, so the next turn need not repeat them
    shows_strokes: bool = False  # screens draw the gentle strokes toward the armpit and the cold pack
    private: bool = False  # heard, never shown: a screen shows only what she can ask (her safety at home)

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Reply:
        """A reply kept for "repeat"; unknown or malformed fields are dropped.

        The session comes back from the device: what could never have been said or shown (a wrong type,
        a character SSML cannot carry, a card Alexa would refuse) is not said or shown now."""
        fields = {name: stored[name] for name in cls.__dataclass_fields__ if name in stored}
        question = fields.get("question")
        fields["question"] = Question(question) if isinstance(question, str) and question in QUESTIONS else None
        for name in ("step_number", "step_count"):
            fields[name] = bounded(fields.get(name), STEP_NUMBER_LIMIT)
        for name in cls.flags():
            if not isinstance(fields.get(name, False), bool):
                del fields[name]
        speech = fields.get("speech")
        fields["speech"] = [part for part in speech if sayable(part)] if isinstance(speech, list) else []
        if heard_words(" ".join(fields["speech"])) > RESPONSE_WORD_LIMIT:
            fields["speech"] = []
        reprompt = fields.get("reprompt")
        if not sayable(reprompt) or heard_words(reprompt) > RESPONSE_WORD_LIMIT:
            fields["reprompt"] = None
        for name in ("card_title", "card_text", "step_label"):
            if not sayable(fields.get(name)) or len(fields[name]) > CARD_CHARACTER_LIMIT:
                fields[name] = None
        return cls(**fields)

    @classmethod
    def flags(cls) -> tuple[str, ...]:
        """The yes-or-no fields (end_session, warns...), read off the fields themselves."""
        return tuple(name for name, field in cls.__dataclass_fields__.items() if field.type == "bool")

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the session (copied field by field: asdict's deep copy is slow)."""
        stored = {name: getattr(self, name) for name in self.__dataclass_fields__}
        stored["speech"] = list(self.speech)
        stored["question"] = self.question.value if self.question else None
        return stored


def said_last(conversation: Conversation) -> Reply | None:
    """What she heard last, kept for "repeat"; None when nothing was kept or it could not be said now."""
    last = Reply.from_dict(conversation.last_reply or {})
    return last if last.speech else None


@cache
def number_pattern(care_lines: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for a market's care numbers (longest first) and each number's say-as kind."""
    kinds = dict(care_lines)
    alternatives = "|".join(re.escape(spoken) for spoken in sorted(kinds, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])"), kinds


def speech_ssml(sentences: list[str], care_lines: tuple[dict[str, str], ...] = DEFAULT_CARE_LINES) -> str:
    """Sentences become SSML with a short pause between them; text is escaped, never trusted.

    Each of the market's care numbers is marked up so Alexa says it the way people do: 999 as
    "nine nine nine", 0300 100 0212 as a phone number; "triple zero" is already words.
    """
    marked = tuple((line["spoken"], line["say_as"]) for line in care_lines if line.get("say_as"))
    return marked_ssml(tuple(sentences), marked)


@lru_cache(maxsize=4096)
def marked_ssml(sentences: tuple[str, ...], marked: tuple[tuple[str, str], ...]) -> str:
    """speech_ssml's work, done once per distinct answer and market (answers repeat; bounded as spoken_words is)."""
    spoken = PAUSE.join(html.escape(sentence, quote=False) for sentence in sentences if sentence)
    if marked:
        pattern, kinds = number_pattern(marked)
        spoken = pattern.sub(
            lambda match: f'<say-as interpret-as="{kinds[match.group(1)]}">{match.group(1)}</say-as>', spoken)
    return f"<speak>{spoken}</speak>"


def heard_words(text: str) -> int:
    """Words as Alexa speaks them: a number read digit by digit ("nine one one", a phone number)
    counts each digit, and any other number at least as many words as it has digits (an upper bound
    on "twenty four"); everything else one word per word, and punctuation alone (the full stop left
    after a marked-up number, "911 .") none."""
    return sum(max(1, sum(char.isdigit() for char in word)) for word in text.split()
               if any(char.isalnum() for char in word))


def check_ssml(ssml: str, limit: int = RESPONSE_WORD_LIMIT) -> int:
    """Parse the SSML and count the words she hears; raise if it is malformed or too long."""
    try:
        words = spoken_words(ssml)
    except ElementTree.ParseError as error:
        raise SpeechLimitError(f"malformed SSML: {error}") from error
    if words > limit:
        raise SpeechLimitError(f"{words} spoken words, over the {limit}-word limit")
    return words


@lru_cache(maxsize=4096)
def spoken_words(ssml: str) -> int:
    """heard_words of the SSML's text, counted once per distinct answer: the content's answers repeat
    (bounded: the five markets' whole content renders to fewer distinct answers than this), and
    parsing and counting were a third of a turn's time (bench/stages.py, docs/performance.md)."""
    return heard_words(plain_text(ssml))


def plain_text(ssml: str | None) -> str:
    """What a listener hears, as text: tags stripped, spaces folded (for the console and tests)."""
    if not ssml:
        return ""
    return " ".join(" ".join(ElementTree.fromstring(ssml).itertext()).split())


def render(handler_input: HandlerInput, reply: Reply) -> Response:
    """Build the response and remember it, so "repeat" says exactly this again."""
    builder = handler_input.response_builder
    content = handler_input.attributes_manager.request_attributes.get(CONTENT_KEY)
    care_lines = content.care_lines if content is not None else DEFAULT_CARE_LINES
    ssml = speech_ssml(reply.speech, care_lines)
    check_ssml(ssml)
    builder.speak(ssml)
    if reply.reprompt and not reply.end_session:
        reprompt = speech_ssml([reply.reprompt], care_lines)
        check_ssml(reprompt)
        builder.ask(reprompt)
    builder.set_should_end_session(reply.end_session)
    if reply.card_title and reply.card_text:
        builder.set_card(SimpleCard(title=reply.card_title, content=reply.card_text))
        if supports_apl(handler_input):
            builder.add_directive(screen_directive(reply))
    elif supports_apl(handler_input) and (prompt := prompt_directive(handler_input, reply)):
        builder.add_directive(prompt)
    if handler_input.request_envelope.session:
        conversation = conversation_of(handler_input)
        conversation.ask(reply.question)
        conversation.warned = reply.warns
        if reply.remember_for_repeat:
            conversation.last_reply = reply.to_dict()
    return builder.response


def supports_apl(handler_input: HandlerInput) -> bool:
    """A screen that takes APL; callbacks (the answer to a permission request) may come with no device."""
    device = handler_input.request_envelope.context.system.device
    return getattr(getattr(device, "supported_interfaces", None), "alexa_presentation_apl", None) is not None


@cache
def apl_document() -> SharedJson:
    return read_json_document(APL_DIR / "answer.json")


def apl_markup(card_text: str | None) -> str:
    """APL Text shows control characters as spaces and breaks lines only on <br>: "- " becomes "•"."""
    lines = []
    for line in html.escape(card_text or "", quote=False).splitlines():
        line = line.strip()
        lines.append("• " + line[2:] if line.startswith("- ") else line)
    return "<br>".join(lines)


def screen_title(reply: Reply) -> str:
    """The card title without the step label, which the screen shows once, above it."""
    title = reply.card_title or ""
    if reply.step_label and title.startswith(reply.step_label):
        title = title[len(reply.step_label):].strip()
    return html.escape(title, quote=False)


def screen_parts(card_text: str | None) -> tuple[str, str, str]:
    """The card as the screen shows it: the warning (its first paragraph that sends her to care),
    pinned above; the action (the first line that says what to do, with any lead-in before it),
    which must be in view; and the rest, which may scroll. docs/screens.md says why."""
    paragraphs = [block.strip() for block in (card_text or "").split("\n\n") if block.strip()]
    warning = next((block for block in paragraphs if CARE_LINE.search(block)), "")
    lines = [line for block in paragraphs if block != warning for line in (*block.splitlines(), "")][:-1]
    cut = next((index + 1 for index, line in enumerate(lines) if line.strip() and not line.rstrip().endswith(":")),
               len(lines))
    return warning, "\n".join(lines[:cut]), "\n".join(lines[cut:]).strip("\n")


def screen_length(reply: Reply, warning: str, body: str, asks: str) -> int:
    """A rough measure of how much an answer screen must hold, in characters of body text: a line
    beside the drawing holds less, and each line break, the warning, the buttons and the question at
    the foot (`asks`) take room. The document shows its cue to scroll above each screen's capacity
    (@fitsLength); the rendered check (tests/test_screens_fit.py) fails if an answer scrolls without it."""
    drawing = 1.45 if reply.shows_strokes else 1.0
    buttons = 80 if reply.step_number is not None else 0
    question = 40 if asks else 0
    return round(len(body) * drawing + len(warning) + 40 * body.strip().count("\n") + buttons + question)


def screen_asks(reply: Reply) -> str:
    """The yes-or-no question an answer ends with (or waits on in its reprompt, after a number said
    last), and how to answer it, for the foot of its screen; "" when nothing of the kind waits."""
    if reply.question in NOT_YES_OR_NO:
        return ""
    question = next((said for said in (reply.speech[-1] if reply.speech else "", reply.reprompt or "")
                     if said.rstrip().endswith("?")), "")
    if not question:
        return ""
    words = prompt_words()["answer"]
    return f"{question.rstrip()} {words['heading']} {' or '.join(words['choices'])}."


def screen_directive(reply: Reply) -> RenderDocumentDirective:
    """Large, high-contrast text of the answer; next/back buttons while walking the steps."""
    walking = reply.step_number is not None and reply.step_count is not None
    warning, action, rest = screen_parts(reply.card_text)
    asks = screen_asks(reply)
    datasource = {
        "answer": {
            "title": screen_title(reply),
            "warning": apl_markup(warning),
            "action": apl_markup(action),
            "text": apl_markup(rest),
            "screenLength": screen_length(reply, warning, action + "\n" + rest, asks),
            "stepLabel": html.escape(reply.step_label or "", quote=False),
            "asks": html.escape(asks, quote=False),
            "showsStrokes": reply.shows_strokes,
            "canGoBack": bool(walking and reply.step_number > 1),
            "canGoNext": bool(walking and reply.step_number < reply.step_count),
        }
    }
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(token=APL_TOKEN, document=apl_document(), datasources=datasource)


@cache
def prompt_document() -> SharedJson:
    return read_json_document(APL_DIR / "prompt.json")


@cache
def prompt_words() -> dict[str, Any]:
    return read_toml(APL_DIR / "prompts.toml")


# Pending, but not answered by the "Yes" and "No" a prompt screen would offer.
NOT_YES_OR_NO = frozenset({None, Question.OPEN, Question.SITUATION, Question.AFTER_CRISIS, Question.AFTER_CARE,
                           Question.AFTER_DOCTOR, Question.AFTER_SAFETY})


def prompt_directive(handler_input: HandlerInput, reply: Reply) -> RenderDocumentDirective | None:
    """Every reply with no card: what is asked or said, the choices she can say, large, and the
    emergency number beneath. An Echo Show keeps the last document until another comes, so a reply
    that sent none left the last one up: a lump answer while she heard 911, "Say Yes / No" to the
    check while "delete everything?" waited, the answer about her safety after "stop", her quick exit
    (screen and card audits, 2026-12-07)."""
    content = handler_input.attributes_manager.request_attributes.get(CONTENT_KEY)
    launching = handler_input.request_envelope.request.object_type == "LaunchRequest"
    if content is None or not reply.speech:
        return None
    words, terms = prompt_words(), content.get("terms")
    if reply.private:  # whoever walks in sees what anyone could ask, not what she told the skill
        kind, label, question = "launch", terms["skill_name"], ""
    elif reply.question is Question.CHECK:
        number = conversation_of(handler_input).check_position + 1
        kind, label = "check", words["check"]["label"].format(number=number, count=len(CHECK_QUESTIONS))
        question = reply.speech[-1]
    elif reply.question not in NOT_YES_OR_NO:  # "carry on from step 2?"; "What's your question?" is open
        kind, label, question = "answer", terms["skill_name"], " ".join(reply.speech)
    elif launching:
        kind, label, question = "launch", terms["skill_name"], ""
    else:
        kind, label, question = "said", terms["skill_name"], " ".join(reply.speech)
    prompt = {
        "label": html.escape(label, quote=False),
        "question": html.escape(question, quote=False),
        "heading": words[kind]["heading"],
        "choices": [html.escape(choice.format(**terms), quote=False) for choice in words[kind]["choices"]],
        "emergency": html.escape(words["emergency"].format(**terms), quote=False),
    }
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(token=PROMPT_TOKEN, document=prompt_document(), datasources={"prompt": prompt})
