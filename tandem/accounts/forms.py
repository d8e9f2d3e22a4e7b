from django import forms

from tandem.accounts.models import ApiToken
from tandem.core.forms import TandemForm


class ApiTokenForm(TandemForm):
    label = forms.CharField(
        max_length=ApiToken._meta.get_field("label").max_length,
        help_text="Where you will use it, e.g. “reporting script”.",
    )
