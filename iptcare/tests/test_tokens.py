"""Secret tokens for links: unguessable, kept as a digest, unable to spell a word."""

from __future__ import annotations

import re

from iptcare.lib.tokens import token_digest, token_new


def test_a_token_is_256_bits_of_hex_and_never_repeats() -> None:
    tokens = {token_new() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{64}", token) for token in tokens)


def test_the_digest_is_sha256_and_not_the_token() -> None:
    token = token_new()
    digest = token_digest(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and digest != token
    assert token_digest(token) == digest
