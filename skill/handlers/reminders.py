"""Follow-through: "remind me to check in 12 hours", through Alexa's Reminders API.

The reminder lives in her Alexa account; the skill keeps nothing about it (no token, no time, no
reason), in the session or the store. Permission is asked Alexa's way: a Connections.SendRequest
AskFor directive, then the Connections.Response. Every API fault costs her one calm sentence and
one log line without her ids, never the rest of the turn (see docs/reminders.md).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type, is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.permission_status import PermissionStatus
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.alexa_api.client import AlexaApi, AlexaApiError
from skill.alexa_api.reminders import ListedReminder, create_reminder, delete_reminder, list_reminders, time_zone
from skill.content import LocaleContent, content_of
from skill.conversation.render import Reply, render
from skill.conversation.state import Conversation, Question, conversation_of
from skill.handlers.reminder_time import (
    DEFAULT_SECONDS, clock_of, duration_seconds, next_time, seconds_until, within_bounds,
)

log = logging.getLogger(__name__)
SPOKEN_WHEN = re.compile(r"(today|tomorrow|on (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day) at ((1[0-2]|[1-9])(:[0-5]\d)? [AP]M|noon)")
SCOPE = "alexa::alerts:reminders:skill:readwrite"
ASK_FOR = "AskFor"
CONNECTIONS_RESPONSE = "Connections.Response"
TOKEN_PREFIX = "remind:"  # the directive's token carries the delay (and the time she named), back to us as is
TOKEN_WHEN = "|"          # between the delay and the time she named, in the token: "remind:74152|today at 9 PM"
MAX_DELETES = 3           # "cancel" deletes at most this many, so a slow API cannot hold her turn
# Amazon's answers that mean she has not allowed this skill's reminders (401 for every call in
# ask-sdk-model's reminder_management client; 403 for a create): say how to allow them.
NOT_ALLOWED = frozenset({"unauthorized", "forbidden"})


@dataclass(frozen=True)
class ReminderAccess:
    """How to reach the Reminders API: the request's own apiEndpoint, or the loopback stand-in."""

    stand_in: str | None = None

    def api(self, handler_input: HandlerInput) -> AlexaApi:
        system = handler_input.request_envelope.context.system
        return AlexaApi.for_request(system.api_endpoint, system.api_access_token, self.stand_in)


def has_permission(handler_input: HandlerInput) -> bool:
    """True when she granted this skill her reminders (context.System.user.permissions.scopes)."""
    user = handler_input.request_envelope.context.system.user
    scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
    scope = scopes.get(SCOPE) if isinstance(scopes, dict) else None
    return getattr(scope, "status", None) == PermissionStatus.GRANTED


def offer_reminder(content: LocaleContent, conversation: Conversation) -> Reply | None:
    """The few-word offer, once a session: the hook the reply builders call at the end of her answer."""
    if not conversation.may_offer_reminder():
        return None
    return Reply(speech=[content.text("reminders.offer.speech")],
                 reprompt=content.text("reminders.offer.reprompt"), question=Question.REMIND)


def said_reply(content: LocaleContent, name: str, **values: int | str) -> Reply:
    """What happened to her reminders, then "Anything else?": the microphone is
    never left open with nothing asked ("no" is a goodbye, "yes" asks what)."""
    follow = content.text("prompts.anything_else")
    return Reply(speech=[content.text(f"reminders.{name}.speech", **values), follow],
                 reprompt=content.text(f"reminders.{name}.reprompt"), question=Question.OPEN,
                 remember_for_repeat=False)


def failed(handler_input: HandlerInput, error: AlexaApiError, action: str) -> None:
    log.warning("reminders call failed", extra={"request_type": get_request_type(handler_input),
                                                 "outcome": f"{action}: {error.reason}"[:60]})


def set_reply(content: LocaleContent, seconds: int, when: str | None = None) -> Reply:
    """The delay in words ("1 hour and 30 minutes"); a time of day she named is confirmed as a clock
    time ("tomorrow at 8 AM"), never as "23 hours and 10 minutes"."""
    if when:
        return said_reply(content, "set_at", when=when)
    hours, minutes = divmod(round(seconds / 60), 60)
    if minutes:
        return said_reply(content, "set_one_hour_minutes" if hours == 1 else "set_minutes",
                          hours=hours, minutes=minutes)
    if hours == 1:
        return said_reply(content, "set_one_hour")
    return said_reply(content, "set", hours=hours)


def with_consent_card(response: Response) -> Response:
    response.card = AskForPermissionsConsentCard(permissions=[SCOPE])
    return response


class Reminders:
    """The reminder turns, each a reply (or the AskFor directive) for one request."""

    def __init__(self, access: ReminderAccess):
        self.access = access

    def create(self, handler_input: HandlerInput, seconds: int, when: str | None = None) -> Response:
        """Create it now (permission granted), confirming the time in words; a fault is one calm sentence."""
        content = content_of(handler_input)
        locale = handler_input.request_envelope.request.locale or content.locale
        try:
            create_reminder(self.access.api(handler_input), seconds, locale, content.text("reminders.text"))
        except AlexaApiError as error:
            failed(handler_input, error, "create")
            if error.reason in NOT_ALLOWED:  # the permission was taken back: say how to allow it
                return with_consent_card(render(handler_input, said_reply(content, "permission")))
            # Past the deadline Amazon may still have made it: "failed" had her ask again, for a second one.
            return render(handler_input, said_reply(content, "maybe_set" if error.reason == "timeout" else "failed"))
        log.info("reminder set", extra={"request_type": get_request_type(handler_input), "outcome": "reminder set"})
        return render(handler_input, set_reply(content, seconds, when))

    def create_or_ask(self, handler_input: HandlerInput, seconds: int, when: str | None = None) -> Response:
        if conversation_of(handler_input).kept_private:  # the reminder, its card and notification are the account holder's too
            return render(handler_input, said_reply(content_of(handler_input), "private"))
        if has_permission(handler_input):
            return self.create(handler_input, seconds, when)
        conversation_of(handler_input).ask(None)
        token = f"{TOKEN_PREFIX}{seconds}{TOKEN_WHEN}{when}" if when else f"{TOKEN_PREFIX}{seconds}"
        directive = SendRequestDirective(name=ASK_FOR, token=token, payload={
            "@type": "AskForPermissionsConsentRequest", "@version": "2",
            "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
        })
        return handler_input.response_builder.add_directive(directive).response

    def asked(self, handler_input: HandlerInput) -> Response:
        """"Remind me to check in six hours", "remind me tomorrow morning"."""
        seconds, when = self.requested_seconds(handler_input)
        if isinstance(seconds, str):
            return render(handler_input, said_reply(content_of(handler_input), seconds))
        return self.create_or_ask(handler_input, seconds, when)

    def accepted_offer(self, handler_input: HandlerInput, content: LocaleContent) -> Response:
        """"Yes" to the offer: a reminder in 12 hours, unless one from an earlier visit is still to come (the
        offer is made once a session, and nothing about her reminders is kept between visits)."""
        if has_permission(handler_input) and not conversation_of(handler_input).kept_private:
            try:
                waiting = self.waiting(handler_input)
            except AlexaApiError as error:  # unreadable: set it, as before the check
                failed(handler_input, error, "list")
                waiting = []
            if waiting:
                when = self.when_next(handler_input, waiting)
                reply = said_reply(content, "already_set", when=when) if when else said_reply(content, "next_unknown")
                return render(handler_input, reply)
        return self.create_or_ask(handler_input, DEFAULT_SECONDS)

    def waiting(self, handler_input: HandlerInput) -> list[ListedReminder]:
        """Her reminders from this skill that are still to come (Amazon lists done ones too)."""
        return [reminder for reminder in list_reminders(self.access.api(handler_input)) if reminder.status != "COMPLETED"]

    def requested_seconds(self, handler_input: HandlerInput) -> tuple[int | str, str | None]:
        """Seconds from now she asked for (with the clock time in words, when she named one), or the
        name of the reply that says why not."""
        intent = handler_input.request_envelope.request.intent
        slots = intent.slots or {}
        duration = getattr(slots.get("duration"), "value", None)
        time = getattr(slots.get("time"), "value", None)
        when = None
        if duration:
            seconds = duration_seconds(duration)
        elif time:
            clock = clock_of(time)
            if clock is None:
                return "out_of_range", None
            try:
                local_now = self.local_now(handler_input)
            except (AlexaApiError, ValueError) as error:
                failed(handler_input, error if isinstance(error, AlexaApiError) else AlexaApiError(str(error)),
                       "time zone")
                return "no_time_zone", None
            seconds = seconds_until(clock, local_now)
            when = clock_words(local_now, next_time(clock, local_now))
        else:
            seconds = DEFAULT_SECONDS
        if seconds is None or not within_bounds(seconds):
            return "out_of_range", None
        return seconds, when

    def local_now(self, handler_input: HandlerInput) -> datetime:
        """Her device's clock; an unknown zone is a ValueError. zoneinfo is imported here: only a reminder at
        a clock time needs it, and every Lambda cold start would pay for it."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        device_id = getattr(handler_input.request_envelope.context.system.device, "device_id", None)
        if not isinstance(device_id, str) or not device_id:
            raise ValueError("no device id")
        zone = time_zone(self.access.api(handler_input), device_id)
        try:
            return datetime.now(timezone.utc).astimezone(ZoneInfo(zone))
        except ZoneInfoNotFoundError as error:
            raise ValueError("unknown time zone") from error

    def with_listed(self, handler_input: HandlerInput,
                    then: Callable[[HandlerInput, list[ListedReminder]], Reply]) -> Response:
        """Her reminders from this skill passed to `then`; "none", or one calm sentence if unreadable."""
        content = content_of(handler_input)
        if not has_permission(handler_input):  # turned off since one was set? The skill cannot see them
            return render(handler_input, said_reply(content, "unseen"))
        try:
            reminders = self.waiting(handler_input)
            reply = then(handler_input, reminders) if reminders else said_reply(content, "none")
        except AlexaApiError as error:
            failed(handler_input, error, getattr(then, "__name__", "list"))
            reply = said_reply(content, "unreachable")
        return render(handler_input, reply)

    def cancel(self, handler_input: HandlerInput) -> Response:
        """"Cancel my reminder": deletes this skill's reminders in her account."""
        return self.with_listed(handler_input, self.delete_all)

    def delete_all(self, handler_input: HandlerInput, reminders: list[ListedReminder]) -> Reply:
        """The soonest first; what one turn could not delete is said, never "cancelled" for all."""
        soonest = sorted(reminders, key=lambda reminder: (reminder.scheduled is None, reminder.scheduled or datetime.min))
        for reminder in soonest[:MAX_DELETES]:
            delete_reminder(self.access.api(handler_input), reminder.token)
        left = len(soonest) - MAX_DELETES
        if left == 1:
            return said_reply(content_of(handler_input), "cancelled_all_but_one", count=MAX_DELETES)
        if left > 1:
            return said_reply(content_of(handler_input), "cancelled_some", count=MAX_DELETES, left=left)
        return said_reply(content_of(handler_input), "cancelled")

    def next_one(self, handler_input: HandlerInput) -> Response:
        """"What reminders do I have": when the next one from this skill is."""
        return self.with_listed(handler_input, self.next_reply)

    def next_reply(self, handler_input: HandlerInput, reminders: list[ListedReminder]) -> Reply:
        """Its day and time ("tomorrow at 6:25 PM"), in her time zone; only the time if that is unreadable
        (Amazon lists each reminder's time as her local clock, with no day relative to today)."""
        content = content_of(handler_input)
        when = self.when_next(handler_input, reminders)
        return said_reply(content, "next", when=when) if when else said_reply(content, "next_unknown")

    def when_next(self, handler_input: HandlerInput, reminders: list[ListedReminder]) -> str | None:
        """"tomorrow at 6:25 PM" for the soonest, or its time alone if her time zone is unreadable."""
        times = sorted(reminder.scheduled for reminder in reminders if reminder.scheduled is not None)
        if not times:
            return None
        try:
            return clock_words(self.local_now(handler_input), times[0])
        except (AlexaApiError, ValueError):
            return f"at {spoken_clock(times[0])}"


def clock_words(local_now: datetime, target: datetime) -> str:
    """"today at 8 AM", "tomorrow at 8 AM", "on Tuesday at 8 AM": in her own time zone, so a time she
    named is never taken for the wrong day."""
    days = (target.date() - local_now.date()).days
    day = {0: "today", 1: "tomorrow"}.get(days, f"on {target:%A}")
    return f"{day} at {spoken_clock(target)}"


def spoken_clock(moment: datetime) -> str:
    """"3:04 PM", "7 AM" or "noon": the reminder's time as Alexa reads a clock time ("12 PM" is often
    taken for midnight; midnight stays "12 AM", since "tomorrow at midnight" is as unclear)."""
    if (moment.hour, moment.minute) == (12, 0):
        return "noon"
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{hour} {half}" if moment.minute == 0 else f"{hour}:{moment.minute:02d} {half}"


class ReminderTurn(AbstractRequestHandler):
    """One reminder intent ("remind me...", "cancel my reminder", "what reminders do I have"), answered
    by one of the Reminders turns."""

    def __init__(self, intent_name: str, turn: Callable[[HandlerInput], Response]):
        self.intent_name = intent_name
        self.turn = turn

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent_name)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.turn(handler_input)


def token_request(token: object) -> tuple[int, str | None]:
    """The delay the AskFor token carried back, and the time she named in words (said back to her only
    if it is one clock_words could have written); anything odd means the default 12 hours."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        return DEFAULT_SECONDS, None
    delay, _, when = token[len(TOKEN_PREFIX):].partition(TOKEN_WHEN)
    if not delay.isdigit() or not within_bounds(seconds := int(delay[:6])):
        return DEFAULT_SECONDS, None
    return seconds, when if SPOKEN_WHEN.fullmatch(when) else None


class PermissionAnswerHandler(AbstractRequestHandler):
    """Alexa's answer to our AskFor: accepted creates the reminder; denied or unanswered says how to
    allow it in the Alexa app and sends the consent card."""

    def __init__(self, reminders: Reminders):
        self.reminders = reminders

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return get_request_type(handler_input) == CONNECTIONS_RESPONSE and getattr(request, "name", None) == ASK_FOR

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        code = str(getattr(request.status, "code", "") or "")
        payload = request.payload if isinstance(request.payload, dict) else {}
        answer = payload.get("status")
        log.info("reminder permission answered", extra={"request_type": CONNECTIONS_RESPONSE,
                                                         "outcome": f"{code} {answer}"[:60]})
        if code == "200" and answer == "ACCEPTED":
            return self.reminders.create(handler_input, *token_request(request.token))
        return with_consent_card(render(handler_input, said_reply(content_of(handler_input), "permission")))
