"""Alexa's Reminders API and the time-zone setting, with ask-sdk-model's classes as the bodies.

Reminders API: POST/GET {apiEndpoint}/v1/alerts/reminders, DELETE .../reminders/{alertToken}
(developer.amazon.com/docs/alexa/smapi/alexa-reminders-api-reference.html). Time zone:
GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone (Alexa Settings API).
Nothing here keeps what it sends or receives: her reminders live in her Alexa account.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.services.reminder_management import (
    AlertInfo, PushNotification, PushNotificationStatus, ReminderRequest, SpokenInfo, SpokenText, Trigger,
    TriggerType,
)

from skill.alexa_api.client import AlexaApi, AlexaApiError

REMINDERS_PATH = "/v1/alerts/reminders"
SERIALIZER = DefaultSerializer()


def reminder_body(offset_seconds: int, locale: str, text: str, now: datetime | None = None) -> dict[str, Any]:
    """A one-off reminder `offset_seconds` from now, spoken in her locale, with a push notification."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    request = ReminderRequest(
        request_time=moment,
        trigger=Trigger(object_type=TriggerType.SCHEDULED_RELATIVE, offset_in_seconds=offset_seconds),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )
    return SERIALIZER.serialize(request)


def create_reminder(api: AlexaApi, offset_seconds: int, locale: str, text: str) -> None:
    answer = api.call("POST", REMINDERS_PATH, reminder_body(offset_seconds, locale, text))
    if not isinstance(answer, dict) or not isinstance(answer.get("alertToken"), str):
        raise AlexaApiError("malformed")


@dataclass(frozen=True)
class ListedReminder:
    """One of this skill's reminders, as much as the skill needs to say or delete it."""

    token: str
    status: str
    scheduled: datetime | None


def parsed_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def list_reminders(api: AlexaApi) -> list[ListedReminder]:
    """This skill's reminders in her account (the API lists only the calling skill's)."""
    answer = api.call("GET", REMINDERS_PATH)
    alerts = answer.get("alerts") if isinstance(answer, dict) else None
    if not isinstance(alerts, list) or not all(isinstance(alert, dict) for alert in alerts):
        raise AlexaApiError("malformed")
    listed = []
    for alert in alerts:
        token, trigger = alert.get("alertToken"), alert.get("trigger")
        if not isinstance(token, str) or not token:
            raise AlexaApiError("malformed")
        scheduled = parsed_time(trigger.get("scheduledTime")) if isinstance(trigger, dict) else None
        listed.append(ListedReminder(token=token, status=str(alert.get("status") or ""), scheduled=scheduled))
    return listed


def delete_reminder(api: AlexaApi, token: str) -> None:
    api.call("DELETE", f"{REMINDERS_PATH}/{quote(token, safe='')}")


def time_zone(api: AlexaApi, device_id: str) -> str:
    """Her device's IANA time zone name, e.g. "Europe/London"."""
    answer = api.call("GET", f"/v2/devices/{quote(device_id, safe='')}/settings/System.timeZone")
    if not isinstance(answer, str) or not answer or len(answer) > 64:
        raise AlexaApiError("malformed")
    return answer
