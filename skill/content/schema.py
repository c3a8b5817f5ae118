"""What every locale's content must contain: the one list the loader checks and the code reads.

Adding a topic means adding its name here, its words in `en.toml`, and its intent in the models.
"""
from __future__ import annotations

TOPICS = ("relieve", "food", "massage", "hygiene", "doctor", "why", "risks", "reassurance", "weaning")
STEP_KEYS = ("comfort", "rest", "hygiene", "checkup")
CHECK_QUESTIONS = ("fever", "redness", "lasting")
CARE_ROUTES = ("emergency", "today", "appointment", "selfcare")

# Fields that are spoken, and so must fit the word budget and contain no markup.
SPOKEN_FIELDS = frozenset({"speech", "reprompt"})
SPOKEN_WORD_LIMIT = 50

# Placeholders filled per request rather than from [terms].
RUNTIME_PLACEHOLDERS = frozenset({"step_number", "step_count", "topic_title"})
TERMS = ("emergency_number", "clinician", "clinician_short", "skill_name")

TOPIC_FIELDS = ("title", "speech", "reprompt", "card", "source")
STEP_FIELDS = ("key", "title", "speech", "card", "source")

# Every required text, as a dotted path into the merged content.
REQUIRED: tuple[str, ...] = (
    *(f"terms.{term}" for term in TERMS),
    *(f"topics.{topic}.{field}" for topic in TOPICS for field in TOPIC_FIELDS),
    *(f"prompts.{name}" for name in (
        "offer_walk", "step_heading", "step_hint", "last_step", "first_step",
        "offer_return", "anything_else", "nothing_before", "declined")),
    *(f"system.{name}.{field}" for name in (
        "welcome", "welcome_back", "welcome_back_resume", "help", "fallback", "error",
        "no_question", "nothing_to_repeat") for field in ("speech", "reprompt")),
    "system.goodbye.speech",
    "check.thresholds_note",
    "check.intro.speech",
    *(f"check.questions.{name}.{field}" for name in CHECK_QUESTIONS for field in ("speech", "reprompt")),
    *(f"check.outcomes.{route}.{field}" for route in CARE_ROUTES for field in ("title", "speech", "card")),
    "memory.confirm.speech", "memory.confirm.reprompt",
    "memory.done.speech",
    "memory.kept.speech", "memory.kept.reprompt",
)
