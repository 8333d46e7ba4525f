from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/count/", views.inbox_count, name="count"),
    path(
        "patients/<uuid:public_id>/alerts/<uuid:alert_id>/",
        views.alert_detail,
        name="detail",
    ),
    path(
        "patients/<uuid:public_id>/alerts/<uuid:alert_id>/acknowledge/",
        views.alert_acknowledge,
        name="acknowledge",
    ),
]
