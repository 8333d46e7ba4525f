"""The IPT adherence checklist IPT Care ships, as data (no Django).

Derived from the phase tasks, the middle-phase techniques and the problem areas' goals
and strategies in ``shared/DESIGN.md`` §1. It is **not** the IPT Quality and Adherence
Scale, whose items are not public: a service holding a licence for that scale (or any
other) loads its items as another ``Checklist`` in the admin, and rates sessions on it
the same way.
"""

from __future__ import annotations

CODE = "ipt-care-adherence"
NAME = "IPT adherence checklist (IPT Care)"
SOURCE = (
    "Derived by IPT Care from the phase tasks, middle-phase techniques and problem-area "
    "strategies of its design notes (shared/DESIGN.md §1). Not the IPT Quality and "
    "Adherence Scale; free to use and adapt."
)

# (phase, problem area, what the therapist does); "" means every phase or area.
ITEMS: tuple[tuple[str, str, str], ...] = (
    ("initial", "", "Reviewed the symptoms and rated their severity with a measure"),
    ("initial", "", "Named the diagnosis and gave the patient the sick role"),
    ("initial", "", "Worked on the interpersonal inventory"),
    ("initial", "", "Linked life events to symptoms and substance use on the timeline"),
    ("initial", "", "Chose or confirmed the problem area (one, at most two)"),
    (
        "initial",
        "",
        "Shared the interpersonal formulation and checked the patient agreed",
    ),
    ("initial", "", "Agreed the treatment contract: sessions, frequency and goals"),
    ("middle", "", "Began from \u201chow have things been since we last met?\u201d"),
    ("middle", "", "Linked mood and cravings to the week's interpersonal events"),
    ("middle", "", "Kept the session on the agreed problem area"),
    ("middle", "", "Used communication analysis of a recent exchange"),
    ("middle", "", "Encouraged the expression of affect"),
    ("middle", "", "Used role play or decision analysis to prepare a next step"),
    ("middle", "", "Reviewed the last homework and agreed the next"),
    ("middle", "grief", "Facilitated mourning of the person who died"),
    (
        "middle",
        "grief",
        "Reconstructed the relationship with the deceased, good and bad",
    ),
    ("middle", "grief", "Helped rebuild interests and relationships"),
    (
        "middle",
        "disputes",
        "Named the dispute and its stage (renegotiation, impasse, dissolution)",
    ),
    ("middle", "disputes", "Explored the non-reciprocal expectations and the options"),
    ("middle", "disputes", "Worked towards renegotiating or ending the dispute"),
    ("middle", "transitions", "Helped mourn and honestly weigh the old role"),
    ("middle", "transitions", "Explored the new role's chances"),
    ("middle", "transitions", "Built the skills and support the new role needs"),
    (
        "middle",
        "deficits",
        "Worked on reducing isolation and forming new relationships",
    ),
    ("middle", "deficits", "Looked for repeating patterns in relationships"),
    ("middle", "deficits", "Used the therapeutic relationship as practice"),
    ("termination", "", "Reviewed progress against the goals and the scores"),
    (
        "termination",
        "",
        "Named warning signs and worked on the relapse-prevention plan",
    ),
    ("termination", "", "Discussed the ending and the feelings about it"),
    (
        "termination",
        "",
        "Decided with the patient: end, extend, maintenance or step up",
    ),
)
