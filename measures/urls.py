from django.urls import path

from measures import views

app_name = "measures"

urlpatterns = [
    path(
        "patients/<uuid:public_id>/measures/new/",
        views.administration_record,
        name="record",
    ),
    path(
        "patients/<uuid:public_id>/measures/<uuid:administration_id>/",
        views.administration_detail,
        name="detail",
    ),
    path(
        "patients/<uuid:public_id>/measures/<uuid:administration_id>/correct/",
        views.administration_correct,
        name="correct",
    ),
]
