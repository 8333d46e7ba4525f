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
SNOMED = "http://snomed.info/sct"
FORMAL_PSYCHOLOGICAL_THERAPY = "405792009"
"""SNOMED CT: Formal psychological therapy (regime/therapy): what a course and its
sessions are, beside the product's own program code that says which IPT."""
RELEASE_OF_INFORMATION_CONSENT = "64292-6"
"""LOINC: Release of information consent, the category of every Part 2 consent."""
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

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
STAFF_ROLE = "urn:iptcare:cs:staff-role"
"""``clinician``, ``supervisor``, ``intake`` (PractitionerRole.code)."""
PROGRAM = "urn:iptcare:cs:program"
"""The program a course runs on (``ipt16``, ``ipt12``, ``brief8``, ``group`` …)."""
IPT_PHASE = "urn:iptcare:cs:ipt-phase"
"""``initial``, ``middle``, ``termination``: the phases of a course."""
PROBLEM_AREA = "urn:iptcare:cs:problem-area"
"""``grief``, ``disputes``, ``transitions``, ``deficits``."""
DISPUTE_STAGE = "urn:iptcare:cs:dispute-stage"
"""``renegotiation``, ``impasse``, ``dissolution``."""
COURSE_OUTCOME = "urn:iptcare:cs:course-outcome"
"""``completed``, ``dropped_out``, ``stepped_up``, ``transferred``."""
CONTRACT = "urn:iptcare:cs:care-plan-activity"
"""``contract`` (the treatment contract) and each phase code, as CarePlan activities."""
DELIVERY = "urn:iptcare:cs:delivery"
"""``individual`` or ``group``: how a session or an appointment is held."""
ATTENDANCE = "urn:iptcare:cs:attendance"
"""A session's attendance as the course records it: ``attended``, ``missed``,
``cancelled``; an appointment's: ``attended``, ``late_cancellation``,
``did_not_attend``."""
GAS = "urn:iptcare:cs:gas"
"""Goal Attainment Scaling: ``attainment``, the level −2..+2 of a goal."""
CONSENT_KIND = "urn:iptcare:cs:consent-kind"
"""``tpo``, ``specific``, ``counseling_notes``, ``research``."""
CONTENT_KIND = "urn:iptcare:cs:content-kind"
"""What a consent covers (``scores``, ``attendance`` …, disclosures.ContentKind)."""
RECIPIENT = "urn:iptcare:sid:recipient"
"""Identifier system of a disclosure recipient (its id)."""
EXT = "urn:iptcare:ext:"
"""Prefix of the product's own extensions (docs/fhir.md lists them)."""


def score_code(instrument_id: str, subscale: str | None = None) -> str:
    return f"{instrument_id}-{subscale or 'total'}"


def questionnaire_url(instrument_id: str) -> str:
    return f"{QUESTIONNAIRE_BASE}{instrument_id}"
