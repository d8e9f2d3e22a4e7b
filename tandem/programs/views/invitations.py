"""Joining a program through an invitation link: sign up or sign in, then join."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from tandem.core import clock
from tandem.core.errors import Conflict, NotFound
from tandem.programs.models import Invitation, Membership
from tandem.programs.selectors.waitlist import invitation_get_by_token, invitation_is_for
from tandem.programs.services.invitations import (
    INVITATION_EXPIRED,
    INVITATION_USED,
    INVITATION_WRONG_ACCOUNT,
    invitation_accept,
)

# The invitation a visitor is on their way to accept, kept across sign-up and sign-in.
PENDING_INVITATION_SESSION_KEY = "tandem_pending_invitation"


def _closed_reason(invitation: Invitation) -> str | None:
    if invitation.accepted_at is not None:
        return INVITATION_USED
    if invitation.expires_at <= clock.now():
        return INVITATION_EXPIRED
    return None


def _get_invitation(token: str) -> Invitation:
    try:
        return invitation_get_by_token(token=token)
    except NotFound as exc:
        raise Http404 from exc


def after_join_url(membership: Membership) -> str:
    """Return where a new member goes next: the intake, or the management page."""
    name = "programs:manage" if membership.is_coordinator else "programs:intake"
    return reverse(name, kwargs={"slug": membership.program.slug})


@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation: join (right account), sign up / sign in (anonymous), or why not."""
    invitation = _get_invitation(token)
    context: dict[str, Any] = {"invitation": invitation, "program": invitation.program}
    reason = _closed_reason(invitation)
    if reason is not None:
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return render(
            request, "programs/invitation_closed.html", {**context, "reason": reason}, status=410
        )

    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION_SESSION_KEY] = invitation.token
        query = urlencode({"next": invitation.get_absolute_url()})
        context["signup_url"] = reverse("programs:invitation_signup", kwargs={"token": token})
        context["login_url"] = f"{reverse('account_login')}?{query}"
        return render(request, "programs/invitation.html", context)

    if not invitation_is_for(invitation=invitation, user=request.user):
        context["wrong_account"] = INVITATION_WRONG_ACCOUNT
        return render(request, "programs/invitation.html", context)

    if request.method == "POST":
        try:
            membership = invitation_accept(token=token, user=request.user)
        except Conflict as exc:
            return render(
                request,
                "programs/invitation_closed.html",
                {**context, "reason": exc.message},
                status=410,
            )
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return redirect(after_join_url(membership))
    return render(request, "programs/invitation.html", context)


class InvitationSignupView(SignupView):
    """Allauth's sign-up, with the email fixed to the invited address.

    Following the emailed link proves the address, so it is handed to allauth as verified:
    the new account needs no separate confirmation email.
    """

    template_name = "programs/invitation_signup.html"
    invitation: Invitation

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.invitation = _get_invitation(kwargs["token"])
        if request.user.is_authenticated or _closed_reason(self.invitation) is not None:
            return redirect(self.invitation.get_absolute_url())
        request.session[PENDING_INVITATION_SESSION_KEY] = self.invitation.token
        get_adapter(request).stash_verified_email(request, self.invitation.email)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict:
        return {**super().get_initial(), "email": self.invitation.email}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].disabled = True
        form.fields["email"].help_text = "The address your invitation was sent to."
        return form

    def get_success_url(self) -> str:
        return self.invitation.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        query = urlencode({"next": self.invitation.get_absolute_url()})
        context.update(
            invitation=self.invitation,
            program=self.invitation.program,
            login_url=f"{reverse('account_login')}?{query}",
        )
        return context


urlpatterns = [
    path("invitation/<str:token>/", invitation_detail, name="invitation"),
    path(
        "invitation/<str:token>/signup/",
        InvitationSignupView.as_view(),
        name="invitation_signup",
    ),
]
