"""Every write of the IPT app: keyword-only, typed, atomic, audited (field names only).

The stable entry point other apps call is ``course_open(*, patient, program, clinician,
by) -> Course`` (intake) and ``session_record(*, course, by, held_on, attendance)``
(scheduling). A refused change raises ``Refused`` with its reasons and changes nothing.
"""

from ipt.models import NoteLocked
from ipt.services._common import Refused
from ipt.services.courses import (
    course_end,
    course_extend,
    course_open,
    gas_t_score,
    phase_begin_middle,
    session_record,
)
from ipt.services.groups import group_create, group_member_add, group_session_record
from ipt.services.initial import (
    contract_agree,
    contract_save,
    formulation_agree,
    formulation_save,
    goal_add,
    goal_rate,
    goal_remove,
    person_add,
    person_remove,
    person_update,
    problem_areas_choose,
    timeline_entry_add,
    timeline_entry_remove,
)
from ipt.services.notes import note_addendum_add, note_save_draft, note_sign
from ipt.services.termination import (
    relapse_plan_save,
    termination_decide,
    termination_review_save,
)

__all__ = [
    "NoteLocked",
    "Refused",
    "contract_agree",
    "contract_save",
    "course_end",
    "course_extend",
    "course_open",
    "formulation_agree",
    "formulation_save",
    "gas_t_score",
    "goal_add",
    "goal_rate",
    "goal_remove",
    "group_create",
    "group_member_add",
    "group_session_record",
    "note_addendum_add",
    "note_save_draft",
    "note_sign",
    "person_add",
    "person_remove",
    "person_update",
    "phase_begin_middle",
    "problem_areas_choose",
    "relapse_plan_save",
    "session_record",
    "termination_decide",
    "termination_review_save",
    "timeline_entry_add",
    "timeline_entry_remove",
]
