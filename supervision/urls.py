from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/review/", views.review, name="review"),
    path("supervision/notes/", views.note_list, name="notes"),
    path("supervision/notes/new/", views.note_create, name="note-create"),
    path(
        "supervision/actions/<uuid:action_id>/done/",
        views.action_done,
        name="action-done",
    ),
]
