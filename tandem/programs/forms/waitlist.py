from django import forms

from tandem.core.forms import TandemForm
from tandem.programs.services.waitlist import WAITLIST_EMAIL_INVALID

WAITLIST_EMAIL_REQUIRED = "Enter your email address, so we can tell you when the doors open."


class WaitlistSignupForm(TandemForm):
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        error_messages={"required": WAITLIST_EMAIL_REQUIRED, "invalid": WAITLIST_EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.org"}),
    )
