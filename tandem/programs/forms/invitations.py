from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from tandem.accounts.models import User
from tandem.core.forms import TandemForm

MSG_CHOOSE_ONE = gettext_noop("Choose a password for your account.")
MSG_TYPE_AGAIN = gettext_noop("Type the same password again, to be sure it is the one you meant.")
PASSWORDS_DIFFER = gettext_noop(
    "The two passwords are not the same. Type the same password in both boxes."
)


class AccountSetupForm(TandemForm):
    """Choose the first password of an account that was created for the person (an import)."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": gettext_lazy(MSG_CHOOSE_ONE)},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password (again)",
        strip=False,
        error_messages={"required": gettext_lazy(MSG_TYPE_AGAIN)},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        # The same rules as signing up (length and Django's password validators).
        return get_adapter().clean_password(password, user=self.user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(gettext(PASSWORDS_DIFFER)))
        return cleaned
