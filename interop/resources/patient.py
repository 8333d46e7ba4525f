"""Patient ← ``patients.Patient``: identity, contact, language and emergency contact."""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import drop_empty, parse_day, reference
from patients.choices import Language
from patients.models import Patient

RESOURCE_TYPE = "Patient"
INTERPRETER = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
PRONOUNS = "urn:iptcare:ext:pronouns"
MAY_LEAVE_VOICEMAIL = "urn:iptcare:ext:may-leave-voicemail"
MAY_TEXT = "urn:iptcare:ext:may-text"


def _communication(patient: Patient) -> list[dict[str, Any]]:
    if patient.preferred_language == Language.OTHER:
        language: dict[str, Any] = {"text": patient.language_note or "other"}
    else:
        language = {
            "coding": [{"system": codes.BCP47, "code": patient.preferred_language}],
            "text": patient.get_preferred_language_display(),
        }
    return [{"language": language, "preferred": True}]


def _contact(patient: Patient) -> list[dict[str, Any]]:
    if not patient.emergency_contact_name:
        return []
    contact = drop_empty(
        {
            "relationship": (
                [{"text": patient.emergency_contact_relationship}]
                if patient.emergency_contact_relationship
                else []
            ),
            "name": {"text": patient.emergency_contact_name},
            "telecom": (
                [{"system": "phone", "value": patient.emergency_contact_phone}]
                if patient.emergency_contact_phone
                else []
            ),
        }
    )
    return [contact]


def to_fhir(patient: Patient) -> dict[str, Any]:
    names: list[dict[str, Any]] = [
        {
            "use": "official",
            "family": patient.family_name,
            "given": [patient.given_name],
        }
    ]
    if patient.preferred_name:
        names.append({"use": "usual", "given": [patient.preferred_name]})
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    extensions: list[dict[str, Any]] = [
        {"url": INTERPRETER, "valueBoolean": patient.interpreter_needed},
        {"url": MAY_LEAVE_VOICEMAIL, "valueBoolean": patient.may_leave_voicemail},
        {"url": MAY_TEXT, "valueBoolean": patient.may_text},
    ]
    if patient.pronouns:
        extensions.append({"url": PRONOUNS, "valueString": patient.pronouns})
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(patient.public_id),
            "extension": extensions,
            "identifier": [
                {
                    "use": "usual",
                    "type": {
                        "coding": [{"system": codes.V2_IDENTIFIER_TYPE, "code": "MR"}]
                    },
                    "system": codes.RECORD_NUMBER,
                    "value": patient.record_number,
                }
            ],
            "active": True,
            "name": names,
            "telecom": telecom,
            "birthDate": patient.date_of_birth.isoformat(),
            "address": [{"text": patient.address}] if patient.address else [],
            "contact": _contact(patient),
            "communication": _communication(patient),
            "managingOrganization": reference(
                "Organization", f"team-{patient.team_id}"
            ),
        }
    )


def _extension(data: dict[str, Any], url: str, key: str) -> Any:
    for extension in data.get("extension", []):
        if extension["url"] == url:
            return extension[key]
    return None


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    """The model fields this resource carries, read back."""
    official = next(n for n in data["name"] if n.get("use") == "official")
    usual = next((n for n in data["name"] if n.get("use") == "usual"), None)
    telecom = {t["system"]: t["value"] for t in data.get("telecom", [])}
    contact = (data.get("contact") or [{}])[0]
    language = data["communication"][0]["language"]
    coding = language.get("coding")
    team = data["managingOrganization"]["reference"].removeprefix("Organization/team-")
    return {
        "public_id": data["id"],
        "record_number": data["identifier"][0]["value"],
        "family_name": official["family"],
        "given_name": official["given"][0],
        "preferred_name": usual["given"][0] if usual else "",
        "date_of_birth": parse_day(data["birthDate"]),
        "phone": telecom.get("phone", ""),
        "email": telecom.get("email", ""),
        "address": (data.get("address") or [{}])[0].get("text", ""),
        "pronouns": _extension(data, PRONOUNS, "valueString") or "",
        "interpreter_needed": _extension(data, INTERPRETER, "valueBoolean"),
        "may_leave_voicemail": _extension(data, MAY_LEAVE_VOICEMAIL, "valueBoolean"),
        "may_text": _extension(data, MAY_TEXT, "valueBoolean"),
        "preferred_language": coding[0]["code"] if coding else Language.OTHER,
        "language_note": "" if coding else language["text"],
        "emergency_contact_name": contact.get("name", {}).get("text", ""),
        "emergency_contact_relationship": (contact.get("relationship") or [{}])[0].get(
            "text", ""
        ),
        "emergency_contact_phone": (contact.get("telecom") or [{}])[0].get("value", ""),
        "team_id": int(team),
    }
