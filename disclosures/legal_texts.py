"""The legal wordings the product ships with, as data (docs/decisions/0023).

Copied only from official text where one could be read from this project's machines;
where only part of the current text could be found, the record says so in its
``status`` and ``note`` rather than completing it from memory. A program adds the
verified current text as a new version (admin site: Legal texts) with its effective
date; the newest version in force on a day is the one every disclosure carries.
"""

from __future__ import annotations

ECFR_232 = (
    "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/"
    "subpart-C/section-2.32"
)
ECFR_231 = (
    "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/"
    "subpart-C/section-2.31"
)

NOTICE_2020 = {
    "key": "part2_notice",
    "version": "2020 (85 FR 43037)",
    "effective_on": "2020-08-14",
    "source_url": "https://www.ecfr.gov/cgi-bin/retrieveECFR?gp=&mc=true&r=SECTION&n=se42.1.2_132",
    "status": "verbatim",
    "text": (
        "This record which has been disclosed to you is protected by federal "
        "confidentiality rules (42 CFR part 2). The federal rules prohibit you from "
        "making any further disclosure of this record unless further disclosure is "
        "expressly permitted by the written consent of the individual whose "
        "information is being disclosed in this record or, is otherwise permitted by "
        "42 CFR part 2. A general authorization for the release of medical or other "
        "information is NOT sufficient for this purpose (see §2.31). The federal "
        "rules restrict any use of the information to investigate or prosecute with "
        "regard to a crime any patient with a substance use disorder, except as "
        "provided at §§2.12(c)(5) and 2.65"
    ),
    "note": (
        "§2.32(a)(1) as amended in 2020, copied from the eCFR (data current as of "
        "29 September 2020). Superseded by the 2024 final rule."
    ),
}

NOTICE_2024 = {
    "key": "part2_notice",
    "version": "2024 (89 FR 12472), Statement 1",
    "effective_on": "2024-04-16",
    "source_url": ECFR_232,
    "status": "incomplete",
    "text": (
        "This record which has been disclosed to you is protected by Federal "
        "confidentiality rules (42 CFR part 2). These rules prohibit you from using "
        "or disclosing this record, or testimony that describes the information "
        "contained in this record, in any civil, criminal, administrative, or "
        "legislative proceedings by any Federal, State, or local authority, against "
        "the patient, unless authorized by the consent of the patient, except as "
        "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance "
        "with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from "
        "making any other use or disclosure of this record unless at least one of "
        "the following applies: [the conditions of 42 CFR 2.32(a)(1) that follow "
        "are not stored yet; see 42 CFR 2.32 at ecfr.gov]"
    ),
    "note": (
        "Only the opening of Statement 1 could be read (a secondary copy of the "
        "2024 text; ecfr.gov was not reachable from the project's machines). The "
        "list of conditions after 'at least one of the following applies:' and "
        "Statement 2 are missing. Add the full current text from the eCFR as a new "
        "version before relying on it. Compliance with the 2024 rule is required "
        "from 16 February 2026."
    ),
}

TPO_STATEMENTS_2024 = {
    "key": "tpo_statements",
    "version": "2024 (89 FR 12472)",
    "effective_on": "2024-04-16",
    "source_url": ECFR_231,
    "status": "incomplete",
    "text": (
        "Recipients: my treating providers, health plans, third-party payers, and "
        "people helping to operate this program. [The statements 42 CFR 2.31(a) "
        "requires of a TPO consent — that records disclosed to a covered entity or "
        "business associate may be redisclosed under the HIPAA regulations except "
        "for proceedings against the patient, the right to revoke in writing, and "
        "the consequences of refusing — are not stored yet; see 42 CFR 2.31 at "
        "ecfr.gov]"
    ),
    "note": (
        "The recipient class is §2.31(a)(4)(i)'s own wording. The required "
        "statements could not be read in full from an official copy; add them as a "
        "new version before relying on this text."
    ),
}

SHIPPED = [NOTICE_2020, NOTICE_2024, TPO_STATEMENTS_2024]
