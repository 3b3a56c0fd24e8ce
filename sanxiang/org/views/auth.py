"""Login in two steps (password, then the TOTP code), enrolment of the second factor, logout, password change."""

from __future__ import annotations

import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.lib.exceptions import DomainError
from sanxiang.org import actions
from sanxiang.org import login as login_actions
from sanxiang.org.http import request_user
from sanxiang.org.models import User

PENDING_KEY = "sanxiang_pending_user"
PENDING_AT_KEY = "sanxiang_pending_at"
NEXT_KEY = "sanxiang_next"
PENDING_SECONDS = 300


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Login name"), max_length=64)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=256, strip=False)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=gettext_lazy("Current password"), widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label=gettext_lazy("New password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if user_id is None or time.time() - float(started) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _finish_login(request: HttpRequest, user: User, device: TOTPDevice | None) -> HttpResponse:
    target = _safe_next(request, request.session.get(NEXT_KEY))
    for key in (PENDING_KEY, PENDING_AT_KEY, NEXT_KEY):
        request.session.pop(key, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    login_actions.login_succeeded(user=user, method="password+totp" if device is not None else "password")
    return redirect(target)


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: login name and password."""
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_actions.login_check_password(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[NEXT_KEY] = request.GET.get("next", "")
            if not login_actions.mfa_needed(user):
                return _finish_login(request, user, None)
            request.session[PENDING_KEY] = user.pk
            request.session[PENDING_AT_KEY] = time.time()
            if login_actions.confirmed_totp_device(user) is None:
                return redirect("otp_setup")
            return redirect("login_otp")
    return render(request, "registration/login.html", {"form": form})


@never_cache
def login_otp_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the authenticator app."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Enter your login name and password first."))
        return redirect("login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = login_actions.login_verify_totp(user=user, token=form.cleaned_data["token"])
        except login_actions.LoginRefused as exc:
            if user.is_locked():
                request.session.pop(PENDING_KEY, None)
                messages.error(request, exc.message)
                return redirect("login")
            form.add_error("token", exc.message)
        else:
            return _finish_login(request, user, device)
    return render(request, "registration/login_otp.html", {"form": form, "pending_user": user})


@never_cache
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """First login: enrol an authenticator app (scan the QR code, confirm with a code)."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Enter your login name and password first."))
        return redirect("login")
    if login_actions.confirmed_totp_device(user) is not None:
        return redirect("login_otp")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = login_actions.totp_enroll_confirm(user=user, token=form.cleaned_data["token"])
        except login_actions.LoginRefused as exc:
            form.add_error("token", exc.message)
        else:
            messages.success(request, _("The authenticator app is set up."))
            return _finish_login(request, user, device)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or request.method == "GET":
        device = login_actions.totp_enroll_start(user=user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code for the authenticator app"))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "pending_user": user},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        login_actions.logout_record(user=request_user(request), reason="logout")
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("login")


@login_required
@never_cache
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request_user(request)
        try:
            actions.password_change(
                actor=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            errors = getattr(exc, "errors", {})
            for field, msgs in errors.items():
                target = "new_password" if field == "password" else field
                for msg in msgs:
                    form.add_error(target if target in form.fields else None, msg)
            if not errors:
                form.add_error(None, exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "help_texts": password_validators_help_texts(), "max_age": settings.PASSWORD_MAX_AGE_DAYS},
    )
