"""The ICD-10 (WHO, 2019 edition) codes this program diagnoses with.

Substance use F10–F19 (each with its fourth character), mood F30–F39, anxiety F40–F41
and PTSD F43.1. Kept as data in code: the list is short, changes rarely, and a change is
a reviewed clinical-content change (see CHANGELOG "Clinical content").
"""

from __future__ import annotations

_SUBSTANCES = {
    "F10": "alcohol",
    "F11": "opioids",
    "F12": "cannabinoids",
    "F13": "sedatives or hypnotics",
    "F14": "cocaine",
    "F15": "other stimulants, including caffeine",
    "F16": "hallucinogens",
    "F17": "tobacco",
    "F18": "volatile solvents",
    "F19": "multiple drug use and use of other psychoactive substances",
}
_SUBSTANCE_STATES = {
    "0": "acute intoxication",
    "1": "harmful use",
    "2": "dependence syndrome",
    "3": "withdrawal state",
    "4": "withdrawal state with delirium",
    "5": "psychotic disorder",
    "6": "amnesic syndrome",
    "7": "residual and late-onset psychotic disorder",
    "8": "other mental and behavioural disorders",
    "9": "unspecified mental and behavioural disorder",
}


def _substance_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for code, substance in _SUBSTANCES.items():
        title = f"Mental and behavioural disorders due to use of {substance}"
        codes[code] = title
        for digit, state in _SUBSTANCE_STATES.items():
            codes[f"{code}.{digit}"] = f"{title}: {state}"
    return codes


_MOOD_AND_ANXIETY = {
    "F30": "Manic episode",
    "F30.0": "Hypomania",
    "F30.1": "Mania without psychotic symptoms",
    "F30.2": "Mania with psychotic symptoms",
    "F30.8": "Other manic episodes",
    "F30.9": "Manic episode, unspecified",
    "F31": "Bipolar affective disorder",
    "F31.0": "Bipolar affective disorder, current episode hypomanic",
    "F31.1": "Bipolar affective disorder, current episode manic without psychotic "
    "symptoms",
    "F31.2": "Bipolar affective disorder, current episode manic with psychotic symptoms",
    "F31.3": "Bipolar affective disorder, current episode mild or moderate depression",
    "F31.4": "Bipolar affective disorder, current episode severe depression without "
    "psychotic symptoms",
    "F31.5": "Bipolar affective disorder, current episode severe depression with "
    "psychotic symptoms",
    "F31.6": "Bipolar affective disorder, current episode mixed",
    "F31.7": "Bipolar affective disorder, currently in remission",
    "F31.8": "Other bipolar affective disorders",
    "F31.9": "Bipolar affective disorder, unspecified",
    "F32": "Depressive episode",
    "F32.0": "Mild depressive episode",
    "F32.1": "Moderate depressive episode",
    "F32.2": "Severe depressive episode without psychotic symptoms",
    "F32.3": "Severe depressive episode with psychotic symptoms",
    "F32.8": "Other depressive episodes",
    "F32.9": "Depressive episode, unspecified",
    "F33": "Recurrent depressive disorder",
    "F33.0": "Recurrent depressive disorder, current episode mild",
    "F33.1": "Recurrent depressive disorder, current episode moderate",
    "F33.2": "Recurrent depressive disorder, current episode severe without psychotic "
    "symptoms",
    "F33.3": "Recurrent depressive disorder, current episode severe with psychotic "
    "symptoms",
    "F33.4": "Recurrent depressive disorder, currently in remission",
    "F33.8": "Other recurrent depressive disorders",
    "F33.9": "Recurrent depressive disorder, unspecified",
    "F34": "Persistent mood [affective] disorders",
    "F34.0": "Cyclothymia",
    "F34.1": "Dysthymia",
    "F34.8": "Other persistent mood [affective] disorders",
    "F34.9": "Persistent mood [affective] disorder, unspecified",
    "F38": "Other mood [affective] disorders",
    "F38.0": "Other single mood [affective] disorders",
    "F38.1": "Other recurrent mood [affective] disorders",
    "F38.8": "Other specified mood [affective] disorders",
    "F39": "Unspecified mood [affective] disorder",
    "F40": "Phobic anxiety disorders",
    "F40.0": "Agoraphobia",
    "F40.1": "Social phobias",
    "F40.2": "Specific (isolated) phobias",
    "F40.8": "Other phobic anxiety disorders",
    "F40.9": "Phobic anxiety disorder, unspecified",
    "F41": "Other anxiety disorders",
    "F41.0": "Panic disorder [episodic paroxysmal anxiety]",
    "F41.1": "Generalized anxiety disorder",
    "F41.2": "Mixed anxiety and depressive disorder",
    "F41.3": "Other mixed anxiety disorders",
    "F41.8": "Other specified anxiety disorders",
    "F41.9": "Anxiety disorder, unspecified",
    "F43.1": "Post-traumatic stress disorder",
}

ICD10_CODES: dict[str, str] = {**_substance_codes(), **_MOOD_AND_ANXIETY}


def is_substance_use(code: str) -> bool:
    """Substance-use diagnoses make a record subject to 42 CFR Part 2 in the US."""
    return code[:3] in _SUBSTANCES


def choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {title}") for code, title in sorted(ICD10_CODES.items())]
