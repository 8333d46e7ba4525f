"""Sign-in, second factor, sign-out, break-the-glass, and approving changes of
clinical access."""

from __future__ import annotations

import uuid
from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import access, services
from accounts.choices import Role
from accounts.forms import (
    BreakGlassForm,
    ConfirmDeviceForm,
    EnrolmentCodeForm,
    TokenForm,
)
from accounts.models import Staff
from accounts.qr import qr_svg_data_uri
from audit import services as audit
from audit.choices import Action
from iptcare.lib.submissions import saved_once


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # cycles the session key
        audit.record(actor=form.get_user(), action=Action.SIGN_IN, category="staff")
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        audit.record(actor=None, action=Action.SIGN_IN_FAILED, category="staff")
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        # Signing in with a password never verifies the second factor by itself.
        if settings.IPTCARE_REQUIRE_2FA:
            return reverse("accounts:verify")
        return super().get_success_url()


@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponseBase:
    if isinstance(request.user, Staff):
        audit.record(actor=request.user, action=Action.SIGN_OUT, category="staff")
    return auth_views.LogoutView.as_view()(request)


def _confirmed_totp(user: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the second factor (a TOTP code or a one-time backup code)."""
    user: Staff = request.user  # type: ignore[assignment]
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(settings.LOGIN_REDIRECT_URL)
    if _confirmed_totp(user) is None:
        return redirect("accounts:setup-2fa")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"].strip())
        if device is not None:
            otp_login(request, device)
            audit.record(actor=user, action=Action.SIGN_IN, category="second_factor")
            return redirect(settings.LOGIN_REDIRECT_URL)
        audit.record(actor=user, action=Action.SIGN_IN_FAILED, category="second_factor")
        form.add_error("otp_token", "That code is not right, or has been used.")
    return render(request, "accounts/verify.html", {"form": form})


ENROLLING_DEVICE = "iptcare_enrolling_device"


def _enrolment_code(request: HttpRequest, user: Staff) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.enrolment_code_use(
            staff=user, code=form.cleaned_data["enrolment_code"]
        ):
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(
                user=user, confirmed=False, name="Authenticator app"
            )
            request.session[ENROLLING_DEVICE] = device.pk
            return redirect("accounts:setup-2fa")
        audit.record(
            actor=user, action=Action.SIGN_IN_FAILED, category="second_factor_enrolment"
        )
        form.add_error(
            "enrolment_code",
            "That code is not right or has been used. Ask your administrator for one.",
        )
    return render(request, "accounts/enrolment_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def setup_second_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan, confirm one code, receive backup codes."""
    user: Staff = request.user  # type: ignore[assignment]
    if _confirmed_totp(user) is not None:
        return redirect("accounts:verify")
    # First the one-time code the administrator handed over; only then a new secret,
    # so whoever holds just the password never sees one.
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROLLING_DEVICE) or 0, user=user, confirmed=False
    ).first()
    if device is None:
        return _enrolment_code(request, user)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            backup, _ = StaticDevice.objects.get_or_create(
                user=user, name="Backup codes"
            )
            backup.token_set.all().delete()
            codes = [StaticToken.random_token() for _ in range(10)]
            StaticToken.objects.bulk_create(
                StaticToken(device=backup, token=code) for code in codes
            )
            otp_login(request, device)
            request.session.pop(ENROLLING_DEVICE, None)
            audit.record(
                actor=user,
                action=Action.PRIVILEGE_CHANGE,
                category="second_factor",
                detail="authenticator enrolled",
            )
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        form.add_error(
            "otp_token", "That code is not right. Check the time on your phone."
        )
    return render(
        request,
        "accounts/setup_2fa.html",
        {
            "form": form,
            "qr": qr_svg_data_uri(device.config_url),
            "secret": b32encode(device.bin_key).decode(),
        },
    )


@require_http_methods(["GET", "POST"])
@saved_once
def break_glass(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    if not access.may_break_glass(staff):
        return render(request, "accounts/break_glass_refused.html", status=403)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = access.break_glass(staff=staff, **form.cleaned_data)
        except access.BreakGlassRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.warning(
                request,
                f"Emergency access granted until {timezone.localtime(grant.expires_at):%H:%M}. "
                "It is recorded and will be reviewed.",
            )
            return redirect("patients:detail", public_id=grant.patient.public_id)
    return render(request, "accounts/break_glass.html", {"form": form})


@require_http_methods(["GET"])
def break_glass_review(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    if not staff.is_supervisor:
        return render(request, "accounts/break_glass_refused.html", status=403)
    grants = access.break_glass_for_review(staff)[:200]
    return render(request, "accounts/break_glass_review.html", {"grants": grants})


sign_in = login_not_required(SignInView.as_view())


@require_http_methods(["GET"])
def access_changes(request: HttpRequest) -> HttpResponse:
    """Changes of clinical access waiting for this person's approval."""
    staff: Staff = request.user  # type: ignore[assignment]
    if staff.role not in {Role.ADMINISTRATOR, Role.SUPERVISOR}:
        raise Http404
    changes = access.access_changes_to_decide(staff)[:200]
    return render(request, "accounts/access_changes.html", {"changes": changes})


@require_http_methods(["POST"])
def access_change_decide(request: HttpRequest, change_id: uuid.UUID) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    change = access.access_change_get_for_decision(staff, change_id)
    decision = request.POST.get("decision")
    if decision not in {"approve", "refuse"}:
        messages.error(request, "Choose approve or refuse.")
        return redirect("accounts:access-changes")
    try:
        if decision == "approve":
            services.access_change_approve(approver=staff, change=change)
        else:
            services.access_change_refuse(approver=staff, change=change)
    except services.AccessChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"{'Approved' if decision == 'approve' else 'Refused'}: "
            f"{change.get_role_display()} for {change.staff.display_name}.",
        )
    return redirect("accounts:access-changes")
