"""Her words heard in the context of the question the skill has just asked: the one place that decides.

Alexa matches what she says to an intent without knowing what the skill asked. While a question is
pending, some intents are answers to it whatever they were matched to: "both", "just tell me",
"weaning" or a situation word answer "are you breastfeeding, pumping, or stopping?"; a warning sign
named while a check question waits is a "yes" to it when that question asks about it. The safety
net runs before this (a crisis or emergency is never taken as an answer), and everything not listed
here keeps its own meaning (a topic asked while an offer waits is that topic).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ask_sdk_core.handler_input import HandlerInput

from skill.conversation.render import supports_apl
from skill.conversation.state import Conversation, Question, conversation_of
from skill.handlers.asking import question_unheard
from skill.handlers.beyond import FOLLOW_UP_SPEECH, HELP_FOLLOW_UPS, help_just_given
from skill.handlers.slots import intent_of, slot_words
from skill.handlers.topics import TOPIC_INTENTS
from skill.handlers.triage import pending_position, symptom_route, triage_rules


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
    SITUATION = "situation"  # her situation, said or left unsaid, for the situation question
    AGAIN = "again"          # "help" or "I'm scared" just after "call 911 now": that answer again
    LUMP = "lump"            # the lump asked about just after "call 911 now": "what do I do?" sounds the same
    MEDICINE = "medicine"    # a medicine asked about just after a call for help: hers, or her baby's?
    CHECK_MOVE = "check_move"  # "next" or "go back" while a warning-sign question waits behind her safety
    NO_REMINDER = "no_reminder"  # "remind me" just after a call for help: none is set, and she hears why
    UNHEARD = "unheard"      # "yes" to a question she has not heard yet: she is asked it


@dataclass(frozen=True)
class Heard:
    answer: Answer
    situation: str | None = None  # the situation an answer implies ("weaning" from WeaningIntent)
    resumes_check: bool = False   # an answer to the warning-sign question that waits behind her safety


YES_NO = {"AMAZON.YesIntent": Answer.YES, "AMAZON.NoIntent": Answer.NO}
# While the situation question waits, these intents answer it, with the situation each implies
# (None: unsaid, or carried in the `situation` slot, which the ConversationLoader has already read).
SITUATION_ANSWERS: dict[str, str | None] = {
    "SituationIntent": None,
    "NotSureIntent": None,            # "not sure", "both", "a bit of both", "just tell me"
    "AMAZON.NoIntent": None,          # "no" to "are you still breastfeeding...": unsaid
    "AMAZON.YesIntent": "feeding",    # "yes" to "are you still breastfeeding...": feeding
    "WeaningIntent": "weaning",
    "PumpingIntent": "pumping",
    "KeepFeedingIntent": "feeding",
    "RelieveLumpIntent": None,        # "how do I relieve it" again: the answer she waited for
}


# After a crisis answer nothing was asked, but "no", "okay", "I'm fine now" or words Alexa could not
# place are still heard (the safety net has already answered any danger in them).
# "Next", "go back" or "start over" just after a call for help are "what now?", never the lump steps.
MOVES = frozenset({"AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.StartOverIntent"})
# ("Remind me in 12 hours" then is heard too, as Answer.NO_REMINDER: it would set a self-check and drop the line.)
# "I already called" or "it's stopped now" can reach the situation intent ("already called" unresolved,
# "stopped" resolved to weaning): just after a call for help they are that follow-up, never "are you still
# breastfeeding?" or weaning advice (QA audit 4: F1, F2).
AFTER_CRISIS_ANSWERS = frozenset({*YES_NO, *MOVES, "AMAZON.FallbackIntent", "NotSureIntent", "ReportSymptomIntent",
                                  "FeelingLowIntent", "SituationIntent"})


# After an answer that sends her or her baby for help now (or invites her to say if Alexa misheard),
# "okay", "no", "I'm not sure" or words Alexa could not place are heard, and the number stays in reach.
# "I'm alone with the baby" or "I'm scared" can reach the feeling-low intent: after "call 999 now" or "call the
# doctor now" that call stays first (QA audit 4: F3, the feeling-low answer replaced it).
AFTER_CARE_ANSWERS = frozenset({*YES_NO, *MOVES, "AMAZON.FallbackIntent", "NotSureIntent", "SituationIntent",
                                "FeelingLowIntent"})
# Just after the answer about her safety at home, what she may say because someone came in keeps its own
# meaning, so nothing said aloud names what she told the skill: "start over"; a medicine asked about (hers,
# not one for after a call for help); "remind me" (the reminder's own private refusal, handlers/reminders.py);
# "next" or "go back" in the steps; and her answer to the warning-sign question she was on, which goes on.
COVER_AFTER_SAFETY = frozenset({"AMAZON.StartOverIntent", "PainReliefIntent", "RemindMeIntent"})
STEP_MOVES = frozenset({"AMAZON.NextIntent", "AMAZON.PreviousIntent"})
CHECK_ANSWERS = {**YES_NO, "NotSureIntent": Answer.NOT_SURE,
                 **{move: Answer.CHECK_MOVE for move in STEP_MOVES}}
# ... "help", "what now", "I'm scared" ask for the care answer again, not the skill's help or reassurance;
# and "what do I do?" reaches the relief intent as "how do I relieve a hard lump" does: asked which.
CARE_AGAIN = frozenset({"AMAZON.HelpIntent", "ReassuranceIntent"})
# Any other lump question just after a call for help ("can I massage it", "heat or ice", a bare "what?"
# that Alexa hears as "why do lumps form") is offered, as "what do I do?" is: answered outright, it ended
# "Anything else?" and the number was gone (QA audit 3: F4.1, F4.2). A medicine has its own answer there,
# and "I'm scared" hears the call again. After her safety only "how do I relieve it" is: the others are
# her cover, answered as any other time.
LUMP_QUESTIONS = frozenset(TOPIC_INTENTS) - CARE_AGAIN - {"PainReliefIntent", "FeelingLowIntent"}
# Those that hear "okay", "no", "not sure" or unplaced words as after_care_reply's answer.
CARE_FOLLOW_UPS = frozenset(FOLLOW_UP_SPEECH)
# The states just after a call for help (the crisis answer among them), where those words mean that.
JUST_AFTER_HELP = HELP_FOLLOW_UPS | {Question.OFFER_RELIEF}


# "Not sure", "maybe", "just tell me" to an offer: taken as the answer that keeps her going safely (the
# steps or the check start, and she can say stop), never the same question again (to "What's your
# question?" or "Anything else?", the relief answer: handlers/situation.py); an unsure "have you
# reached them?" is a no, which gives the line to call when they can't be reached; an unsure "shall I
# delete everything?" is a no too: only a yes deletes; and an unsure reminder is none (she can ask for one).
NOT_SURE_MEANS = {Question.WALK: Answer.YES, Question.WALK_TODAY: Answer.YES, Question.OFFER_CHECK: Answer.YES,
                  Question.RETURN: Answer.YES, Question.RETURN_CHECK: Answer.YES, Question.RESUME: Answer.YES,
                  Question.REACHED: Answer.NO, Question.FORGET: Answer.NO,
                  Question.REMIND: Answer.NO}


# The questions whose "yes" does something (starts the steps, sets a reminder, deletes her data). After an
# answer that ends on a phone number the question waits in the reprompt, unheard: "yes" just then is "okay",
# and she is asked it, never taken through the steps she was not offered (QA audit 6: F4). Not on a screen:
# there the question stands at the foot of the answer, "Say Yes or No" (render.screen_asks).
ACTS_ON_YES = frozenset({Question.WALK, Question.WALK_TODAY, Question.REACHED, Question.RETURN, Question.RETURN_CHECK,
                         Question.RESUME, Question.OFFER_CHECK, Question.FORGET, Question.REMIND})


# Questions that offer to go back: "go back" answers them yes.
GO_BACK_QUESTIONS = frozenset({Question.RETURN, Question.RETURN_CHECK})
# ... and "next" to "Back to the warning-sign questions?" is on with the check, never the steps.
GO_ON_QUESTIONS = frozenset({Question.RETURN_CHECK})


def heard_in_context(handler_input: HandlerInput) -> Heard | None:
    """What her words answer, given the pending question; None when they are not an answer to it.

    A pure reading of the request and the loaded record: nothing is changed here.
    """
    intent = intent_of(handler_input)
    if intent is None or handler_input.request_envelope.session is None:
        return None
    conversation = conversation_of(handler_input)
    question = conversation.question
    if question is None:
        return None
    if help_just_given(conversation) is Question.AFTER_SAFETY:
        if intent in COVER_AFTER_SAFETY or (conversation.walking and intent in STEP_MOVES):
            return None
        if conversation.check_waits and intent in CHECK_ANSWERS:
            return Heard(CHECK_ANSWERS[intent], resumes_check=True)
    if question is Question.SITUATION:
        if intent in SITUATION_ANSWERS:
            return Heard(Answer.SITUATION, SITUATION_ANSWERS[intent])
        return None
    if question in JUST_AFTER_HELP and intent in CARE_AGAIN and not slot_words(handler_input):
        return Heard(Answer.AGAIN)
    if intent == "PainReliefIntent" and question in JUST_AFTER_HELP:
        return Heard(Answer.MEDICINE)
    if intent in LUMP_QUESTIONS and question in JUST_AFTER_HELP and (
            intent == "RelieveLumpIntent" or help_just_given(conversation) is not Question.AFTER_SAFETY):
        return Heard(Answer.LUMP)  # said again to the offer, still "what do I do?": only "yes" means the lump
    if intent == "RemindMeIntent" and question in JUST_AFTER_HELP:
        return Heard(Answer.NO_REMINDER)  # a self-check later is not the call to make now: that call again
    if question is Question.AFTER_CRISIS:
        return Heard(Answer.YES) if intent in AFTER_CRISIS_ANSWERS else None
    if question in CARE_FOLLOW_UPS:
        return Heard(Answer.YES) if intent in AFTER_CARE_ANSWERS else None
    if intent == "AMAZON.YesIntent" and question in ACTS_ON_YES and question_unheard(conversation) and \
            not supports_apl(handler_input):  # an Echo Show shows that question at the foot of the answer
        return Heard(Answer.UNHEARD)
    if intent in YES_NO:
        return Heard(YES_NO[intent])
    if intent == "WalkStepsIntent" and question is Question.RESUME:
        return Heard(Answer.YES)  # "what step was I on", "the steps" to "carry on from step 3?": her step
    if intent == "AMAZON.PreviousIntent" and question in GO_BACK_QUESTIONS:
        return Heard(Answer.YES)  # "go back" to "go back to step 2?": there, not a step further back
    if intent == "AMAZON.NextIntent" and question in GO_ON_QUESTIONS:
        return Heard(Answer.YES)
    if intent == "NotSureIntent" and question in NOT_SURE_MEANS:
        return Heard(NOT_SURE_MEANS[question])
    if question is Question.CHECK:
        if intent == "NotSureIntent":
            return Heard(Answer.NOT_SURE)
        if intent == "ReportSymptomIntent" and signs_the_pending_question(handler_input, conversation):
            return Heard(Answer.YES)
    if question is Question.FORGET and intent == "ForgetMeIntent":
        return Heard(Answer.YES)
    return None


def signs_the_pending_question(handler_input: HandlerInput, conversation: Conversation) -> bool:
    """A sign she names ("I have a fever") that the pending check question asks about."""
    rules = triage_rules()
    _, route = rules.questions[pending_position(rules, conversation)]
    return symptom_route(handler_input) == route
