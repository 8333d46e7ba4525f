"""Secret tokens that stand in for a password in a link (calendar feeds, portal
sign-in links): made with ``secrets``, kept only as a SHA-256 digest.

A digest without a salt is enough here because the token itself carries 256 bits of
randomness: nobody can guess it, so a dictionary of digests is no use.
"""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> str:
    """A fresh token with 256 bits of randomness, in hexadecimal: safe in a URL, and
    unable to spell a word (a link in a text message must not say "drug" or "ipt"
    by chance; ``scheduling.messaging.CLINICAL_WORDS``)."""
    return secrets.token_hex(32)


def token_digest(token: str) -> str:
    """What is stored instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()
