"""What every locale's content must contain: the one list the loader checks and the code reads.

Adding a topic means adding its name here, its words in `en.toml`, and its intent in the models.
"""
from __future__ import annotations

TOPICS = (
    "relieve", "food", "massage", "hygiene", "doctor", "why", "risks", "reassurance", "weaning",
    "keepfeeding", "babyrefuses", "painrelief", "heatcold", "howlong", "changes", "nipples", "pumping",
    "feelinglow", "milkcolour",
)
STEP_KEYS = ("comfort", "rest", "milk", "checkup")
CHECK_QUESTIONS = ("emergency", "today", "examine")
CARE_ROUTES = ("emergency", "today", "appointment", "selfcare")
# Her situation, kept for the session only (never stored): the ids of FeedingSituationType, lowered.
# Not lactating: never breastfed, stopped months or years ago, or pregnant and not feeding. A lump then
# is examined (NHS breast lumps), and milk care does not fit her (QA audit 8: F1).
NOT_LACTATING = "not_lactating"
SITUATIONS = ("feeding", "pumping", "weaning", NOT_LACTATING)
# What a situation variant may say in its own words: speech (required), and the card and screen that
# show it, so the screen never contradicts what she heard (QA audit 8: F8). Read by LocaleContent.fitting.
SITUATION_FIELDS = ("speech", "title", "card")
# Entries whose advice differs by situation: each must say every situation ([<entry>.feeding] ...), and
# its base words, said until she has said which, must be safe for all (never a question first).
SITUATION_ENTRIES = (
    "topics.relieve", "topics.massage", "topics.keepfeeding", "topics.pumping", "steps.milk",
    "check.questions.examine", "check.outcomes.today", "check.outcomes.selfcare",
)

# Fields that are spoken, and so must fit the word budget and contain no markup.
SPOKEN_FIELDS = frozenset({"speech", "reprompt", "warning", "how_long"})  # how_long: a step's "how long do I do that for?"
SPOKEN_WORD_LIMIT = 50

# Placeholders filled per request rather than from [terms].
RUNTIME_PLACEHOLDERS = frozenset({"step_number", "step_count", "topic_title", "hours", "minutes", "when", "count", "left"})
TERMS = ("emergency_number", "emergency_written", "clinician", "clinician_short", "skill_name",
         "feeding_help", "low_help", "fever_written", "fever_spoken", "everyday_pain_relief",
         "crisis_help", "crisis_written",
         # beyond the breast: her baby's care, the urgent route after the birth, support and safety lines
         "nappies", "baby_doctor", "baby_nurse_help", "baby_nurse_any", "baby_nurse_written", "baby_fever_rule",
         "baby_fever_reprompt", "baby_fever_written", "mother_urgent_rule", "mother_urgent_reprompt",
         "mother_urgent_written", "support_help", "support_written", "abuse_help")
# May be empty where a market has no such line (a nurse line; a separate ambulance number).
OPTIONAL_TERMS = ("urgent_line", "ambulance_also", "ambulance_also_written")
# The routes beyond the breast (skill/handlers/beyond.py), each an entry [beyond.<route>].
BEYOND_ROUTES = ("baby_emergency", "baby_fever", "baby_urgent", "mother_emergency", "mother_urgent",
                 "psychosis", "abuse", "support", "after_crisis", "after_care", "baby_other")
# Answers with no card: the account holder sees the Alexa app, so her safety at home leaves no trace;
# a reply after an answer adds no card of its own.
CARDLESS_BEYOND = ("abuse", "after_crisis", "after_care")

TOPIC_FIELDS = ("title", "speech", "reprompt", "card", "source")
STEP_FIELDS = ("key", "title", "speech", "card", "source")
CARE_LINE_FIELDS = ("name", "number", "spoken", "say_as", "source")
SAY_AS_KINDS = ("digits", "telephone", "")

# The reminder turns' replies (skill/handlers/reminders.py), each with speech and reprompt.
REMINDER_REPLIES = ("offer", "set", "set_minutes", "set_one_hour", "set_one_hour_minutes", "set_at", "declined",
                    "out_of_range", "no_time_zone", "permission", "failed", "unreachable", "unseen", "none", "next",
                    "next_unknown", "already_set", "cancelled", "cancelled_some", "cancelled_all_but_one", "maybe_set",
                    "private")

# The medicines answered by name (handlers/medicines.py), each with its sources.
MEDICINES = ("aspirin", "codeine", "tramadol", "antibiotic", "unknown")

# Every required text, as a dotted path into the merged content.
REQUIRED: tuple[str, ...] = (
    *(f"terms.{term}" for term in TERMS),
    *(f"topics.{topic}.{field}" for topic in TOPICS for field in TOPIC_FIELDS),
    *(f"prompts.{name}" for name in (
        "offer_walk", "offer_check", "step_heading", "step_hint", "step_hint_short", "last_step", "last_step_short",
        "first_step", "offer_return", "offer_check_return", "anything_else", "take_your_time", "when_ready", "nothing_before", "declined", "ask_situation",
        "ask_situation_again", "not_sure", "check_next", "check_back", "check_first", "situation_noted", "check_first_then", "still_today", "today_tail", "emergency_said_before", "declined_check", "today_then_check", "ask_reached",
        "ask_reached_again")),
    *(f"system.{name}.{field}" for name in (
        "welcome", "welcome_back", "welcome_back_resume", "home", "help", "fallback", "error",
        "no_question", "what_else", "nothing_to_repeat", "situation_noted", "reached", "not_reached") for field in ("speech", "reprompt")),
    "system.goodbye.speech", "system.goodbye.today_speech", "system.goodbye.check_speech", "system.fallback.pending_speech", "system.help.pending_speech",
    "check.thresholds_note",
    "check.intro.speech",
    *(f"check.questions.{name}.{field}" for name in CHECK_QUESTIONS for field in ("speech", "reprompt")),
    *(f"check.outcomes.{route}.{field}" for route in CARE_ROUTES for field in ("title", "speech", "card")),
    "check.outcomes.emergency.misheard", "check.outcomes.emergency.reprompt",
    *(f"beyond.after_care.{field}" for field in ("doctor_speech", "safety_speech", "lump_speech", "doctor_lump_speech", "crisis_lump_speech", "crisis_line", "check_reprompt", "safety_lump_speech", "safety_lump_reprompt", "medicine_speech", "medicine_crisis_speech", "no_reminder_speech", "goodbye_speech",
                                                 "goodbye_doctor_speech", "goodbye_safety_speech")),
    "beyond.after_crisis.goodbye_speech", "beyond.after_crisis.low_speech", "beyond.after_crisis.low_goodbye_speech",
    *(f"check.screen.{field}" for field in ("speech", "reprompt", "source", "clinical_source")),
    *(f"crisis.{field}" for field in ("title", "speech", "reprompt", "card", "source", "clinical_source")),
    *(f"beyond.{route}.{field}" for route in BEYOND_ROUTES
      for field in ("title", "speech", "reprompt", "source", "clinical_source", *(() if route in CARDLESS_BEYOND else ("card",)))),
    *(f"medicines.{name}.{field}" for name in MEDICINES
      for field in ("title", "speech", "card", "source", "clinical_source")),
    "memory.confirm.speech", "memory.confirm.reprompt",
    "memory.done.speech", "memory.done.not_done",
    "memory.kept.speech", "memory.kept.reprompt", "memory.kept.on_the_way", "memory.nothing.speech", "memory.nothing.after_help",
    "reminders.text",
    *(f"reminders.{name}.{field}" for name in REMINDER_REPLIES for field in ("speech", "reprompt")),
)
