"""The words the patient portal uses for the substances of the use list, in the
patient's language (substances an administrator adds show under their own name)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SUBSTANCE_WORDS: dict[str, Promise] = {
    "alcohol": _("Alcohol"),
    "cannabis": _("Cannabis"),
    "stimulants": _("Stimulants (cocaine, amphetamines)"),
    "opioids": _("Opioids"),
    "benzodiazepines": _("Benzodiazepines (not as prescribed)"),
    "other": _("Something else"),
}


def substance_words(code: str, name: str) -> str | Promise:
    return SUBSTANCE_WORDS.get(code, name)
