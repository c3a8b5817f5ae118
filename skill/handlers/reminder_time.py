"""When she wants the reminder, from Alexa's AMAZON.DURATION and AMAZON.TIME slot values, in seconds.

Durations arrive as ISO-8601 ("PT12H", "P1D", "PT1H30M"); times as "07:00" or a part of the day
("MO", "AF", "EV", "NI"). A time already past today means tomorrow. Whatever she asks is kept
within 1 to 48 hours from now; anything else is refused with a sentence, never guessed.
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

DEFAULT_SECONDS = 12 * 3600
MIN_SECONDS = 3600
MAX_SECONDS = 48 * 3600
DURATION = re.compile(
    r"P(?:(?P<weeks>\d{1,3})W)?(?:(?P<days>\d{1,3})D)?"
    r"(?:T(?:(?P<hours>\d{1,4})H)?(?:(?P<minutes>\d{1,5})M)?(?:(?P<seconds>\d{1,6})S)?)?")
CLOCK = re.compile(r"(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)")
# Amazon's AMAZON.TIME values for parts of the day, taken at an ordinary hour of each.
PARTS_OF_DAY = {"MO": (8, 0), "AF": (14, 0), "EV": (19, 0), "NI": (21, 0)}


def duration_seconds(value: str | None) -> int | None:
    """Seconds in an ISO-8601 duration, or None when it is not one Alexa sends ("?", "", "PT")."""
    if not value:
        return None
    match = DURATION.fullmatch(value.strip().upper())
    if not match or value.strip().upper() in ("P", "PT"):
        return None
    parts = {name: int(number) for name, number in match.groupdict().items() if number}
    if not parts:
        return None
    return (parts.get("weeks", 0) * 7 * 86400 + parts.get("days", 0) * 86400 + parts.get("hours", 0) * 3600
            + parts.get("minutes", 0) * 60 + parts.get("seconds", 0))


def clock_of(value: str | None) -> tuple[int, int] | None:
    """(hour, minute) for an AMAZON.TIME value, or None for one the skill cannot place."""
    if not value:
        return None
    said = value.strip().upper()
    if said in PARTS_OF_DAY:
        return PARTS_OF_DAY[said]
    match = CLOCK.fullmatch(said)
    return (int(match["hour"]), int(match["minute"])) if match else None


def next_time(clock: tuple[int, int], local_now: datetime) -> datetime:
    """The next moment her clock shows `clock` (a time already past today means tomorrow)."""
    target = local_now.replace(hour=clock[0], minute=clock[1], second=0, microsecond=0)
    return target + timedelta(days=1) if target <= local_now else target


def seconds_until(clock: tuple[int, int], local_now: datetime) -> int:
    """Seconds from her local time now to the next time the clock shows `clock` (past today: tomorrow)."""
    target = next_time(clock, local_now)
    # Rounded up: Amazon counts the delay from when the request reaches it, a moment after `local_now`, so
    # a delay cut short lands at 8:59:59 and is listed as "8:59 PM" for a reminder she asked for at 9.
    return math.ceil((target.astimezone(timezone.utc) - local_now.astimezone(timezone.utc)).total_seconds())


def within_bounds(seconds: int) -> bool:
    return MIN_SECONDS <= seconds <= MAX_SECONDS
