"""Lump Relief Guide: an Alexa skill that helps mothers ease hard breast lumps, hands-free."""
