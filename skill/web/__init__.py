"""The only code that knows HTTP: the Flask endpoint, the servers, the ASGI bridge, the codec, pages.

A request walks in here (serving -> asgi -> endpoint), is verified, decoded and handed to the skill.
May import: handlers, conversation, verification, content, persistence, and config/logs/envelopes.
"""
