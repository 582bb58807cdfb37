"""Page tokens and Origin checks."""

from __future__ import annotations

import pytest

from livecomp.security import PageClaims, TokenError, TokenSigner, origin_allowed

CLAIMS = PageClaims(
    route="/", component="app.Thermostat", session_id="s1", url="/?q=1", binding="b1"
)


def test_a_token_verifies_to_its_claims() -> None:
    signer = TokenSigner("secret")
    assert signer.verify(signer.issue(CLAIMS)) == CLAIMS


def test_a_token_signed_with_another_key_is_refused() -> None:
    token = TokenSigner("other").issue(CLAIMS)
    with pytest.raises(TokenError, match="signature is invalid"):
        TokenSigner("secret").verify(token)


def test_a_tampered_token_is_refused() -> None:
    token = TokenSigner("secret").issue(CLAIMS)
    with pytest.raises(TokenError):
        TokenSigner("secret").verify(token[:10] + ("A" if token[10] != "A" else "B") + token[11:])


def test_an_expired_token_is_refused() -> None:
    signer = TokenSigner("secret", max_age=-1)
    with pytest.raises(TokenError, match="expired"):
        signer.verify(signer.issue(CLAIMS))


def test_garbage_is_refused() -> None:
    with pytest.raises(TokenError):
        TokenSigner("secret").verify("not a token")


@pytest.mark.parametrize(
    ("origin", "host", "allowed", "ok"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", frozenset(), True),
        ("https://Example.com", "example.com", frozenset(), True),
        ("http://evil.example", "example.com", frozenset(), False),
        ("http://example.com:8001", "example.com:8000", frozenset(), False),
        (None, "example.com", frozenset(), False),
        ("null", "example.com", frozenset(), False),
        ("https://app.example", "api.example", frozenset({"https://app.example"}), True),
    ],
)
def test_origin_must_be_the_page_host_or_allowed(
    origin: str | None, host: str, allowed: frozenset[str], ok: bool
) -> None:
    assert origin_allowed(origin, host, allowed) is ok
