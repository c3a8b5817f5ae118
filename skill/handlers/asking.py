"""The question still waiting, asked again: after "help", words Alexa cannot place, or "next" at the
last step, she hears it again instead of losing it (a dropped question left her "no" unheard)."""
from __future__ import annotations

from skill.conversation.render import Reply, said_last
from skill.conversation.state import Conversation, Question
from skill.handlers.beyond import HELP_FOLLOW_UPS

# Nothing to ask again: an open "Anything else?", and the follow-ups just after a call for help (no
# question was asked; what she hears then is after_help's).
NOTHING_ASKED = HELP_FOLLOW_UPS | {Question.OPEN}


def waiting_question(conversation: Conversation) -> Reply | None:
    """The reply that asked the question still waiting (a warning-sign question, "shall I take you
    through the steps?"), to ask it again; None when nothing was asked or it cannot be said again."""
    if conversation.question in (None, *NOTHING_ASKED):
        return None
    asked = said_last(conversation)
    return asked if asked and asked.question is conversation.question and asked.reprompt else None


def asked_again(lead: str, asked: Reply) -> Reply:
    """`lead`, then the waiting question in its reprompt's words; the question stays waiting."""
    return Reply(speech=[lead, asked.reprompt], reprompt=asked.reprompt, question=asked.question,
                 remember_for_repeat=False)


def question_unheard(conversation: Conversation) -> Reply | None:
    """The waiting question when she has not heard it: the answer ended on a phone number, kept last, and
    the question waits in the reprompt, said only if she stays silent."""
    asked = waiting_question(conversation)
    return asked if asked and not asked.speech[-1].rstrip().endswith("?") else None


def ask_unheard(asked: Reply) -> Reply:
    """The question itself, in its reprompt's words: now heard, so her next "yes" answers it."""
    return Reply(speech=[asked.reprompt], reprompt=asked.reprompt, question=asked.question)
