"""HRSD-17 — Hamilton Rating Scale for Depression, 17 items (clinician-rated).

Sources (via ``shared/instruments``): Hamilton M., J Neurol Neurosurg Psychiatry
1960;23:56–62; item headings and anchors are the NINDS/ECDEU text as implemented in
CamCOPS ``hamd``; bands from CamCOPS ``hamd.py`` and the cnsforum consensus. Licence:
public domain ("The HAM-D is in the public domain", NINDS CDE; CDISC QRS HAMD 17).

Item 16 (weight loss) is rated by ONE method, A (patient's account) or B (weekly
weights), so it is one item here whose options carry the method; "Not assessed" is
recorded and scores nothing (max total then 50). Items 18–21 only subtype and are
left out. No cut-off, reliable-change value or LOINC code is verified; remission ≤7 and
the alternative Zimmerman bands are unverified and not used. The "past week" recall is
convention, not stated in this text. Missing items: no total (no verified rule).
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Band,
    CriticalItem,
    Instrument,
    Item,
    Licence,
    Loinc,
    Option,
    Respondent,
    Score,
    Selected,
    item_scores,
    missing_items,
)
from measures.instruments.scoring import build, unverified_missing_reason

_ABSENT_TO_SEVERE = ("Absent.", "Mild.", "Moderate.", "Severe.", "Incapacitating.")

_ITEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Depressed mood",
        "DEPRESSED MOOD (sadness, hopeless, helpless, worthless)",
        (
            "Absent.",
            "These feeling states indicated only on questioning.",
            "These feeling states spontaneously reported verbally.",
            "Communicates feeling states non-verbally, i.e., through facial "
            "expression, posture, voice, and tendency to weep.",
            "Patient reports virtually only these feeling states in his/her "
            "spontaneous verbal and non-verbal communication.",
        ),
    ),
    (
        "Guilt",
        "FEELINGS OF GUILT",
        (
            "Absent.",
            "Self reproach, feels he/she has let people down.",
            "Ideas of guilt or rumination over past errors or sinful deeds.",
            "Present illness is a punishment. Delusions of guilt.",
            "Hears accusatory or denunciatory voices and/or experiences threatening "
            "visual hallucinations.",
        ),
    ),
    (
        "Suicide",
        "SUICIDE",
        (
            "Absent.",
            "Feels life is not worth living.",
            "Wishes he/she were dead or any thoughts of possible death to self.",
            "Suicidal ideas or gesture.",
            "Attempts at suicide (any serious attempt rates 4).",
        ),
    ),
    (
        "Insomnia: early",
        "INSOMNIA: EARLY IN THE NIGHT",
        (
            "No difficulty falling asleep.",
            "Complains of occasional difficulty falling asleep, i.e. more than ½ hour.",
            "Complains of nightly difficulty falling asleep.",
        ),
    ),
    (
        "Insomnia: middle",
        "INSOMNIA: MIDDLE OF THE NIGHT",
        (
            "No difficulty.",
            "Patient complains of being restless and disturbed during the night.",
            "Waking during the night — any getting out of bed rates 2 (except for "
            "purposes of voiding).",
        ),
    ),
    (
        "Insomnia: late",
        "INSOMNIA: EARLY HOURS OF THE MORNING",
        (
            "No difficulty.",
            "Waking in early hours of the morning but goes back to sleep.",
            "Unable to fall asleep again if he/she gets out of bed.",
        ),
    ),
    (
        "Work and activities",
        "WORK AND ACTIVITIES",
        (
            "No difficulty.",
            "Thoughts and feelings of incapacity, fatigue or weakness related to "
            "activities; work or hobbies.",
            "Loss of interest in activity; hobbies or work — either directly reported "
            "by patient, or indirect in listlessness, indecision and vacillation "
            "(feels he/she has to push self to work or activities).",
            "Decrease in actual time spent in activities or decrease in productivity. "
            "Rate 3 if the patient does not spend at least three hours a day in "
            "activities (job or hobbies) excluding routine chores.",
            "Stopped working because of present illness. Rate 4 if patient engages in "
            "no activities except routine chores, or if patient fails to perform "
            "routine chores unassisted.",
        ),
    ),
    (
        "Retardation",
        "RETARDATION (slowness of thought and speech, impaired ability to "
        "concentrate, decreased motor activity)",
        (
            "Normal speech and thought.",
            "Slight retardation at interview.",
            "Obvious retardation at interview.",
            "Interview difficult.",
            "Complete stupor.",
        ),
    ),
    (
        "Agitation",
        "AGITATION",
        (
            "None.",
            "Fidgetiness.",
            "Playing with hands, hair, etc.",
            "Moving about, can’t sit still.",
            "Hand wringing, nail biting, hair-pulling, biting of lips.",
        ),
    ),
    (
        "Psychic anxiety",
        "ANXIETY (PSYCHOLOGICAL)",
        (
            "No difficulty.",
            "Subjective tension and irritability.",
            "Worrying about minor matters.",
            "Apprehensive attitude apparent in face or speech.",
            "Fears expressed without questioning.",
        ),
    ),
    (
        "Somatic anxiety",
        "ANXIETY SOMATIC (physiological concomitants of anxiety) such as:\n"
        "gastrointestinal – dry mouth, wind, indigestion, diarrhea, cramps, belching\n"
        "cardiovascular – palpitations, headaches\n"
        "respiratory – hyperventilation, sighing\n"
        "urinary frequency\n"
        "sweating",
        _ABSENT_TO_SEVERE,
    ),
    (
        "Gastrointestinal",
        "SOMATIC SYMPTOMS (GASTROINTESTINAL)",
        (
            "None.",
            "Loss of appetite but eating without staff encouragement. Heavy feelings "
            "in abdomen.",
            "Difficulty eating without staff urging. Requests or requires laxatives or "
            "medication for bowels or medication for gastro-intestinal symptoms.",
        ),
    ),
    (
        "General somatic",
        "GENERAL SOMATIC SYMPTOMS",
        (
            "None.",
            "Heaviness in limbs, back or head. Backaches, headache, muscle aches. Loss "
            "of energy and fatigability.",
            "Any clear-cut symptom rates 2.",
        ),
    ),
    (
        "Genital",
        "GENITAL SYMPTOMS (symptoms such as: loss of libido, impaired sexual "
        "performance, menstrual disturbances)",
        ("Absent.", "Mild.", "Severe."),
    ),
    (
        "Hypochondriasis",
        "HYPOCHONDRIASIS",
        (
            "Not present.",
            "Self-absorption (bodily).",
            "Preoccupation with health.",
            "Frequent complaints, requests for help, etc.",
            "Hypochondriacal delusions.",
        ),
    ),
)

WEIGHT_LOSS = Item(
    number=16,
    label="Weight loss",
    text=(
        "LOSS OF WEIGHT — rate by ONE method only: A, according to the patient; or B, "
        "according to weekly measurements"
    ),
    note="Rate item 16 by ONE method only: 16A (history) or 16B (weekly weights).",
    options=(
        Option("A (according to the patient): No weight loss.", 0),
        Option("A: Probably weight loss associated with present illness.", 1),
        Option("A: Definite (according to patient) weight loss.", 2),
        Option(
            "B (weekly measurements): Less than 1 lb [0.45kg] weight loss in week.", 0
        ),
        Option("B: Greater than 1 lb [0.45kg] weight loss in week.", 1),
        Option("B: Greater than 2 lb [0.91kg] weight loss in week.", 2),
        Option("Not assessed.", None),
    ),
)

INSIGHT = Item(
    number=17,
    label="Insight",
    text="INSIGHT",
    options=(
        Option("Acknowledges being depressed and ill.", 0),
        Option(
            "Acknowledges illness but attributes cause to bad food, climate, overwork, "
            "virus, need for rest, etc.",
            1,
        ),
        Option("Denies being ill at all.", 2),
    ),
)

ITEMS = (
    *(
        Item(
            number=n,
            label=label,
            text=text,
            options=tuple(Option(anchor, s) for s, anchor in enumerate(anchors)),
        )
        for n, (label, text, anchors) in enumerate(_ITEMS, start=1)
    ),
    WEIGHT_LOSS,
    INSIGHT,
)

NOT_ASSESSED = (
    "Item 16 (weight loss) not assessed: the total leaves it out (maximum 50)."
)


def _score(instrument: Instrument, selected: Selected) -> Score:
    missing = missing_items(instrument, selected)
    if missing:
        reason = unverified_missing_reason(instrument, missing)
        return build(instrument, selected, total=None, reason=reason)
    scores = item_scores(selected)
    notes = [NOT_ASSESSED] if scores[15] is None else []
    total = sum(s for s in scores if s is not None)
    return build(instrument, selected, total=total, notes=notes)


HRSD17 = Instrument(
    id="hrsd17",
    name="Hamilton Rating Scale for Depression, 17-item (HRSD-17 / HAM-D)",
    short_name="HRSD-17",
    version="NINDS/ECDEU text (as in CamCOPS), items 1–17",
    respondent=Respondent.CLINICIAN_RATED,
    recall_period="past week (convention; not stated in this text)",
    instructions=(
        "Clinician interview; a structured guide such as the SIGH-D improves "
        "reliability."
    ),
    items=ITEMS,
    scoring=(
        "Sum of items 1–17 (0–52). Items 1–3, 7–11 and 15 score 0–4; the others 0–2. "
        "Item 16 by method A or B only; 'Not assessed' is not scored."
    ),
    score_range=(0, 52),
    bands=(
        Band("normal / none", 0, 7),
        Band("mild", 8, 13),
        Band("moderate", 14, 18),
        Band("severe", 19, 22),
        Band("very severe", 23, 52),
    ),
    critical_items=(
        CriticalItem(
            item=3,
            min_score=1,
            trigger="any rating above 'Absent'",
            action=(
                "Platform policy: clinician risk review the same day; 3 (ideas or "
                "gesture) or 4 (attempt) is urgent."
            ),
        ),
    ),
    loinc=Loinc(note="no LOINC codes verified"),
    licence=Licence(
        status="public domain",
        ship_text=True,
        attribution="Hamilton M. J Neurol Neurosurg Psychiatry 1960;23:56-62.",
        terms="'The HAM-D is in the public domain' (NINDS Common Data Elements).",
        source="NINDS CDE HAM-D; CDISC QRS HAMD 17; CamCOPS hamd",
    ),
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=(
        "Hamilton M. J Neurol Neurosurg Psychiatry 1960;23:56-62",
        "NINDS CDE HAM-D",
        "CamCOPS hamd",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score HRSD-17 option positions (item 16: 0–2 method A, 3–5 method B,
    6 not assessed)."""
    return HRSD17.score(answers)
