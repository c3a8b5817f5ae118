"""Walking her through the relief steps one at a time: next, go back, start over."""
from __future__ import annotations

from skill.content import LocaleContent
from skill.conversation.state import Conversation, Question
from skill.conversation.render import Reply, said_last
from skill.handlers.asking import asked_again, waiting_question
from skill.handlers.reminders import offer_reminder
from skill.handlers.triage import check_step_reply


STROKES_STEP = "comfort"  # the step of gentle strokes and the cold pack: its screen shows them


def step_hint_reply(content: LocaleContent, lead: list[str] | None = None) -> Reply:
    """Mid-steps, words that move nothing ("no", "just tell me", words Alexa cannot place): how to go on,
    never "I didn't ask a question"; the step she is on stays hers for "repeat"."""
    hint = content.text("prompts.step_hint")
    return Reply(speech=[*(lead or []), hint], reprompt=hint, remember_for_repeat=False)


def step_reply(content: LocaleContent, conversation: Conversation, index: int,
               lead: list[str] | None = None) -> Reply:
    """Say step `index`, with its number and how to move on; moves her to that step.

    A step's warning is said unless she has just heard one; the full "say next" hint is taught
    once a session, then shortened, so every turn fits one breath.
    """
    conversation.walk_to(index)
    step = content.steps[index]
    count = len(content.steps)
    numbers = {"step_number": index + 1, "step_count": count}
    heading = content.text("prompts.step_heading", **numbers)
    warning = step.get("warning")
    spoken_warning = [warning] if warning and not conversation.warned else []
    offer = offer_reminder(content, conversation) if index == count - 1 else None
    if offer:  # the end of the walk: offered once a session, a reminder to check in 12 hours
        hint = offer.speech[0]
    elif index == count - 1:
        hint = content.text("prompts.last_step")
    elif conversation.hint_taught:
        hint = content.text("prompts.step_hint_short")
    else:
        hint = content.text("prompts.step_hint")
        conversation.hint_taught = True
    title, card = content.fitted_card(step, conversation.situation)
    return Reply(
        speech=[*(lead or []), heading, *spoken_warning, content.fitting(step, conversation.situation), hint],
        reprompt=offer.reprompt if offer else hint,
        question=offer.question if offer else None,
        card_title=f"{heading} {title}",
        card_text=card,
        step_number=index + 1,
        step_count=count,
        step_label=heading,
        warns=bool(spoken_warning),
        shows_strokes=step.get("key") == STROKES_STEP,
    )


def walk_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """The first step at once: the steps are written to be safe for every situation, and fit
    hers once she has said it (she is asked with the overview, which offers the steps). During the
    warning-sign check, as "next" does, it waits for her answer: the check is never dropped. Mid-walk
    it is "what step am I on?": the step she is on ("start over" restarts; QA audit 6: F10), with the
    reminder offer if that step ended on it."""
    if conversation.question is Question.CHECK:
        return check_step_reply(content, conversation, back=False)
    if conversation.walking and conversation.question is Question.REMIND and (offered := waiting_question(conversation)):
        return offered  # the last step, its reminder offer still waiting (QA audit 7: F13, the offer was dropped)
    return step_reply(content, conversation, conversation.step if conversation.walking else 0)


def next_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """Next moves one step on; outside a walk it starts one, after the last it says so; during the
    warning-sign check it waits for her answer."""
    if conversation.question is Question.CHECK:
        return check_step_reply(content, conversation, back=False)
    if not conversation.walking:
        return step_reply(content, conversation, 0)
    if conversation.step >= len(content.steps) - 1:
        if offered := waiting_question(conversation):  # the last step's reminder offer: never dropped
            return asked_again(content.text("prompts.last_step_short"), offered)
        hint = content.text("prompts.last_step")
        return Reply(speech=[hint], reprompt=hint)
    return step_reply(content, conversation, conversation.step + 1)


def previous_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """Go back moves one step back; at the first step it says so and reads it again. During the check
    it asks the question before; otherwise what she heard last is said again, its question still open."""
    if conversation.question is Question.CHECK:
        return check_step_reply(content, conversation, back=True)
    if not conversation.walking:
        if last := said_last(conversation):
            return last
        text = content.text("prompts.nothing_before")
        return Reply(speech=[text], reprompt=content.text("system.help.reprompt"), question=conversation.question,
                     remember_for_repeat=False)
    if conversation.step == 0:
        return step_reply(content, conversation, 0, lead=[content.text("prompts.first_step")])
    return step_reply(content, conversation, conversation.step - 1)
