"""What she may say: the utterance grammar, the models generated from it, the console's matcher, the report.

The service never imports this layer (real Alexa does the understanding); the console, the model
generator and the tests do. May import: content, and config/logs/envelopes.
"""
