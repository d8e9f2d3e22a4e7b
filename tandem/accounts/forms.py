from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import ApiToken
from tandem.core.forms import TandemForm


class ApiTokenForm(TandemForm):
    label = forms.CharField(
        max_length=ApiToken._meta.get_field("label").max_length,
        help_text=_("Where you will use it, e.g. “reporting script”."),
    )


class IdentityForm(TandemForm):
    """The name partners see and the time zone times are shown in (rules in the service)."""

    display_name = forms.CharField(
        label=_("Name to show your partners"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": 80}),
    )
    time_zone = forms.CharField(
        required=False,
        help_text=_("An IANA zone such as Europe/Madrid; meeting times are shown in this zone."),
        widget=forms.TextInput(
            attrs={"list": "time-zones", "autocomplete": "off", "data-browser-zone": ""}
        ),
    )

    def __init__(self, *args: Any, has_intake: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_intake:
            del self.fields["time_zone"]


class LanguageForm(TandemForm):
    """The language pages and emails use (rules in the service)."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The one my browser asks for")), *settings.LANGUAGES],
        help_text=_("Emails from your partners and coordinators come in it too."),
    )
