"""Joining a program through an invitation link: sign up or sign in, then join."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import clock
from tandem.core.errors import Conflict
from tandem.programs import selectors
from tandem.programs.forms.invitations import AccountSetupForm
from tandem.programs.models import Invitation, Membership, Program
from tandem.programs.selectors.invitations import (
    access_account_setup_membership,
    account_setup_membership_list,
    account_setup_pending,
    invitation_account_exists,
    invitation_account_to_set_up,
    invitation_open_by_token,
)
from tandem.programs.selectors.waitlist import invitation_get_by_token, invitation_is_for
from tandem.programs.services.invitations import (
    INVITATION_EXPIRED,
    INVITATION_SETUP_ALREADY_DONE,
    INVITATION_USED,
    INVITATION_WRONG_ACCOUNT,
    invitation_accept,
    invitation_account_setup_accept,
    invitation_account_setup_resend,
    invitation_account_setup_send,
)

# The invitation a visitor is on their way to accept, kept across sign-up and sign-in.
PENDING_INVITATION_SESSION_KEY = "tandem_pending_invitation"

ACCOUNT_SETUP_DONE = gettext_noop(
    "Your password is set and you are signed in. Check your answers below."
)
ACCOUNT_SETUP_SENT = gettext_noop("Set-up invitations are on the way to {count} {noun}.")
ACCOUNT_SETUP_NONE = gettext_noop(
    "Nobody to invite: every imported member has a password already, or a link on its way."
)
ACCOUNT_SETUP_RESENT = gettext_noop(
    "A new set-up email is on its way to {email}, with the same link."
)
ACCOUNT_SETUP_LIST_LIMIT = 200


def pending_invitation_url(request: HttpRequest) -> str | None:
    """Return the open invitation this visitor was on their way to accept, if any.

    Sign-in and sign-up (the account adapter) send people back to it; a used or expired
    invitation is forgotten.
    """
    token = request.session.get(PENDING_INVITATION_SESSION_KEY)
    if token is None:
        return None
    invitation = invitation_open_by_token(token=token)
    if invitation is None:
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return None
    return invitation.get_absolute_url()


def _closed_reason(invitation: Invitation) -> str | None:
    if invitation.accepted_at is not None:
        return gettext(INVITATION_USED)
    if invitation.expires_at <= clock.now():
        return gettext(INVITATION_EXPIRED)
    return None


def _get_invitation(token: str) -> Invitation:
    return invitation_get_by_token(token=token)


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
        if invitation_account_to_set_up(invitation=invitation) is not None:
            return redirect("programs:invitation_setup", token=invitation.token)
        request.session[PENDING_INVITATION_SESSION_KEY] = invitation.token
        query = urlencode({"next": invitation.get_absolute_url()})
        context["has_account"] = invitation_account_exists(invitation=invitation)
        context["signup_url"] = reverse("programs:invitation_signup", kwargs={"token": token})
        context["login_url"] = f"{reverse('account_login')}?{query}"
        return render(request, "programs/invitation.html", context)

    if not invitation_is_for(invitation=invitation, user=request.user):
        context["wrong_account"] = gettext(INVITATION_WRONG_ACCOUNT)
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


@require_http_methods(["GET", "POST"])
def invitation_setup(request: HttpRequest, token: str) -> HttpResponse:
    """Let an imported member choose the first password of their account, then go to the intake.

    Anyone signed in, or whose account already has a password, goes to the invitation page,
    which offers the ordinary sign-in.
    """
    invitation = _get_invitation(token)
    if request.user.is_authenticated or _closed_reason(invitation) is not None:
        return redirect(invitation.get_absolute_url())
    user = invitation_account_to_set_up(invitation=invitation)
    if user is None:
        return redirect(invitation.get_absolute_url())
    context: dict[str, Any] = {"invitation": invitation, "program": invitation.program}
    form = AccountSetupForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitation_account_setup_accept(
                token=token, password=form.cleaned_data["password1"]
            )
        except Conflict as exc:
            if exc.message == gettext(INVITATION_SETUP_ALREADY_DONE):
                messages.info(request, exc.message)
                return redirect(invitation.get_absolute_url())
            return render(
                request,
                "programs/invitation_closed.html",
                {**context, "reason": exc.message},
                status=410,
            )
        user.refresh_from_db()
        get_adapter(request).login(request, user)
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        messages.success(request, gettext(ACCOUNT_SETUP_DONE))
        return redirect(after_join_url(membership))
    context["form"] = form
    context["display_name"] = user.get_full_name()
    return render(
        request,
        "programs/invitation_setup.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


def _coordinated_program(request: HttpRequest, slug: str) -> Program:
    return selectors.access_program_as_coordinator(user=request.user, slug=slug)


@require_http_methods(["GET", "POST"])
def invitation_account_setup_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Show members without a password (imported ones) and send them set-up invitations."""
    program = _coordinated_program(request, slug)
    if request.method == "POST":
        result = invitation_account_setup_send(program=program, invited_by=request.user)
        count = len(result.sent)
        if count:
            noun = ngettext("member", "members", count)
            messages.success(request, gettext(ACCOUNT_SETUP_SENT).format(count=count, noun=noun))
        else:
            messages.info(request, gettext(ACCOUNT_SETUP_NONE))
        return redirect("programs:invitation_account_setup", slug=program.slug)
    memberships = list(account_setup_membership_list(program=program))
    rows = [(m, account_setup_pending(membership=m)) for m in memberships]
    to_send = sum(1 for _, pending in rows if pending)
    return render(
        request,
        "programs/invitation_account_setup.html",
        {
            "program": program,
            "rows": rows[:ACCOUNT_SETUP_LIST_LIMIT],
            "more": max(0, len(rows) - ACCOUNT_SETUP_LIST_LIMIT),
            "total": len(rows),
            "to_send": to_send,
            "on_the_way": len(rows) - to_send,
        },
    )


@require_POST
def invitation_account_setup_resend_one(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send one member their set-up link again (refused within 10 minutes of the last send)."""
    program = _coordinated_program(request, slug)
    membership = access_account_setup_membership(program=program, pk=pk)
    try:
        invitation = invitation_account_setup_resend(membership=membership, invited_by=request.user)
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, gettext(ACCOUNT_SETUP_RESENT).format(email=invitation.email))
    return redirect("programs:invitation_account_setup", slug=program.slug)


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
        form.fields["email"].help_text = gettext("The address your invitation was sent to.")
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
