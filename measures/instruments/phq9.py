"""PHQ-9 — Patient Health Questionnaire-9 (depression severity, self-report).

Sources (via ``shared/instruments``): item text and options from the Pfizer PHQ
Screeners form as carried by CamCOPS ``phq9``; LOINC codes from loinc.org 44261-6 and
the MII PRO IG; bands and the ≥10 cut-off from Kroenke, Spitzer & Williams, J Gen Intern
Med 2001;16:606–13; caseness (≥10) and reliable change (6) from the NHS Talking
Therapies Manual; the provisional depressive-syndrome algorithm as CamCOPS implements it
(Spitzer et al. 1999). Licence: Pfizer, "No permission required to reproduce,
translate, display or distribute" (phqscreeners.com).

Missing answers: the PHQ manual's prorating rule is not verified, so any missing item
means no total (``shared/instruments``). The NHS Data Dictionary does publish a rule
(see ``docs/instruments.md``, open items).
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Band,
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
    item_scores,
    missing_items,
)
from measures.instruments.scoring import score_prorated_sum

FREQUENCY = (
    Option("Not at all", 0, "LA6568-5"),
    Option("Several days", 1, "LA6569-3"),
    Option("More than half the days", 2, "LA6570-1"),
    Option("Nearly every day", 3, "LA6571-9"),
)
"""PHQ and GAD answers (LOINC answer list LL358-3)."""

PFIZER_LICENCE = Licence(
    status="free: no permission required",
    ship_text=True,
    attribution=(
        "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
        "colleagues, with an educational grant from Pfizer Inc. No permission required "
        "to reproduce, translate, display or distribute."
    ),
    terms="No permission required to reproduce, translate, display or distribute.",
    source="phqscreeners.com instructions; LOINC 44261-6 terms of use",
)

_ITEMS = (
    (1, "Interest", "Little interest or pleasure in doing things", "44250-9"),
    (2, "Depressed mood", "Feeling down, depressed, or hopeless", "44255-8"),
    (
        3,
        "Sleep",
        "Trouble falling or staying asleep, or sleeping too much",
        "44259-0",
    ),
    (4, "Energy", "Feeling tired or having little energy", "44254-1"),
    (5, "Appetite", "Poor appetite or overeating", "44251-7"),
    (
        6,
        "Self-worth",
        "Feeling bad about yourself — or that you are a failure or have let yourself "
        "or your family down",
        "44258-2",
    ),
    (
        7,
        "Concentration",
        "Trouble concentrating on things, such as reading the newspaper or watching "
        "television",
        "44252-5",
    ),
    (
        8,
        "Psychomotor",
        "Moving or speaking so slowly that other people could have noticed? Or the "
        "opposite — being so fidgety or restless that you have been moving around a "
        "lot more than usual",
        "44253-3",
    ),
    (
        9,
        "Self-harm thoughts",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "44260-8",
    ),
)

ITEMS = tuple(
    Item(number=n, label=label, text=text, loinc=loinc, options=FREQUENCY)
    for n, label, text, loinc in _ITEMS
)

DIFFICULTY = Item(
    number=10,
    label="Difficulty",
    text=(
        "If you checked off any problems, how difficult have these problems made it "
        "for you to do your work, take care of things at home, or get along with "
        "other people?"
    ),
    loinc="69722-7",
    options=(
        Option("Not difficult at all", None),
        Option("Somewhat difficult", None),
        Option("Very difficult", None),
        Option("Extremely difficult", None),
    ),
    note="Asked after item 9; recorded, never scored.",
)

MAJOR_DEPRESSIVE_SYNDROME = "provisional_major_depressive_syndrome"
OTHER_DEPRESSIVE_SYNDROME = "provisional_other_depressive_syndrome"


def _syndrome_flags(scores: list[int]) -> list[str]:
    # Items count at "more than half the days" (2+); item 9 counts at any frequency
    # because thoughts of self-harm matter whenever present (Spitzer et al. 1999).
    core = sum(1 for s in scores[0:2] if s >= 2)
    other = sum(1 for s in scores[2:8] if s >= 2) + (1 if scores[8] >= 1 else 0)
    symptoms = core + other
    if core and symptoms >= 5:
        return [MAJOR_DEPRESSIVE_SYNDROME]
    if core and 2 <= symptoms <= 4:
        return [OTHER_DEPRESSIVE_SYNDROME]
    return []


def _score(instrument: Instrument, selected: Selected) -> Score:
    flags: list[str] = []
    if not missing_items(instrument, selected):
        # The syndrome algorithm counts symptoms: only from a complete form.
        flags = _syndrome_flags([s or 0 for s in item_scores(selected)])
    return score_prorated_sum(instrument, selected, flags=flags)


PHQ9 = Instrument(
    id="phq9",
    name="Patient Health Questionnaire-9 (PHQ-9)",
    short_name="PHQ-9",
    version="English (US), Pfizer PHQ Screeners form",
    respondent=Respondent.SELF_REPORT,
    recall_period="last 2 weeks",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?"
    ),
    items=ITEMS,
    extra_items=(DIFFICULTY,),
    scoring="Sum of items 1–9 (0–27). The difficulty question is not scored.",
    score_range=(0, 27),
    bands=(
        Band("minimal", 0, 4),
        Band("mild", 5, 9),
        Band("moderate", 10, 14),
        Band("moderately severe", 15, 19),
        Band("severe", 20, 27),
    ),
    caseness=Cutoff(
        10,
        "NHS Talking Therapies caseness (also the screening cut-off for major "
        "depression)",
        "NHS Talking Therapies Manual; Kroenke et al. 2001",
    ),
    reliable_change=ReliableChange(
        6, "NHS Talking Therapies Manual (derivation SD and reliability unverified)"
    ),
    critical_items=(
        CriticalItem(
            item=9,
            min_score=1,
            trigger="any answer other than 'Not at all', or no answer",
            action=(
                "Platform policy: same-day risk alert to the responsible clinician and "
                "a structured suicide-risk assessment; never auto-dismissed. Left "
                "unanswered, the clinician is told the risk question was not answered "
                "and asks it (prorating never hides it)."
            ),
            fires_when_unanswered=True,
        ),
    ),
    loinc=Loinc(panel="44249-1", total="44261-6", answer_list="LL358-3"),
    licence=PFIZER_LICENCE,
    missing_rule=(
        "One or two items missing: each replaced by the mean of the answered items "
        "(total = mean × 9, rounded); three or more: no total (NHS Data Dictionary). "
        "Item 9 unanswered always reaches the clinician."
    ),
    missing_rule_verified=True,
    sources=(
        "Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16:606-13",
        "phqscreeners.com",
        "loinc.org 44261-6",
        "CamCOPS phq9",
        "NHS Talking Therapies Manual",
    ),
    scorer=_score,
    prorates=True,
)


def score(answers: Answers) -> Score:
    """Score PHQ-9 option positions (0 = "Not at all" … 3 = "Nearly every day")."""
    return PHQ9.score(answers)
