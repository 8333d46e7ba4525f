from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    """What leaves the program and what never does: 42 CFR Part 2 consents, disclosures
    with the §2.32 notice and their accounting, private process notes, the patient's
    own copy (subject-access pack) and the retention schedule."""

    name = "disclosures"
    verbose_name = "Consent and disclosure"
