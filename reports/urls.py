from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path(
        "patients/<uuid:public_id>/courses/<uuid:course_id>/report.pdf",
        views.course_report,
        name="course-report",
    ),
]
