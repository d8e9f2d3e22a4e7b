"""Signal receivers: write sign-ins and failed sign-ins to the audit log, nothing else."""

from typing import Any

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip(request)
    except ImproperlyConfigured:  # a proxy-count mismatch must not break signing in
        return request.META.get("REMOTE_ADDR") or None


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(
        action=AuditEvent.Action.SIGN_IN,
        actor=user,
        subject_label=user.email,
        ip_address=_ip(request),
    )


def record_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    tried = credentials.get("email") or credentials.get("username") or ""
    audit_record(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        actor=None,
        subject_label=str(tried)[:254],
        ip_address=_ip(request),
    )
