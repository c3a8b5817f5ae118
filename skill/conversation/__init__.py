"""Where she is: the one session record (state), memory between visits, and rendering a reply.

Handlers move the record in `state` and return a `render.Reply`; `render` turns it into SSML, a
card and a screen. May import: content, persistence, and config/logs/envelopes; never handlers or web.
"""
