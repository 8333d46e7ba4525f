"""The code systems and identifier systems IPT Care's FHIR resources use.

LOINC and ICD-10 where they exist; where none does, a code system of the product's own
under ``urn:iptcare:`` (documented in ``docs/fhir.md``), so a receiving system can tell
our codes from anyone else's.
"""

from __future__ import annotations

LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
BCP47 = "urn:ietf:bcp:47"

# The product's own systems.
RECORD_NUMBER = "urn:iptcare:sid:record-number"
"""Identifier system of the record number staff say aloud and print."""
STAFF_USERNAME = "urn:iptcare:sid:staff-username"
SCORE = "urn:iptcare:cs:score"
"""Scores without a LOINC code: ``<instrument>-total`` and ``<instrument>-<subscale>``."""
SEVERITY_BAND = "urn:iptcare:cs:severity-band"
"""The instrument's own band label (``moderate``), as the instrument names it."""
ANSWER_POSITION = "urn:iptcare:cs:answer-position"
"""An answer option without a LOINC answer code: its position, 0 for the first."""
DIAGNOSIS_RANK = "urn:iptcare:cs:diagnosis-rank"
QUESTIONNAIRE_BASE = "urn:iptcare:Questionnaire/"
"""Canonical URL of a shipped instrument's Questionnaire: this prefix + instrument id."""
ADMINISTRATION_SOURCE = "urn:iptcare:cs:administration-source"


def score_code(instrument_id: str, subscale: str | None = None) -> str:
    return f"{instrument_id}-{subscale or 'total'}"


def questionnaire_url(instrument_id: str) -> str:
    return f"{QUESTIONNAIRE_BASE}{instrument_id}"
