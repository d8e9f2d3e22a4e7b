"""A member's own data: the download page and the account deletion page under /me/."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.errors import ValidationFailed
from tandem.core.forms import TandemForm
from tandem.privacy import services


class EraseForm(TandemForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def data_download(request: HttpRequest) -> HttpResponse:
    """Show what the download holds; the button (POST) sends the zip."""
    if request.method == "POST":
        user = cast(User, request.user)
        payload = services.account_export(user=user, ip_address=_ip(request))
        response = HttpResponse(payload, content_type="application/zip")
        stamp = clock.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="tandem-my-data-{stamp}.zip"'
        return response
    return render(request, "privacy/data.html", {"files": services.EXPORT_FILES})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def data_delete(request: HttpRequest) -> HttpResponse:
    """Ask for the password, then erase the account and sign the person out."""
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pseudonym = services.account_erase(
                user=cast(User, request.user),
                password=form.cleaned_data["password"],
                ip_address=_ip(request),
            )
        except ValidationFailed as exc:
            form.add_error("password", exc.message)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account is deleted. Your partners now see “{pseudonym}” where your "
                    "name was."
                ).format(pseudonym=pseudonym),
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/data_delete.html", {"form": form}, status=status)
