from django.urls import path

from ipt.views import courses, groups, initial, notes, termination

app_name = "ipt"

COURSE = "patients/<uuid:public_id>/courses/<uuid:course_id>/"

urlpatterns = [
    path(
        "patients/<uuid:public_id>/courses/new/",
        courses.course_open,
        name="course-open",
    ),
    path(COURSE, courses.course_detail, name="course-detail"),
    path(f"{COURSE}begin-middle/", courses.phase_middle, name="phase-middle"),
    path(f"{COURSE}sessions/new/", courses.session_record, name="session-record"),
    path(f"{COURSE}extend/", courses.extension, name="extension"),
    path(f"{COURSE}end/", courses.course_end, name="course-end"),
    path(f"{COURSE}goals/<uuid:goal_id>/rate/", courses.goal_rate, name="goal-rate"),
    path(f"{COURSE}inventory/", initial.inventory, name="inventory"),
    path(
        f"{COURSE}inventory/<uuid:person_id>/", initial.person_edit, name="person-edit"
    ),
    path(
        f"{COURSE}inventory/<uuid:person_id>/remove/",
        initial.person_remove,
        name="person-remove",
    ),
    path(f"{COURSE}timeline/", initial.timeline, name="timeline"),
    path(
        f"{COURSE}timeline/<uuid:entry_id>/remove/",
        initial.timeline_remove,
        name="timeline-remove",
    ),
    path(f"{COURSE}problem-area/", initial.problem_area, name="problem-area"),
    path(f"{COURSE}formulation/", initial.formulation, name="formulation"),
    path(
        f"{COURSE}formulation/agree/",
        initial.formulation_agree,
        name="formulation-agree",
    ),
    path(f"{COURSE}contract/", initial.contract, name="contract"),
    path(f"{COURSE}contract/goals/", initial.goal_add, name="goal-add"),
    path(
        f"{COURSE}contract/goals/<uuid:goal_id>/remove/",
        initial.goal_remove,
        name="goal-remove",
    ),
    path(f"{COURSE}contract/agree/", initial.contract_agree, name="contract-agree"),
    path(f"{COURSE}sessions/<uuid:session_id>/note/", notes.note, name="note"),
    path(
        f"{COURSE}sessions/<uuid:session_id>/note/addendum/",
        notes.note_addendum,
        name="note-addendum",
    ),
    path(f"{COURSE}termination/", termination.termination, name="termination"),
    path(
        f"{COURSE}termination/relapse-plan/",
        termination.relapse_plan,
        name="relapse-plan",
    ),
    path(
        f"{COURSE}termination/decide/",
        termination.termination_decide,
        name="termination-decide",
    ),
    path("groups/", groups.group_list, name="group-list"),
    path("groups/new/", groups.group_create, name="group-create"),
    path("groups/<uuid:group_id>/", groups.group_detail, name="group-detail"),
    path(
        "groups/<uuid:group_id>/sessions/new/",
        groups.group_session_record,
        name="group-session-record",
    ),
]
