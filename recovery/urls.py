from django.urls import path

from recovery import views

app_name = "recovery"

BASE = "patients/<uuid:public_id>/recovery/"

urlpatterns = [
    path(BASE, views.overview, name="overview"),
    path(
        f"{BASE}sessions/<uuid:session_id>/use/",
        views.session_use,
        name="session-use",
    ),
    path(f"{BASE}calendar/", views.tlfb, name="tlfb"),
    path(f"{BASE}tests/new/", views.test_add, name="test-add"),
    path(f"{BASE}sobriety/", views.sobriety, name="sobriety"),
    path(f"{BASE}reviews/<uuid:review_id>/", views.review, name="review"),
    path(f"{BASE}medications/new/", views.medication_add, name="medication-add"),
    path(
        f"{BASE}medications/<uuid:medication_id>/",
        views.medication_edit,
        name="medication-edit",
    ),
    path(f"{BASE}supporters/new/", views.supporter_add, name="supporter-add"),
    path(
        f"{BASE}supporters/<uuid:supporter_id>/",
        views.supporter_edit,
        name="supporter",
    ),
    path(
        f"{BASE}supporters/<uuid:supporter_id>/contacts/",
        views.contact_add,
        name="contact-add",
    ),
    path(f"{BASE}care-level/", views.care_level, name="care-level"),
]
