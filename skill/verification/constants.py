"""Alexa's request-signing protocol, one fact per line, each beside the Amazon page that states it."""
from __future__ import annotations

from datetime import timedelta

# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-signature
CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-signature
SIGNATURE_HEADER = "Signature-256"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-signature-certificate-url
CERT_URL_SCHEME = "https"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-signature-certificate-url
CERT_URL_HOST = "s3.amazonaws.com"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-signature-certificate-url
CERT_URL_PORT = 443
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-signature-certificate-url
CERT_URL_PATH_PREFIX = "/echo.api/"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-signature
SIGNING_CERT_DNS_NAME = "echo-api.amazon.com"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-timestamp
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
# https://developer.amazon.com/en-US/docs/alexa/smapi/skill-events-in-alexa-skills.html
# (skill events may be delivered up to an hour after they happen)
SKILL_EVENT_TIMESTAMP_TOLERANCE = timedelta(hours=1)
# https://developer.amazon.com/en-US/docs/alexa/smapi/skill-events-in-alexa-skills.html
SKILL_EVENT_REQUEST_PREFIX = "AlexaSkillEvent."
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-timestamp
# (our choice: a cold download must finish well inside the time Alexa waits for an answer)
CHAIN_FETCH_TIMEOUT_SECONDS = 3.0
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-signature
# (our choice: Amazon's chain is about 5 KiB, so anything past 64 KiB is not a chain)
CHAIN_MAX_BYTES = 64 * 1024
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-signature-certificate-url
# (Amazon's chains live at /echo.api/<file name>, e.g. echo-api-cert-12.pem: a plain name, no query, no fragment)
CERT_URL_FILE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html#request-body-syntax
# (our choice: an Alexa request is a few KiB; the web layer refuses larger bodies with 413 before reading them)
MAX_BODY_BYTES = 128 * 1024
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html#request-body-syntax
# (our choice: Alexa's envelopes nest about ten deep; deeper JSON is refused before anything walks it)
MAX_JSON_DEPTH = 64
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-signature
# (our choice: Amazon's Signature-256 is an RSA signature, 256 bytes for its 2048-bit key; allow up to 4096-bit)
MAX_SIGNATURE_BYTES = 512
# (our choice, the rest of this file: what a certificate URL may cost a process before its signature holds)
# Downloads in flight at once per process; a request that finds every slot taken is refused at once.
CHAIN_DOWNLOAD_SLOTS = 2
# How long a request waits for a download in flight; the download itself runs on to its own deadline.
CHAIN_DOWNLOAD_WAIT_SECONDS = 0.25
# A URL whose download or validation failed is refused without a new download for this long...
CHAIN_FAILURE_TTL = timedelta(seconds=60)
# ...and at most this many failed URLs are remembered (the oldest forgotten first).
CHAIN_FAILURE_MEMORY = 1024
