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
