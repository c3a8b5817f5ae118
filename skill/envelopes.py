"""Build Alexa request envelopes as Alexa would send them.

The console and the tests both speak to the skill through these, so a request shape is written
once (Amazon's "Request and response JSON reference") instead of pasted as JSON blobs.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

DEFAULT_SKILL_ID = "amzn1.ask.skill.lump-relief-guide-local"
APL_INTERFACE = "Alexa.Presentation.APL"


@dataclass
class Device:
    """What the device can do: a speaker has no screen, an Echo Show supports APL."""

    device_id: str = "amzn1.ask.device.local-speaker"
    supports_apl: bool = False

    def system_context(self, application_id: str, user_id: str) -> dict[str, Any]:
        interfaces: dict[str, Any] = {}
        context: dict[str, Any] = {}
        if self.supports_apl:
            interfaces[APL_INTERFACE] = {"runtime": {"maxVersion": "2024.2"}}
            context[APL_INTERFACE] = {"version": "AlexaPresentationAPL", "componentsVisibleOnScreen": []}
            context["Viewport"] = {
                "experiences": [{"canRotate": False, "canResize": False}],
                "shape": "RECTANGLE",
                "pixelWidth": 1280,
                "pixelHeight": 800,
                "dpi": 160,
                "currentPixelWidth": 1280,
                "currentPixelHeight": 800,
                "touch": ["SINGLE"],
            }
        context["System"] = {
            "application": {"applicationId": application_id},
            "user": {"userId": user_id},
            "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
            "apiEndpoint": "https://api.amazonalexa.com",
        }
        return context


SPEAKER = Device()
ECHO_SHOW = Device(device_id="amzn1.ask.device.local-echo-show", supports_apl=True)


def now_timestamp(at: datetime | None = None) -> str:
    """Alexa's timestamp format: ISO 8601 in UTC with a trailing Z."""
    moment = at or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Session:
    """One Alexa session: the same ids and carried-over attributes on every turn."""

    user_id: str = "amzn1.ask.account.local-user"
    application_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    device: Device = field(default_factory=Device)
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True

    def envelope(self, request: dict[str, Any], *, with_session: bool = True) -> dict[str, Any]:
        """Wrap a request body in the envelope, then mark the session as no longer new."""
        request = {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": now_timestamp(),
            "locale": self.locale,
            **request,
        }
        envelope: dict[str, Any] = {
            "version": "1.0",
            "context": self.device.system_context(self.application_id, self.user_id),
            "request": request,
        }
        if with_session:
            envelope["session"] = {
                "new": self.new,
                "sessionId": self.session_id,
                "application": {"applicationId": self.application_id},
                "user": {"userId": self.user_id},
                "attributes": dict(self.attributes),
            }
            self.new = False
        return envelope

    def launch(self) -> dict[str, Any]:
        return self.envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: dict[str, str | dict[str, Any]] | None = None) -> dict[str, Any]:
        """An IntentRequest; a slot given as a string is a value with a matched resolution id."""
        return self.envelope({
            "type": "IntentRequest",
            "dialogState": "COMPLETED",
            "intent": {"name": name, "confirmationStatus": "NONE", "slots": build_slots(slots or {})},
        })

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        return self.envelope({"type": "SessionEndedRequest", "reason": reason})

    def user_event(self, arguments: list[Any]) -> dict[str, Any]:
        """A touch on an APL button: its SendEvent arguments arrive here."""
        return self.envelope({
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": "lumpReliefAnswer",
            "arguments": arguments,
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "navigation"},
        })

    def skill_disabled(self) -> dict[str, Any]:
        """She disabled the skill in the Alexa app: a skill event, sent with no session."""
        return self.envelope({
            "type": "AlexaSkillEvent.SkillDisabled",
            "eventCreationTime": now_timestamp(),
            "eventPublishingTime": now_timestamp(),
            "body": {"userInformationPersistenceStatus": "PERSISTED"},
        }, with_session=False)

    def can_fulfill(self, name: str, slots: dict[str, str | dict[str, Any]] | None = None) -> dict[str, Any]:
        """Name-free routing asks without a session."""
        return self.envelope(
            {"type": "CanFulfillIntentRequest",
             "intent": {"name": name, "slots": build_slots(slots or {})}},
            with_session=False,
        )


def build_slots(slots: dict[str, str | dict[str, Any]]) -> dict[str, Any]:
    """Slots as Alexa sends them; `{"value": ..., "id": None}` means the value did not resolve, and
    `{"value": ..., "built_in": True}` is a built-in slot (a duration, a time), sent with no resolutions."""
    built: dict[str, Any] = {}
    for name, spec in slots.items():
        if isinstance(spec, str):
            spec = {"value": spec, "id": spec.upper().replace(" ", "_")}
        slot: dict[str, Any] = {"name": name, "value": spec["value"], "confirmationStatus": "NONE"}
        built[name] = slot
        if spec.get("built_in"):
            continue
        authority = "amzn1.er-authority.echo-sdk.local.SymptomType"
        if spec.get("id"):
            slot["resolutions"] = {"resolutionsPerAuthority": [{
                "authority": authority,
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": spec["value"], "id": spec["id"]}}],
            }]}
        else:
            slot["resolutions"] = {"resolutionsPerAuthority": [{
                "authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"},
            }]}
    return built
