from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tandem.accounts import selectors, services, slots
from tandem.accounts.forms import ApiTokenForm, IdentityForm, LanguageForm
from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.core.forms import submit
from tandem.core.zones import zone_names_offered

MSG_IDENTITY_SAVED = _("Saved: your partners see this name and times are shown in this zone.")
MSG_LANGUAGE_SAVED = _("Saved: Tandem speaks this language to you, on pages and in emails.")


def _user(request: HttpRequest) -> User:
    """Return the signed-in person (the views below all require sign-in)."""
    return cast(User, request.user)


def _render_settings(
    request: HttpRequest,
    *,
    form: ApiTokenForm | None = None,
    identity_form: IdentityForm | None = None,
    language_form: LanguageForm | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if identity_form is None:
        identity = slots.identity_of(user=_user(request))
        identity_form = IdentityForm(
            initial={"display_name": identity.display_name, "time_zone": identity.time_zone},
            has_intake=identity.has_intake,
        )
    return render(
        request,
        "accounts/settings.html",
        {
            "identity_form": identity_form,
            "language_form": language_form
            or LanguageForm(initial={"language": _user(request).language}),
            "time_zones": zone_names_offered(),
            "memberships": slots.memberships_of(user=_user(request)),
            "tokens": selectors.api_token_list_for(user=_user(request)),
            "token_form": form or ApiTokenForm(),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """Show the person's account: programs and roles, API tokens."""
    return _render_settings(request)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal API token and show its raw value, once (never redirected or stored)."""
    form = ApiTokenForm(request.POST)
    created = submit(form, lambda data: services.api_token_create(user=_user(request), **data))
    if created is not None:
        _token, raw = created
        return _render_settings(request, new_token=raw)
    return _render_settings(request, form=form, status=400)


@login_required
@require_POST
def account_identity(request: HttpRequest) -> HttpResponse:
    """Save the name partners see and the time zone, in every program (also once matched)."""
    user = _user(request)
    form = IdentityForm(request.POST, has_intake=slots.identity_of(user=user).has_intake)
    if submit(
        form,
        lambda data: slots.identity_save(
            user=user, display_name=data["display_name"], time_zone=data.get("time_zone", "")
        ),
    ):
        messages.success(request, MSG_IDENTITY_SAVED)
        return redirect("accounts:settings")
    return _render_settings(request, identity_form=form, status=400)


@login_required
@require_POST
def account_language(request: HttpRequest) -> HttpResponse:
    """Save the language pages and emails use for the person."""
    form = LanguageForm(request.POST)
    if submit(form, lambda data: services.user_language_set(user=_user(request), **data)):
        # The confirmation is put into words when this response is made: in the new language.
        translation.activate(
            form.cleaned_data["language"] or translation.get_language_from_request(request)
        )
        messages.success(request, MSG_LANGUAGE_SAVED)
        response = redirect("accounts:settings")
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return _render_settings(request, language_form=form, status=400)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the person's tokens."""
    try:
        token = services.api_token_revoke(user=_user(request), token_id=token_id)
    except NotFound:
        messages.error(request, _("That token was already revoked or is not yours."))
    else:
        messages.success(
            request, _("Token “{label}” revoked; it no longer works.").format(label=token.label)
        )
    return redirect("accounts:settings")
