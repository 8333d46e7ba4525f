"""Consent ← ``disclosures.Consent``: a patient's written consent to disclose records
(42 CFR §2.31), as a privacy consent that permits what it covers to the recipients it
names, for the period it runs.

- ``category``: LOINC 64292-6 (release of information consent) and the consent's kind;
- ``provision``: ``permit``, from signing to expiry, each content kind it covers as a
  ``code``, each named recipient as an information recipient (``IRCP``); a TPO
  consent names its class of recipients in the patient's words instead;
- the purpose, the description of the information, an expiry event and the
  revocation are extensions of the product's own;
- ``status``: ``active`` while it authorises, ``inactive`` once revoked or expired,
  ``proposed`` before the moment it was signed.

The signature and a revocation document are never sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from disclosures.choices import ConsentKind
from disclosures.models import Consent
from interop import codes
from interop.resources._common import drop_empty, instant, parse_instant, reference

RESOURCE_TYPE = "Consent"
PART2_CONSENT_RULE = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/subpart-C/section-2.31"
PURPOSE_EXTENSION = f"{codes.EXT}consent-purpose"
INFORMATION_EXTENSION = f"{codes.EXT}consent-information"
EXPIRY_EVENT_EXTENSION = f"{codes.EXT}consent-expiry-event"
REVOKED_EXTENSION = f"{codes.EXT}consent-revoked-at"
_STATUS = {
    "active": "active",
    "revoked": "inactive",
    "expired": "inactive",
    "not yet in force": "proposed",
}
_RECIPIENT_ROLE = {"coding": [{"system": codes.V3_PARTICIPATION_TYPE, "code": "IRCP"}]}


def _actors(consent: Consent) -> list[dict[str, Any]]:
    if consent.kind == ConsentKind.TPO:
        return [
            {
                "role": _RECIPIENT_ROLE,
                "reference": {"display": consent.recipient_description},
            }
        ]
    recipients = sorted(consent.recipients.all(), key=lambda r: r.pk)
    return [
        {
            "role": _RECIPIENT_ROLE,
            "reference": {
                "identifier": {"system": codes.RECIPIENT, "value": str(r.public_id)},
                "display": r.name,
            },
        }
        for r in recipients
    ]


def to_fhir(consent: Consent, at: datetime | None = None) -> dict[str, Any]:
    at = at or timezone.now()
    kinds = sorted(scope.content_kind for scope in consent.scopes.all())
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(consent.public_id),
            "extension": [
                {"url": PURPOSE_EXTENSION, "valueString": consent.purpose},
                {"url": INFORMATION_EXTENSION, "valueString": consent.information},
                *(
                    [
                        {
                            "url": EXPIRY_EVENT_EXTENSION,
                            "valueString": consent.expiry_event,
                        }
                    ]
                    if consent.expiry_event
                    else []
                ),
                *(
                    [
                        {
                            "url": REVOKED_EXTENSION,
                            "valueDateTime": instant(consent.revoked_at),
                        }
                    ]
                    if consent.revoked_at
                    else []
                ),
            ],
            "status": _STATUS[consent.status_at(at)],
            "scope": {
                "coding": [{"system": codes.CONSENT_SCOPE, "code": "patient-privacy"}]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": codes.LOINC,
                            "code": codes.RELEASE_OF_INFORMATION_CONSENT,
                        },
                        {
                            "system": codes.CONSENT_KIND,
                            "code": consent.kind,
                            "display": consent.get_kind_display(),
                        },
                    ]
                }
            ],
            "patient": reference("Patient", consent.patient.public_id),
            "dateTime": instant(consent.signed_at),
            "organization": [
                {
                    **reference("Organization", f"team-{consent.patient.team_id}"),
                    "display": consent.discloser,
                }
            ],
            "policy": [{"uri": PART2_CONSENT_RULE}],
            "provision": drop_empty(
                {
                    "type": "permit",
                    "period": drop_empty(
                        {
                            "start": instant(consent.signed_at),
                            "end": instant(consent.expires_at)
                            if consent.expires_at
                            else None,
                        }
                    ),
                    "actor": _actors(consent),
                    "code": [
                        {"coding": [{"system": codes.CONTENT_KIND, "code": kind}]}
                        for kind in kinds
                    ],
                }
            ),
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    extensions = {e["url"]: e for e in data.get("extension", [])}
    provision = data["provision"]
    kind = data["category"][0]["coding"][1]["code"]
    actors = provision.get("actor", [])
    revoked = extensions.get(REVOKED_EXTENSION)
    end = provision["period"].get("end")
    return {
        "public_id": data["id"],
        "kind": kind,
        "purpose": extensions[PURPOSE_EXTENSION]["valueString"],
        "information": extensions[INFORMATION_EXTENSION]["valueString"],
        "expiry_event": extensions.get(EXPIRY_EVENT_EXTENSION, {}).get(
            "valueString", ""
        ),
        "revoked_at": parse_instant(revoked["valueDateTime"]) if revoked else None,
        "signed_at": parse_instant(data["dateTime"]),
        "expires_at": parse_instant(end) if end else None,
        "discloser": data["organization"][0]["display"],
        "content_kinds": [c["coding"][0]["code"] for c in provision.get("code", [])],
        "recipients": (
            []
            if kind == ConsentKind.TPO
            else [a["reference"]["identifier"]["value"] for a in actors]
        ),
        "recipient_description": (
            actors[0]["reference"]["display"] if kind == ConsentKind.TPO else ""
        ),
        "patient": data["patient"]["reference"].removeprefix("Patient/"),
        "status": data["status"],
    }
