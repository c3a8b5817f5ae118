"""Beyond the breast: her baby's and her own other dangers after the birth reach the right care first.

The danger reader (understanding/danger.py) names the route from her words; the words she hears are
content (`[beyond.<route>]`), each with its source per market. The safety net answers these from any
state. Her safety at home leaves no card: the account holder sees the Alexa app.
"""
from __future__ import annotations

from skill.content import LocaleContent
from skill.content.schema import CARDLESS_BEYOND
from skill.conversation.render import Reply
from skill.conversation.state import Question
from skill.understanding.danger import PSYCHOSIS, SUPPORT

# After these (voices, support) "no", "okay" or "I'm fine now" gets a kind reply with the crisis line;
# after the others (her baby's or her own danger, her safety at home) "okay" or "no" gets the emergency
# number and no crisis line: a suicide line is not what she asked for (after_care_reply).
STAY_WITH_HER = frozenset({PSYCHOSIS, SUPPORT})


def beyond_reply(content: LocaleContent, route: str) -> Reply:
    """The care route first, in the market's words; the session stays open so she can say more."""
    entry = content.get(f"beyond.{route}")
    card = {} if route in CARDLESS_BEYOND else {"card_title": entry["title"], "card_text": entry["card"]}
    return Reply(speech=[entry["speech"]], reprompt=entry["reprompt"], warns=True,
                 question=Question.AFTER_CRISIS if route in STAY_WITH_HER else Question.AFTER_CARE, **card)


def after_crisis_reply(content: LocaleContent) -> Reply:
    """"No", "okay", "I'm fine now" after a crisis answer: a kind word, and the number within reach."""
    entry = content.get("beyond.after_crisis")
    return Reply(speech=[entry["speech"]], reprompt=entry["reprompt"], remember_for_repeat=False)


def after_care_reply(content: LocaleContent) -> Reply:
    """"Okay" or "no" after "call 911 now" (hers or her baby's) or "call the doctor now": never "I didn't
    ask a question" or lumps, but "repeat", room to say what Alexa misheard, and the number last."""
    entry = content.get("beyond.after_care")
    return Reply(speech=[entry["speech"]], reprompt=entry["reprompt"], remember_for_repeat=False)
