from django.urls import path

from portal.views import patient, staff

app_name = "portal"

COURSE = "patients/<uuid:public_id>/courses/<uuid:course_id>/"

urlpatterns = [
    # The patient's portal.
    path("portal/", patient.start, name="start"),
    path("portal/link/<str:token>/", patient.link, name="link"),
    path("portal/sign-in/", patient.sign_in, name="sign-in"),
    path("portal/new-link/", patient.request_link, name="request-link"),
    path("portal/sign-out/", patient.sign_out, name="sign-out"),
    path("portal/language/", patient.language, name="language"),
    path("portal/help/", patient.help_now, name="help"),
    path("portal/home/", patient.home, name="home"),
    path(
        "portal/questionnaires/<slug:instrument_id>/start/",
        patient.questionnaire_start,
        name="questionnaire-start",
    ),
    path(
        "portal/answers/<uuid:response_id>/<int:number>/",
        patient.question,
        name="question",
    ),
    path(
        "portal/answers/<uuid:response_id>/check/",
        patient.questionnaire_review,
        name="questionnaire-review",
    ),
    path(
        "portal/answers/<uuid:response_id>/sent/",
        patient.questionnaire_done,
        name="questionnaire-done",
    ),
    path("portal/diary/", patient.diary, name="diary"),
    path("portal/homework/", patient.homework_list, name="homework-list"),
    path(
        "portal/homework/<uuid:homework_id>/",
        patient.homework_detail,
        name="homework",
    ),
    path("portal/progress/", patient.progress, name="progress"),
    path("portal/sessions/", patient.sessions, name="sessions"),
    path("portal/sessions.ics", patient.sessions_calendar, name="sessions-ics"),
    path("portal/plan/", patient.plan, name="plan"),
    path("portal/people/", patient.people, name="people"),
    path("portal/people/new/", patient.person, name="person-add"),
    path("portal/people/<uuid:person_id>/", patient.person, name="person-edit"),
    # The clinician's side.
    path("patients/<uuid:public_id>/portal/", staff.portal_access, name="staff-access"),
    path(f"{COURSE}homework/", staff.homework, name="staff-homework"),
    path(
        f"{COURSE}homework/<uuid:homework_id>/reviewed/",
        staff.homework_reviewed,
        name="staff-homework-reviewed",
    ),
    path(
        f"{COURSE}inventory/<uuid:person_id>/reviewed/",
        staff.person_reviewed,
        name="staff-person-reviewed",
    ),
    path(f"{COURSE}preparation/", staff.session_prep, name="staff-session-prep"),
]
