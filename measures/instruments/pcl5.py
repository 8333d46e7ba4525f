"""PCL-5 — PTSD Checklist for DSM-5 (self-report).

Sources (via ``shared/instruments``): Blevins CA et al., J Trauma Stress
2015;28:489–98; National Center for PTSD (ptsd.va.gov): clusters, the provisional
DSM-5 rule, the 31–33 probable-PTSD range and the 5/10-point change guidance; item text
as carried by CamCOPS ``pcl5``; LOINC panel 101697-1 and total 101698-9 from LOINC 2.75
mirror pages (confirm on loinc.org), item codes unverified. Licence: US Government
work (VA National Center for PTSD), not copyrighted.

Cut-off: 31, the low end of NCPTSD's 31–33 range, because here the PCL-5 screens for
a clinician's assessment and a missed case costs more than a second look. Reliable
change: 10 points, NCPTSD's "clinically meaningful" change (5 = minimum response;
published RCIs run 12–18). Missing items: no total (no verified rule).
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    CriticalItem,
    Cutoff,
    Instrument,
    Item,
    Licence,
    Loinc,
    Option,
    ReliableChange,
    Respondent,
    Score,
    Selected,
    Subscale,
    item_scores,
    missing_items,
)
from measures.instruments.scoring import score_complete_sum

BOTHERED = (
    Option("Not at all", 0),
    Option("A little bit", 1),
    Option("Moderately", 2),
    Option("Quite a bit", 3),
    Option("Extremely", 4),
)

_ITEMS = (
    (
        "Memories",
        "Repeated, disturbing, and unwanted memories of the stressful experience?",
    ),
    ("Dreams", "Repeated, disturbing dreams of the stressful experience?"),
    (
        "Reliving",
        "Suddenly feeling or acting as if the stressful experience were "
        "actually happening again (as if you were actually back there reliving it)?",
    ),
    (
        "Upset at reminders",
        "Feeling very upset when something reminded you of the stressful experience?",
    ),
    (
        "Physical reactions",
        "Having strong physical reactions when something reminded "
        "you of the stressful experience (for example, heart pounding, trouble "
        "breathing, sweating)?",
    ),
    (
        "Avoiding memories",
        "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    ),
    (
        "Avoiding reminders",
        "Avoiding external reminders of the stressful experience "
        "(for example, people, places, conversations, activities, objects, or "
        "situations)?",
    ),
    (
        "Trouble remembering",
        "Trouble remembering important parts of the stressful experience?",
    ),
    (
        "Negative beliefs",
        "Having strong negative beliefs about yourself, other people, or the world "
        "(for example, having thoughts such as: I am bad, there is something "
        "seriously wrong with me, no one can be trusted, the world is completely "
        "dangerous)?",
    ),
    (
        "Blame",
        "Blaming yourself or someone else for the stressful experience or what "
        "happened after it?",
    ),
    (
        "Negative feelings",
        "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    ),
    ("Loss of interest", "Loss of interest in activities that you used to enjoy?"),
    ("Distant from others", "Feeling distant or cut off from other people?"),
    (
        "No positive feelings",
        "Trouble experiencing positive feelings (for example, "
        "being unable to feel happiness or have loving feelings for people close to "
        "you)?",
    ),
    ("Irritability", "Irritable behavior, angry outbursts, or acting aggressively?"),
    ("Risk-taking", "Taking too many risks or doing things that could cause you harm?"),
    ("Superalert", "Being “superalert” or watchful or on guard?"),
    ("Jumpy", "Feeling jumpy or easily startled?"),
    ("Concentration", "Having difficulty concentrating?"),
    ("Sleep", "Trouble falling or staying asleep?"),
)

ITEMS = tuple(
    Item(number=n, label=label, text=text, options=BOTHERED)
    for n, (label, text) in enumerate(_ITEMS, start=1)
)

CLUSTERS = (
    Subscale("B_intrusion", (1, 2, 3, 4, 5)),
    Subscale("C_avoidance", (6, 7)),
    Subscale("D_cognition_mood", (8, 9, 10, 11, 12, 13, 14)),
    Subscale("E_arousal", (15, 16, 17, 18, 19, 20)),
)
# DSM-5 needs at least this many endorsed symptoms per cluster (NCPTSD).
_NEEDED = {"B_intrusion": 1, "C_avoidance": 1, "D_cognition_mood": 2, "E_arousal": 2}

PROVISIONAL_PTSD = "provisional_ptsd"


def _score(instrument: Instrument, selected: Selected) -> Score:
    flags = []
    if not missing_items(instrument, selected):
        scores = [s or 0 for s in item_scores(selected)]
        # An item rated "Moderately" (2) or more counts as an endorsed symptom.
        endorsed = {
            cluster.name: sum(1 for n in cluster.items if scores[n - 1] >= 2)
            for cluster in CLUSTERS
        }
        if all(endorsed[name] >= needed for name, needed in _NEEDED.items()):
            flags.append(PROVISIONAL_PTSD)
    return score_complete_sum(instrument, selected, flags=flags)


PCL5 = Instrument(
    id="pcl5",
    name="PTSD Checklist for DSM-5 (PCL-5)",
    short_name="PCL-5",
    version="PCL-5 (2013), standard form without criterion A",
    respondent=Respondent.SELF_REPORT,
    recall_period="past month",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Please read each problem carefully and then indicate "
        "how much you have been bothered by that problem in the past month.\n"
        "In the past month, how much were you bothered by:"
    ),
    items=ITEMS,
    scoring="Sum of items 1–20 (0–80); cluster sums B 1–5, C 6–7, D 8–14, E 15–20.",
    score_range=(0, 80),
    subscales=CLUSTERS,
    caseness=Cutoff(
        31, "probable PTSD (low end of the 31–33 range)", "National Center for PTSD"
    ),
    other_cutoffs=(Cutoff(33, "probable PTSD (high end of the range)", "NCPTSD"),),
    reliable_change=ReliableChange(
        10,
        "National Center for PTSD: 10 points = clinically meaningful change "
        "(5 = minimum response)",
    ),
    critical_items=(
        CriticalItem(
            item=16,
            min_score=3,
            trigger="'Quite a bit' or 'Extremely'",
            action="Platform policy: clinician review of risk-taking.",
        ),
    ),
    loinc=Loinc(
        panel="101697-1",
        total="101698-9",
        note="from LOINC 2.75 mirror pages; confirm on loinc.org; items unverified",
    ),
    licence=Licence(
        status="public domain (US Government work)",
        ship_text=True,
        attribution=(
            "PCL-5: Weathers, Litz, Keane, Palmieri, Marx & Schnurr, National Center "
            "for PTSD, 2013."
        ),
        terms="Developed by staff at VA's National Center for PTSD; not copyrighted.",
        source="ptsd.va.gov PCL-5; CamCOPS pcl5",
    ),
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=(
        "Blevins CA et al. J Trauma Stress 2015;28:489-98",
        "ptsd.va.gov PCL-5",
        "CamCOPS pcl5",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score PCL-5 option positions (0 = "Not at all" … 4 = "Extremely")."""
    return PCL5.score(answers)
