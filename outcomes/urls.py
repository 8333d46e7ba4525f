from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("patients/<uuid:public_id>/progress/", views.progress, name="progress"),
    path(
        "patients/<uuid:public_id>/progress/summary/",
        views.progress_summary,
        name="summary",
    ),
]
