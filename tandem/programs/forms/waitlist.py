from django import forms
from django.utils.translation import gettext_lazy, gettext_noop

from tandem.core.forms import TandemForm
from tandem.programs.services.waitlist import WAITLIST_EMAIL_INVALID

WAITLIST_EMAIL_REQUIRED = gettext_noop(
    "Enter your email address, so we can tell you when the doors open."
)


class WaitlistSignupForm(TandemForm):
    email = forms.EmailField(
        label=gettext_lazy("Your email"),
        max_length=254,
        error_messages={
            "required": gettext_lazy(WAITLIST_EMAIL_REQUIRED),
            "invalid": gettext_lazy(WAITLIST_EMAIL_INVALID),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.org"}),
    )
