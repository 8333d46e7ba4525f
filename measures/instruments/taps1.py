"""TAPS-1 — Tobacco, Alcohol, Prescription medication, and other Substance use tool,
part 1 (NIDA; self-report or interview). IPT Care's drug-use screen.

Sources: McNeely J et al., Ann Intern Med 2016;165:690–9 (TAPS tool, NIDA Clinical
Trials Network CTN-0059); Gryczynski J et al., J Gen Intern Med 2017 (TAPS-1 as a
stand-alone screen: past-12-month frequency, never … daily or almost daily); NIDA,
nida.nih.gov/taps2 (a response other than "never" is a positive screen → TAPS-2);
LOINC panel 96841-2 with items 96842-0, 88037-7, 75889-6, 96843-8, 96844-6 (HL7 US
Core Questionnaire-TAPS). Licence: US Core: "The TAPS Tool was developed by the National
Institute on Drug Abuse (NIDA) … As a federally funded (NIH) tool, the TAPS-1 is
considered public domain in the U.S."; PhenX Toolkit (TAPS-I protocol): "freely
available; permission not required for use". See ``docs/instruments.md``.

The form asks men about 5+ drinks (item 2) and women about 4+ (item 3); one of the two
is left unanswered. TAPS-1 is not summed: the result is a frequency per substance
class and a positive screen if any class is used at all. A missing answer cannot make a
screen negative, so caseness is ``None`` when nothing is positive and something is
unanswered. Item wording was transcribed from the NIDA form as reproduced by PhenX, US
Core and LOINC: check it against the current NIDA PDF before clinical use.
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Instrument,
    Item,
    Licence,
    Loinc,
    Option,
    Respondent,
    Score,
    Selected,
    item_scores,
)

FREQUENCY = (
    Option("Never", 0, "LA6270-8"),
    Option("Less than monthly", 1, "LA18933-4"),
    Option("Monthly", 2, "LA18876-5"),
    Option("Weekly", 3, "LA18891-4"),
    Option("Daily or almost daily", 4, "LA18934-2"),
)

_STANDARD_DRINK = (
    "One standard drink is about 1 small glass of wine (5 oz), 1 beer (12 oz), or 1 "
    "single shot of liquor."
)

ITEMS = (
    Item(
        1,
        "Tobacco",
        FREQUENCY,
        "How often have you used any tobacco product (for "
        "example, cigarettes, e-cigarettes, cigars, pipes, or smokeless tobacco)?",
        "96842-0",
    ),
    Item(
        2,
        "Alcohol (men: 5+ drinks)",
        FREQUENCY,
        "How often have you had 5 or more drinks containing "
        "alcohol in one day? " + _STANDARD_DRINK,
        "88037-7",
        note="Asked of men only; women answer item 3 instead.",
    ),
    Item(
        3,
        "Alcohol (women: 4+ drinks)",
        FREQUENCY,
        "How often have you had 4 or more drinks containing "
        "alcohol in one day? " + _STANDARD_DRINK,
        "75889-6",
        note="Asked of women only; men answer item 2 instead.",
    ),
    Item(
        4,
        "Drugs",
        FREQUENCY,
        "How often have you used any drugs including "
        "marijuana, cocaine or crack, heroin, methamphetamine (crystal meth), "
        "hallucinogens, ecstasy/MDMA?",
        "96843-8",
    ),
    Item(
        5,
        "Prescription misuse",
        FREQUENCY,
        "How often have you used any prescription medications "
        "just for the feeling, more than prescribed or that were not prescribed for "
        "you?",
        "96844-6",
        note=(
            "Examples on the form: opiate pain relievers (for example, OxyContin, "
            "Vicodin, Percocet, Methadone); medications for anxiety or sleeping (for "
            "example, Xanax, Ativan, Klonopin); medications for ADHD (for example, "
            "Adderall or Ritalin)."
        ),
    ),
)

SUBSTANCES = {"tobacco": (1,), "alcohol": (2, 3), "drugs": (4,), "prescription": (5,)}

POSITIVE = "positive screen: give TAPS-2"
NEGATIVE = "negative screen"
NOT_SUMMED = "TAPS-1 is not summed: the result is a frequency per substance class."


def _score(instrument: Instrument, selected: Selected) -> Score:
    scores = item_scores(selected)
    frequency: dict[str, int | None] = {}
    for substance, numbers in SUBSTANCES.items():
        answered = [scores[n - 1] for n in numbers if scores[n - 1] is not None]
        # Alcohol: whichever of items 2/3 was asked; if both were, the higher.
        frequency[substance] = max((s for s in answered if s is not None), default=None)
    positive = [name for name, f in frequency.items() if f]
    caseness: bool | None
    if positive:
        caseness, band = True, POSITIVE
    elif all(f == 0 for f in frequency.values()):
        caseness, band = False, NEGATIVE
    else:
        caseness, band = None, None
    unanswered = [name for name, f in frequency.items() if f is None]
    reason = NOT_SUMMED
    if caseness is None:
        reason += " No use reported, but no answer for: " + ", ".join(unanswered) + "."
    return Score(
        instrument=instrument.id,
        total=None,
        band=band,
        caseness=caseness,
        subscales=frequency,
        reason=reason,
        flags=tuple(f"{name}_use" for name in positive),
        answered=sum(option is not None for option in selected),
    )


TAPS1 = Instrument(
    id="taps1",
    name="TAPS Tool Part 1 (Tobacco, Alcohol, Prescription medication, and other "
    "Substance use)",
    short_name="TAPS-1",
    version="NIDA CTN TAPS Tool Part 1 (2016)",
    respondent=Respondent.SELF_REPORT,
    recall_period="past 12 months",
    instructions="In the PAST 12 MONTHS:",
    items=ITEMS,
    scoring=(
        "Not summed. Each substance class gets its frequency (0 never … 4 daily or "
        "almost daily); any class above 'Never' is a positive screen."
    ),
    score_range=None,
    loinc=Loinc(panel="96841-2"),
    licence=Licence(
        status="public domain in the US (NIH-funded); permission not required",
        ship_text=True,
        attribution=(
            "TAPS Tool, National Institute on Drug Abuse Clinical Trials Network "
            "(McNeely J et al. Ann Intern Med 2016;165:690-9)."
        ),
        terms=(
            "'As a federally funded (NIH) tool, the TAPS-1 is considered public domain "
            "in the U.S.' (HL7 US Core); 'freely available; permission not required "
            "for use' (PhenX Toolkit)."
        ),
        source=(
            "HL7 US Core Questionnaire-TAPS; PhenX TAPS-I protocol; nida.nih.gov/taps2"
        ),
    ),
    missing_rule=(
        "No published rule; nothing is estimated. Any use reported is a positive "
        "screen whatever is missing; with no use reported, a missing substance class "
        "leaves the screen undecided."
    ),
    missing_rule_verified=False,
    sources=(
        "McNeely J et al. Ann Intern Med 2016;165:690-9",
        "Gryczynski J et al. J Gen Intern Med 2017",
        "nida.nih.gov/taps2",
        "HL7 US Core Questionnaire-TAPS",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score TAPS-1 option positions (0 = "Never" … 4 = "Daily or almost daily");
    leave whichever alcohol item was not asked as ``None``."""
    return TAPS1.score(answers)
