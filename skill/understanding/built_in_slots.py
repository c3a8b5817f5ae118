"""Her words for a duration or a time, in the form Alexa sends AMAZON.DURATION and AMAZON.TIME slots.

On a device Alexa fills these built-in slots itself: "in six hours" arrives as "PT6H", "at 9 pm" as
"21:00", "tomorrow morning" as "MO". The console does the same for the phrasings people use with a
reminder, so "remind me in 24 hours" is tried as a device would send it, not as a reminder with no
time (QA audit 2026-12-07). Words it cannot place are left out, as Alexa leaves the slot empty.
"""
from __future__ import annotations

import re

UNITS = {"zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
DURATION_UNITS = {"minute": "M", "minutes": "M", "hour": "H", "hours": "H", "day": "D", "days": "D"}
# Her words for a part of the day, as Amazon's AMAZON.TIME values (handlers/reminder_time.py reads them back).
DAY_PART_VALUES = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
NUMBER = r"(?:\d+|(?:twenty|thirty|forty|fifty) ?(?:one|two|three|four|five|six|seven|eight|nine)?|" \
         r"zero|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|" \
         r"fifteen|sixteen|seventeen|eighteen|nineteen)"
AMOUNT = re.compile(rf"(?P<number>{NUMBER})(?P<half> and a half)? (?P<unit>minutes?|hours?|days?)(?P<after> and a half)?")
CLOCK = re.compile(rf"(?P<hour>{NUMBER})(?: (?P<minute>{NUMBER}|o'?clock))?(?: (?P<half>am|pm|a m|p m))?")


def number_of(words: str) -> int | None:
    """"24", "twenty four", "six", "an" (words NUMBER matched) -> the number; None for anything else."""
    if words.isdigit():
        return int(words)
    first, _, rest = words.partition(" ")
    if first in TENS:  # NUMBER lets only "one" to "nine" follow a ten
        return TENS[first] + UNITS.get(rest, 0)
    return UNITS.get(words)


def duration_value(words: str) -> str | None:
    """"six hours" -> "PT6H", "an hour and a half" -> "PT1H30M", "a day" -> "P1D"; None otherwise."""
    said = words.removeprefix("in ").removeprefix("after ").strip()
    if said == "half an hour":
        return "PT30M"
    match = AMOUNT.fullmatch(said)
    number = number_of(match["number"]) if match else None
    if number is None:
        return None
    unit = DURATION_UNITS[match["unit"]]
    if match["half"] or match["after"]:
        return {"H": f"PT{number}H30M", "D": f"P{number}DT12H", "M": f"PT{number}M30S"}[unit]
    return f"P{number}D" if unit == "D" else f"PT{number}{unit}"


def time_value(words: str) -> str | None:
    """"9 pm" -> "21:00", "9 30 pm" -> "21:30", "noon" -> "12:00", "tomorrow morning" -> "MO"; None otherwise."""
    said = words.removeprefix("at ").removeprefix("for ").removeprefix("tomorrow ").removeprefix("this ").strip()
    if said in DAY_PART_VALUES:
        return DAY_PART_VALUES[said]
    if said in ("noon", "midday", "twelve noon"):
        return "12:00"
    if said == "midnight":
        return "00:00"
    match = CLOCK.fullmatch(said)
    hour = number_of(match["hour"]) if match else None
    minute = 0 if not match or not match["minute"] or "clock" in match["minute"] else number_of(match["minute"])
    if hour is None or minute is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    half = (match["half"] or "").replace(" ", "")
    if half and not 1 <= hour <= 12:
        return None
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


BUILT_IN_VALUE = {"AMAZON.DURATION": duration_value, "AMAZON.TIME": time_value}
