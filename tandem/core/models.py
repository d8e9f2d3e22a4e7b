from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core import clock


class TimeStampedModel(models.Model):
    """Abstract base: creation and update instants, set from the injectable clock."""

    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = clock.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class WeeklyNudge(models.Model):
    """Abstract base of a reminder a person sends by hand, at most one a week (core/nudges.py).

    Each kind adds what was nudged and a unique constraint on it with ``week``.
    """

    # ISO year and week of ``sent_at`` ("2027-W02"): the database holds one a week.
    week = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=clock.now)
    # When the worker emailed it (empty until then): the claim that sends it once.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-sent_at", "-id"]


AUDIT_APPEND_ONLY = (
    "The audit log is append-only: events are never changed or deleted through the app "
    "(operators prune old rows with SQL; see docs/access.md)."
)


class AuditLogAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuse bulk changes: the audit log only grows."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)


class AuditEvent(models.Model):
    """One append-only line of the audit log: who did what to whom, and what changed.

    Never holds note or meeting text; ``before``/``after`` carry field values only.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBERS_IMPORTED = "members_imported", _("Members imported")
        DOORS_OPENED = "doors_opened", _("Doors opened")
        MATCH_PUBLISHED = "match_published", _("Matches published")
        MATCH_LOCKED = "match_locked", _("Match locked")
        MATCH_FORBIDDEN = "match_forbidden", _("Match forbidden")
        MATCH_SWAPPED = "match_swapped", _("Match people swapped")
        MATCH_REMOVED = "match_removed", _("Match proposal removed")
        MATCH_RULE_REMOVED = "match_rule_removed", _("Match rule removed")
        EXPORT = "export", _("Data exported")
        ERASURE = "erasure", _("Account erased")
        PROGRAM_CHANGED = "program_changed", _("Program changed")
        ANNOUNCEMENT_SENT = "announcement_sent", _("Announcement sent")
        INTAKE_REMINDED = "intake_reminded", _("Intake reminders sent")
        PROGRAM_COPIED = "program_copied", _("Program copied")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        PARTNERSHIP_ENDED = "partnership_ended", _("Partnership ended by a coordinator")
        MEMBER_STATUS_CHANGED = "member_status_changed", _("Member status changed")
        MEMBER_REMOVED = "member_removed", _("Member removed from the program")
        PAIRED_BY_HAND = "paired_by_hand", _("Paired by hand")
        CHECK_IN_RECORDED = "check_in_recorded", _("Support check-in recorded")
        CHECK_IN_SENT = "check_in_sent", _("Check-in message sent")
        SUPPORT_PLAN_CHANGED = "support_plan_changed", _("Support cadence changed")
        CHECK_IN_TEMPLATE_CHANGED = "check_in_template_changed", _("Check-in message changed")
        WORKSHEET_ADDED = "worksheet_added", _("Worksheet added")
        WORKSHEET_CHANGED = "worksheet_changed", _("Worksheet changed")
        INTEGRATION_ADDED = "integration_added", _("Integration added")
        INTEGRATION_REMOVED = "integration_removed", _("Integration removed")
        INTEGRATION_SECRET_ROTATED = "integration_secret_rotated", _("Webhook secret rotated")

    occurred_at = models.DateTimeField(default=clock.now, editable=False, db_index=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    subject_label = models.CharField(max_length=254, blank=True)
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["program", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.subject_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)
