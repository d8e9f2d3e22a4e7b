"""Forms of the integrations page: they parse what was typed; the services hold the rules.

The address and the events are checked by the service, so every problem (a bad address and no
event chosen) is named at once.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.integrations.models import Endpoint
from tandem.integrations.payloads import CHAT_EVENTS, WEBHOOK_EVENTS


class EventsField(forms.MultipleChoiceField):
    """The events chosen; an unknown one is named by the service with the other problems."""

    def validate(self, value: Any) -> None:
        return None


class WebhookForm(TandemForm):
    label = forms.CharField(
        label=_("Name (for you, optional)"),
        required=False,
        help_text=_("Such as “Our CRM”."),
    )
    url = forms.CharField(
        label=_("Address Tandem posts to"),
        required=False,
        help_text=_("An https:// address of your own service."),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    events = EventsField(
        label=_("Events it hears of"),
        required=False,
        choices=[(e.value, e.label) for e in WEBHOOK_EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )


class ChatForm(TandemForm):
    kind = forms.ChoiceField(
        label=_("Where"),
        choices=[(Endpoint.Kind.SLACK, "Slack"), (Endpoint.Kind.TEAMS, "Microsoft Teams")],
        initial=Endpoint.Kind.SLACK,
        widget=forms.RadioSelect,
    )
    url = forms.CharField(
        label=_("Incoming webhook address"),
        required=False,
        help_text=_(
            "Slack: Apps → Incoming Webhooks. Teams: the channel's Workflows → “Post to a channel when a webhook request is received”."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    events = EventsField(
        label=_("What Tandem posts"),
        required=False,
        choices=[(e.value, e.label) for e in CHAT_EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )
