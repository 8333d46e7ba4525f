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
    path("service/outcomes/", views.service, name="service"),
    path("service/outcomes.csv", views.service_csv, name="service-csv"),
    path("service/outcomes.pdf", views.service_pdf, name="service-pdf"),
]
