from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    # Public: the address clinics link to from their own websites (docs/intake.md).
    path("callback/", views.callback, name="callback"),
    path("callback/thanks/", views.callback_thanks, name="callback-thanks"),
    # Staff: intake coordinators and supervisors.
    path("intake/", views.queue, name="queue"),
    path("intake/waiting-list/", views.waiting_list, name="waiting-list"),
    path("intake/waiting-times/", views.waiting_times, name="waiting-times"),
    path("intake/<uuid:public_id>/", views.referral_detail, name="detail"),
    path("intake/<uuid:public_id>/calls/", views.attempt, name="attempt"),
    path("intake/<uuid:public_id>/letter/", views.letter, name="letter"),
    path("intake/<uuid:public_id>/details/", views.person, name="person"),
    path("intake/<uuid:public_id>/screening/", views.screening, name="screening"),
    path(
        "intake/<uuid:public_id>/screening/<uuid:administration_id>/",
        views.screening_result,
        name="screening-result",
    ),
    path("intake/<uuid:public_id>/link/", views.link, name="link"),
    path("intake/<uuid:public_id>/accept/", views.accept, name="accept"),
    path("intake/<uuid:public_id>/close/", views.close, name="close"),
    path("intake/<uuid:public_id>/book/", views.book, name="book"),
    path("intake/<uuid:public_id>/priority/", views.priority, name="priority"),
]
