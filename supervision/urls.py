from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/review/", views.review, name="review"),
    path("supervision/notes/", views.note_list, name="notes"),
    path("supervision/notes/new/", views.note_create, name="note-create"),
    path(
        "patients/<uuid:public_id>/courses/<uuid:course_id>/sessions/"
        "<uuid:session_id>/fidelity/",
        views.session_fidelity,
        name="session-fidelity",
    ),
    path(
        "supervision/actions/<uuid:action_id>/done/",
        views.action_done,
        name="action-done",
    ),
]
