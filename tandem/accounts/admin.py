"""Accounts in the Django admin, for site admins: approve who may start programs.

Only the fields a site admin decides; passwords and addresses stay with their owner.
"""

from django.contrib import admin

from tandem.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ("email", "name", "may_start_programs", "is_staff", "is_active", "date_joined")
    list_filter = ("may_start_programs", "is_staff", "is_active")
    list_editable = ("may_start_programs",)
    search_fields = ("email", "name")
    ordering = ("email",)
    fields = ("email", "name", "may_start_programs", "is_active", "is_staff", "date_joined")
    readonly_fields = ("email", "name", "date_joined")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # Deleting a person is the erasure (/me/delete/), never a cascade from the admin.
        return False
