"""Calls to Alexa's own APIs (reminders, device settings): the only code that talks to Amazon.

A layer of its own because it is outbound HTTP, which neither the conversation record nor the
content knows about. May import: nothing of the skill but config/logs/envelopes/turn.
"""
