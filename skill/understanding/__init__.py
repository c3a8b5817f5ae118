"""What she may say and what her words mean: the danger reader, the grammar, the models, the console's matcher.

The service imports only `danger` (pure Python: the skill reads the words Alexa hands it for danger,
on every host); real Alexa does the rest of the understanding, and the console, the model generator
and the tests use the rest. May import: content, and config/logs/envelopes.
"""
