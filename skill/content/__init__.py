"""The skill's words, kept as data; see README.md beside this file.

The lowest layer with persistence: may import only config/logs/envelopes, never a layer above.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.content.loader import ContentError, ContentLibrary, LocaleContent, load_library

REQUEST_KEY = "content"

__all__ = ["ContentError", "ContentLibrary", "LocaleContent", "content_of", "load_library"]


def content_of(handler_input: HandlerInput) -> LocaleContent:
    """The words for this request's market, bound by the content interceptor."""
    return handler_input.attributes_manager.request_attributes[REQUEST_KEY]
