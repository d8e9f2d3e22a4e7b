"""The one way Tandem builds an email, and the one way it sends one exactly once.

An email is three templates in an app's ``<folder>``: ``<name>_subject.txt``, ``<name>.txt`` and,
when the app gives one, ``<name>.html`` (an HTML alternative). The subject and the text are plain
text: rendered without HTML escaping, so "R&D Peers" reads "R&D Peers" and not "R&amp;D"; the
HTML part escapes as every page does. ``site_url`` is in every context.

:func:`send_once` claims the row that says an email went (a unique row created, or an empty
``sent_at`` filled) and sends in the same transaction: a second worker finds the claim taken, and
a send that fails rolls the claim back for the next attempt.
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates
from django.template.loader import get_template
from django.utils import translation


@cache
def _text_engine() -> DjangoTemplates:
    """Return a template engine like the site's, but that escapes nothing (plain text)."""
    site = settings.TEMPLATES[0]
    return DjangoTemplates(
        {
            "NAME": "tandem-email-text",
            "DIRS": site.get("DIRS", []),
            "APP_DIRS": site.get("APP_DIRS", True),
            "OPTIONS": {"autoescape": False},
        }
    )


def recipient_language(address: str) -> str:
    """Return the language the person at ``address`` reads Tandem in (the site's when unknown).

    The recipient's choice wins over the sender's: a reminder a Spanish-speaking partner
    triggers reaches a French-speaking one in French.
    """
    language = (
        get_user_model()
        .objects.filter(email__iexact=address)
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


def email_build(
    name: str,
    *,
    folder: str,
    to: str | Sequence[str],
    context: dict[str, Any],
    reply_to: Sequence[str] = (),
    unsubscribe_url: str | None = None,
    language: str | None = None,
    invitation: tuple[str, bytes] | None = None,
) -> EmailMultiAlternatives:
    """Return the email ``<folder>/<name>`` for ``to``, rendered and ready to send.

    It is written in ``language``, else in the language of the one person it goes to
    (:func:`recipient_language`), else in the site's. ``unsubscribe_url`` goes into the
    context and a one-click ``List-Unsubscribe`` header (RFC 8058), which every email to a
    waitlisted person and every announcement must have. ``invitation`` is an iTIP method
    (``REQUEST`` or ``CANCEL``) and an iCalendar file: it goes in as a ``text/calendar;
    method=...`` alternative (what Gmail and Outlook show as an invitation) and as
    ``invite.ics``.
    """
    if language is None:
        language = recipient_language(to) if isinstance(to, str) else settings.LANGUAGE_CODE
    with translation.override(language):
        return _email_render(
            name,
            folder=folder,
            to=to,
            context=context,
            reply_to=reply_to,
            unsubscribe_url=unsubscribe_url,
            invitation=invitation,
        )


class _Email(EmailMultiAlternatives):
    """Tandem's email: a calendar invitation in it names its iTIP method (RFC 6047)."""

    calendar_method: str | None = None

    def message(self, *args: Any, **kwargs: Any) -> Any:
        message = super().message(*args, **kwargs)
        if self.calendar_method is not None:
            for part in message.walk():
                if part.get_content_type() == "text/calendar":
                    part.set_param("method", self.calendar_method)
        return message


def _email_render(
    name: str,
    *,
    folder: str,
    to: str | Sequence[str],
    context: dict[str, Any],
    reply_to: Sequence[str],
    unsubscribe_url: str | None,
    invitation: tuple[str, bytes] | None = None,
) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url}
    text = _text_engine()
    subject = " ".join(text.get_template(f"{folder}/{name}_subject.txt").render(context).split())
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = _Email(
        subject=subject,
        body=text.get_template(f"{folder}/{name}.txt").render(context),
        to=[to] if isinstance(to, str) else list(to),
        reply_to=list(reply_to),
        headers=headers,
    )
    try:
        html = get_template(f"{folder}/{name}.html")
    except TemplateDoesNotExist:
        pass
    else:
        message.attach_alternative(html.render(context), "text/html")
    if invitation is not None:
        message.calendar_method, ics = invitation
        message.attach_alternative(ics.decode(), "text/calendar")
        message.attach("invite.ics", ics, "text/calendar")
    return message


def email_send_templated(**kwargs: Any) -> None:
    """Build the email (see :func:`email_build`; ``name`` as a keyword) and send it now."""
    email_build(kwargs.pop("name"), **kwargs).send()


def send_once(*, claim: Callable[[], object], send: Callable[[], object]) -> bool:
    """Claim, then send, in one transaction; return False when the claim was taken already.

    ``claim`` creates the unique row that records the email (an ``IntegrityError`` means another
    worker has it) or updates an empty "sent" column and returns how many rows it changed
    (0 means taken). If ``send`` raises, the claim rolls back with it.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                claimed = claim()
        except IntegrityError:
            return False
        if claimed == 0 or claimed is False:
            return False
        send()
    return True
