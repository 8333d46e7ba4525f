from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/verify/", views.verify, name="verify"),
    path("account/second-factor/", views.setup_second_factor, name="setup-2fa"),
    path("break-glass/", views.break_glass, name="break-glass"),
    path("break-glass/review/", views.break_glass_review, name="break-glass-review"),
    path("access-changes/", views.access_changes, name="access-changes"),
    path(
        "access-changes/<uuid:change_id>/decide/",
        views.access_change_decide,
        name="access-change-decide",
    ),
]
