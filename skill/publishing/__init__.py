"""Tools that publish the skill: the ASK CLI package (manifest, models, pages) and the icons.

Run from the command line only (`python -m skill package`); the service never imports them.
May import: content, understanding, and config/logs/envelopes.
"""
