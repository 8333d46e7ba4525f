from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("patients/new/", views.patient_create, name="create"),
    path("patients/<uuid:public_id>/", views.patient_detail, name="detail"),
    path("patients/<uuid:public_id>/edit/", views.patient_edit, name="edit"),
    path(
        "patients/<uuid:public_id>/diagnoses/new/",
        views.diagnosis_add,
        name="diagnosis-add",
    ),
    path(
        "patients/<uuid:public_id>/treatments/new/",
        views.treatment_add,
        name="treatment-add",
    ),
    path("patients/<uuid:public_id>/care-team/", views.care_team, name="care-team"),
    path(
        "patients/<uuid:public_id>/care-team/<int:member_id>/remove/",
        views.care_team_remove,
        name="care-team-remove",
    ),
    path("patients/<uuid:public_id>/audit/", views.patient_audit, name="audit"),
]
