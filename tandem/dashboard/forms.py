"""Forms of the coordinator's tools: end a partnership, change a member's status, remove one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.partnerships.models import PartnershipEvent
from tandem.partnerships.services.coordinator import (
    MSG_COORDINATOR_REASON,
    MSG_STATUS_UNKNOWN,
    SETTABLE_STATUSES,
)
from tandem.partnerships.services.life import MSG_END_REASON, REASON_MAX_LENGTH
from tandem.programs.selectors.member_status import MemberStatus


class CoordinatorEndForm(TandemForm):
    end_reason = forms.ChoiceField(
        label=_("Why does it end?"),
        choices=[("", _("Choose a reason")), *PartnershipEvent.EndReason.choices],
        error_messages={"required": MSG_END_REASON, "invalid_choice": MSG_END_REASON},
    )
    reason = forms.CharField(
        label=_("Your reason (for coordinators and the audit log; partners do not see it)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": MSG_COORDINATOR_REASON},
    )


class MemberStatusForm(TandemForm):
    status = forms.ChoiceField(
        label=_("Status"),
        # Nothing preselected (the current status may not be one a coordinator sets); the
        # labels are the roster's.
        choices=[("", _("Choose a new status"))]
        + [(s.value, dict(MemberStatus.choices)[s.value]) for s in SETTABLE_STATUSES],
        error_messages={"required": MSG_STATUS_UNKNOWN, "invalid_choice": MSG_STATUS_UNKNOWN},
    )


class MemberRemoveForm(TandemForm):
    reason = forms.CharField(
        label=_("Why do they leave? (kept in the audit log)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why they leave the program.")},
    )


class ReassignForm(CoordinatorEndForm):
    membership = forms.IntegerField(
        label=_("Who moves"),
        error_messages={"required": _("Pick who moves among the partnership's current partners.")},
    )
