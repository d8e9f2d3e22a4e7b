"""The audit log in the Django admin, for site admins: read only, like the log itself.

Program events are also on each program's log page (``/audit/<slug>/``); events with no program
(sign-ins, failed sign-ins, personal data downloads, account erasures) are seen here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("occurred_at", "action", "actor_label", "subject_label", "program")
    list_filter = ("action",)
    search_fields = ("actor_label", "subject_label")
    date_hierarchy = "occurred_at"
    list_select_related = ("program",)
    ordering = ("-occurred_at", "-id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
