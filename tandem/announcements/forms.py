"""The announcement form: the service checks the content, the form carries the choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.announcements.models import Announcement
from tandem.core.forms import TandemForm
from tandem.programs.selectors.member_status import MemberStatus

STATUS_CHOICES = [("", _("Any status"))] + [
    (value, label) for value, label in MemberStatus.choices if value != MemberStatus.LEFT
]
STATE_CHOICES = [("", _("With or without a partnership")), *Announcement.PartnershipState.choices]


class AnnouncementForm(TandemForm):
    subject = forms.CharField(label=_("Subject"), required=False, max_length=1000)
    body = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: *emphasis*, **bold**, lists and links. No images or HTML."),
    )
    member_status = forms.ChoiceField(
        label=_("Members with status"), choices=STATUS_CHOICES, required=False
    )
    partnership_state = forms.ChoiceField(
        label=_("Partnership"), choices=STATE_CHOICES, required=False
    )
