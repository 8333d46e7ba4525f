"""The body of a QuestionnaireResponse write is strict FHIR JSON: anything else (a
deep nest, invalid UTF-8, NaN or Infinity, a repeated key, not an object, a number out
of range) is a 400 with an OperationOutcome, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from conftest import Clinic
from interop.models import IdempotentSubmission
from interop.request_body import MAX_DEPTH
from interop.tests.conftest import Api, make_client
from interop.tests.test_api import outcome
from interop.tests.test_submit import WRITE, phq9
from measures.models import Administration

pytestmark = pytest.mark.django_db
KEY = {"Idempotency-Key": "probe-1"}


@pytest.fixture
def writer(api_for: Callable[..., Api], clinic: Clinic) -> Api:
    return api_for(make_client(team=clinic.team_a, scopes=WRITE, name="phone-app"))


def nothing_stored() -> bool:
    return not Administration.objects.exists() and (
        not IdempotentSubmission.objects.exists()
    )


def valid_phq9(clinic: Clinic) -> dict[str, Any]:
    return phq9(clinic.patient.public_id, [1] * 9)


def _beside(text: str, extra: str) -> bytes:
    """The valid body with one more member, written as given."""
    return (text[:-1] + "," + extra + "}").encode()


_DEEP = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
BODIES: dict[str, Callable[[str], bytes]] = {
    "100,000 nested [": lambda text: b"[" * 100_000,
    "100,000 nested {": lambda text: b'{"a":' * 100_000,
    "nested past the limit": lambda text: _beside(text, f'"x":{_DEEP}'),
    "invalid UTF-8": lambda text: _beside(text, '"x":"').rstrip(b"}") + b'\xff"}',
    "latin-1": lambda text: text.replace("completed", "complétéd").encode("latin-1"),
    "a byte-order mark": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "NaN": lambda text: _beside(text, '"x":NaN'),
    "Infinity": lambda text: _beside(text, '"x":-Infinity'),
    "a float past double": lambda text: _beside(text, '"x":1e999'),
    "an integer of 5,000 digits": lambda text: _beside(text, '"x":' + "9" * 5000),
    "a repeated key": lambda text: _beside(text, '"status":"completed"'),
    "an array": lambda text: f"[{text}]".encode(),
    "a string": lambda text: b'"QuestionnaireResponse"',
    "null": lambda text: b"null",
    "empty": lambda text: b"",
    "not JSON": lambda text: b"resourceType=QuestionnaireResponse",
}


@pytest.mark.parametrize("case", sorted(BODIES))
def test_a_body_that_is_not_acceptable_json_is_400_and_stores_nothing(
    writer: Api, clinic: Clinic, case: str
) -> None:
    body = BODIES[case](json.dumps(valid_phq9(clinic)))
    response = writer.client.generic(
        "POST",
        "/fhir/QuestionnaireResponse",
        body,
        headers={**writer.headers, **KEY},
        CONTENT_TYPE="application/fhir+json",  # set even for an empty body
    )
    outcome(response, 400)
    assert nothing_stored()
    # the same key still takes a valid body: the refusal kept nothing of it
    good = writer.post("/fhir/QuestionnaireResponse", valid_phq9(clinic), **KEY)
    assert good.status_code == 201, good.content
