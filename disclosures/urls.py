from django.urls import path

from disclosures import notes_views, pack_views, portal_views, retention_views, views

app_name = "disclosures"

P = "patients/<uuid:public_id>/"

urlpatterns = [
    path(f"{P}consents/", views.consents, name="consents"),
    path(f"{P}consents/new/", views.consent_new, name="consent-new"),
    path(
        f"{P}consents/<uuid:consent_id>/", views.consent_detail, name="consent-detail"
    ),
    path(
        f"{P}consents/<uuid:consent_id>/revoke/",
        views.consent_revoke,
        name="consent-revoke",
    ),
    path(
        f"{P}consents/<uuid:consent_id>/expiry-event/",
        views.consent_expiry_event,
        name="consent-expiry-event",
    ),
    path(f"{P}disclosures/new/", views.disclosure_new, name="disclosure-new"),
    path(
        f"{P}disclosures/<uuid:disclosure_id>/",
        views.disclosure_detail,
        name="disclosure-detail",
    ),
    path(
        f"{P}disclosures/<uuid:disclosure_id>/document",
        views.disclosure_document,
        name="disclosure-document",
    ),
    path(f"{P}disclosures/", views.accounting, name="accounting"),
    path(f"{P}disclosures/accounting.pdf", views.accounting_pdf, name="accounting-pdf"),
    path(
        f"{P}courses/<uuid:course_id>/sessions/<uuid:session_id>/private-note/",
        notes_views.private_note,
        name="private-note",
    ),
    path(
        f"{P}courses/<uuid:course_id>/sessions/<uuid:session_id>/private-note/share",
        notes_views.private_note_share,
        name="private-note-share",
    ),
    path(f"{P}subject-access/", pack_views.staff_pack_request, name="pack-request"),
    path("portal/my-records/", pack_views.portal_packs, name="portal-packs"),
    path(
        "portal/my-records/<uuid:pack_id>/<str:fmt>",
        pack_views.portal_pack_download,
        name="portal-pack-download",
    ),
    path("retention/", retention_views.review, name="retention"),
    path("retention/<int:due_id>/erase", retention_views.erase, name="retention-erase"),
    path("portal/disclosures/", portal_views.accounting, name="portal-accounting"),
]
