"""Write the audit log. The only code that creates AuditEvent rows."""

from typing import Any

from tandem.core.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor: Any = None,
    subject_label: str = "",
    program: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event; ``actor`` is a user or None (the system)."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        subject_label=subject_label,
        program=program,
        before=before or {},
        after=after or {},
        ip_address=ip_address,
    )
