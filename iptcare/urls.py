from django.contrib import admin
from django.urls import include, path

from iptcare import views

admin.site.site_header = "IPT Care administration"
admin.site.site_title = "IPT Care administration"

urlpatterns = [
    path("health", views.health, name="health"),
    # The two most frequent requests, the alert counter poll and the portal's
    # screens, are resolved before the other apps' routes (decisions/0065); no route
    # of theirs matches another app's paths.
    path("", include("alerts.urls")),
    path("", include("portal.urls")),
    path("", include("accounts.urls")),
    path("", include("patients.urls")),
    path("", include("ipt.urls")),
    path("", include("measures.urls")),
    path("", include("scheduling.urls")),
    path("", include("referrals.urls")),
    path("", include("outcomes.urls")),
    path("", include("reports.urls")),
    path("", include("supervision.urls")),
    path("", include("interop.urls")),
    path("", include("disclosures.urls")),
    path("", include("recovery.urls")),
    # One sign-in page for everyone, with lock-out and the second factor.
    path("admin/login/", views.admin_sign_in),
    path("admin/", admin.site.urls),
]
