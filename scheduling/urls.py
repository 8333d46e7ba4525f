from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("week/", views.week, name="week"),
    path(
        "patients/<uuid:public_id>/sessions/",
        views.patient_sessions,
        name="patient-sessions",
    ),
    path(
        "patients/<uuid:public_id>/sessions/new/",
        views.appointment_book,
        name="book",
    ),
    path(
        "patients/<uuid:public_id>/sessions/contract/",
        views.series_book,
        name="book-series",
    ),
    path(
        "patients/<uuid:public_id>/sessions/appointments.ics",
        views.patient_ics,
        name="patient-ics",
    ),
    path(
        "patients/<uuid:public_id>/sessions/<uuid:appointment_id>/move/",
        views.appointment_move,
        name="move",
    ),
    path(
        "patients/<uuid:public_id>/sessions/<uuid:appointment_id>/cancel/",
        views.appointment_cancel,
        name="cancel",
    ),
    path(
        "patients/<uuid:public_id>/sessions/<uuid:appointment_id>/attendance/",
        views.attendance_record,
        name="attendance",
    ),
    path("groups/<uuid:group_id>/sessions/book/", views.group_book, name="group-book"),
    path(
        "group-sessions/<uuid:appointment_id>/attendance/",
        views.group_attendance,
        name="group-attendance",
    ),
    path(
        "group-sessions/<uuid:appointment_id>/move/",
        views.group_move,
        name="group-move",
    ),
    path(
        "group-sessions/<uuid:appointment_id>/cancel/",
        views.group_cancel,
        name="group-cancel",
    ),
    path("calendar-feed/", views.feed_settings, name="feed-settings"),
    path("calendar/<slug:token>.ics", views.feed, name="feed"),
]
