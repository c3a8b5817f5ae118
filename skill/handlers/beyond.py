"""Beyond the breast: her baby's and her own other dangers after the birth reach the right care first.

The danger reader (understanding/danger.py) names the route from her words; the words she hears are
content (`[beyond.<route>]`), each with its source per market. The safety net answers these from any
state. Her safety at home leaves no card: the account holder sees the Alexa app.
"""
from __future__ import annotations

from skill.content import LocaleContent
from skill.content.schema import CARDLESS_BEYOND
from skill.conversation.render import Reply
from skill.conversation.state import Conversation, Question
from skill.understanding.danger import (ABUSE, BABY_EMERGENCY, BABY_FEVER, BABY_URGENT, MOTHER_EMERGENCY,
                                        MOTHER_URGENT, PSYCHOSIS, SUPPORT)

# What "okay", "no" or "I'm not sure" is heard as after each route. After support: a kind reply with
# the crisis line. After the others, no crisis line (a suicide line is not what she asked for), but the
# call she was told to make, then the emergency number last (after_care_reply). Voices are an
# emergency ("call 911 now"), so they are followed up as one: never "if things change" (clinical
# review, 2026-12-06).
FOLLOW_UP = {SUPPORT: Question.AFTER_CRISIS, PSYCHOSIS: Question.AFTER_CARE,
             BABY_EMERGENCY: Question.AFTER_CARE, MOTHER_EMERGENCY: Question.AFTER_CARE,
             BABY_FEVER: Question.AFTER_DOCTOR, BABY_URGENT: Question.AFTER_DOCTOR,
             MOTHER_URGENT: Question.AFTER_DOCTOR, ABUSE: Question.AFTER_SAFETY}
# The words of each follow-up, in [beyond.after_care].
FOLLOW_UP_SPEECH = {Question.AFTER_CARE: "speech", Question.AFTER_DOCTOR: "doctor_speech",
                    Question.AFTER_SAFETY: "safety_speech"}
# The follow-ups just after a call for help: those above, and the crisis answer's.
HELP_FOLLOW_UPS = frozenset({*FOLLOW_UP_SPEECH, Question.AFTER_CRISIS})
# The goodbye after each ("stop" just after a call for help): [beyond.<entry>] field, "goodbye_" before
# the follow-up's own field.
GOODBYE_AFTER = {**{question: ("after_care", f"goodbye_{field}") for question, field in FOLLOW_UP_SPEECH.items()},
                 Question.AFTER_CRISIS: ("after_crisis", "goodbye_speech")}


def beyond_reply(content: LocaleContent, route: str, checking: bool = False) -> Reply:
    """The care route first, in the market's words; the session stays open so she can say more. Her safety
    at home is heard, never shown: an Echo Show in the room shows only what she can ask. Said while her own
    warning-sign question waited, a doctor call (her baby's fever) names the check in its reprompt, so her
    own questions are not lost (QA audit 4: F15); after "call 911 now" nothing else is asked."""
    entry = content.get(f"beyond.{route}")
    card = {} if route in CARDLESS_BEYOND else {"card_title": entry["title"], "card_text": entry["card"]}
    question = FOLLOW_UP.get(route)
    reprompt = reprompt_after(content, question, entry["reprompt"]) if checking else entry["reprompt"]
    return Reply(speech=[entry["speech"]], reprompt=reprompt, warns=True,
                 question=question, private=route == ABUSE, **card)


def reprompt_after(content: LocaleContent, told: Question | None, line: str) -> str:
    """The reprompt after a call for help, `line` last: after a doctor call (her baby's fever) it names her
    own warning-sign check first, never as a yes she could give by saying "okay" (QA audit 4: F7, F15).
    After "call 911 now" nothing else: a confused mother's three "no"s would end the check on "no warning
    signs" (clinical review 2026-12-07)."""
    if told is not Question.AFTER_DOCTOR:
        return line
    return f"{content.get('beyond.after_care')['check_reprompt']} {line}"


def after_crisis_reply(content: LocaleContent) -> Reply:
    """"No", "okay", "I'm fine now" after a crisis answer: a kind word, and the number within reach. The
    follow-up stays pending, as after any call for help: her next words are heard as just after it too."""
    entry = content.get("beyond.after_crisis")
    return Reply(speech=[entry["speech"]], reprompt=entry["reprompt"], question=Question.AFTER_CRISIS,
                 remember_for_repeat=False)


def goodbye_after_low_reply(content: LocaleContent) -> Reply:
    """"Stop" just after the feeling-low answer: the sentence she was just given, and her own line last."""
    return Reply(speech=[content.get("beyond.after_crisis")["low_goodbye_speech"]], end_session=True,
                 remember_for_repeat=False)


def after_low_reply(content: LocaleContent) -> Reply:
    """Words Alexa cannot place straight after the feeling-low answer: a kind word and her 24/7 line."""
    entry = content.get("beyond.after_crisis")
    return Reply(speech=[entry["low_speech"]], reprompt=entry["reprompt"], remember_for_repeat=False)


def after_care_reply(content: LocaleContent, question: Question | None = Question.AFTER_CARE) -> Reply:
    """"Okay" or "no" after "call 911 now", "call the doctor now" or the answer about her safety: never
    "I didn't ask a question" or lumps, but the call to make, "repeat", and the number last."""
    entry = content.get("beyond.after_care")
    question = question if question in FOLLOW_UP_SPEECH else Question.AFTER_CARE
    # The follow-up stays pending: a second "okay", or "what do I do?", is still heard as just after it.
    return Reply(speech=[entry[FOLLOW_UP_SPEECH[question]]], reprompt=entry["reprompt"], question=question,
                 remember_for_repeat=False)


def after_help_reply(content: LocaleContent, told: Question | None) -> Reply:
    """"Okay", "no" or "not sure" just after a call for help (or to the lump offer after it): that call
    again, the crisis answer's kind reply or the care follow-up."""
    return after_crisis_reply(content) if told is Question.AFTER_CRISIS else after_care_reply(content, told)


def no_reminder_after_help_reply(content: LocaleContent, told: Question | None) -> Reply:
    """"Remind me in 12 hours" just after a call for help: a self-check later is not the call to make now.
    Nothing is set, she hears so (QA audit 2: her request went unanswered), then that call again."""
    reply = after_help_reply(content, told)
    reply.speech.insert(0, content.get("beyond.after_care")["no_reminder_speech"])
    return reply


def medicine_after_help_reply(content: LocaleContent, told: Question | None) -> Reply:
    """A medicine asked about just after a call for help: no medicine for her baby, or for this, without
    advice (Alexa sends the medicine, never whose it is); the follow-up she was given stays pending."""
    entry = content.get("beyond.after_care")
    words = entry["medicine_crisis_speech" if told is Question.AFTER_CRISIS else "medicine_speech"]
    return Reply(speech=[words], reprompt=entry["reprompt"], question=told, remember_for_repeat=False)


def help_just_given(conversation: Conversation) -> Question | None:
    """The follow-up of the call for help she has just heard, if she has: after the lump offer, the one
    before it (the answer to repeat is still that call's)."""
    question = conversation.question
    if question is Question.OFFER_RELIEF:
        question = Reply.from_dict(conversation.last_reply or {}).question
    return question if question in HELP_FOLLOW_UPS else None


def goodbye_after_help_reply(content: LocaleContent, told: Question) -> Reply:
    """"Stop" just after a call for help: goodbye, with that call and the number last, never only "take care"."""
    entry, field = GOODBYE_AFTER[told]
    return Reply(speech=[content.get(f"beyond.{entry}")[field]], end_session=True, remember_for_repeat=False)


def lump_or_help_now_reply(content: LocaleContent, told: Question | None) -> Reply:
    """Just after "call 911 now", "what do I do?" and "how do I relieve a hard lump" reach the same intent:
    lump care is offered, not given, after the call she was given (the doctor's, or her crisis line last),
    and the number comes last. Just after the answer about her safety, the offer names nothing of it: the
    lump may be her cover because someone came in."""
    entry = content.get("beyond.after_care")
    if told is Question.AFTER_SAFETY:
        speech, reprompt = entry["safety_lump_speech"], entry["safety_lump_reprompt"]
    elif told is Question.AFTER_CRISIS:
        speech, reprompt = entry["crisis_lump_speech"], content.get("beyond.after_crisis")["reprompt"]
    else:
        speech = entry["doctor_lump_speech" if told is Question.AFTER_DOCTOR else "lump_speech"]
        reprompt = entry["reprompt"]
    return Reply(speech=[speech], reprompt=reprompt, question=Question.OFFER_RELIEF, remember_for_repeat=False)
