"""The integrations page: a program's webhooks, its Slack or Teams channel, recent deliveries.

Coordinators of the program only; everyone else gets 404, as for a program that does not exist.
Linked from the cockpit (``COORDINATOR_PAGES``) and the program's settings navigation. A new
secret (a webhook just added, or a secret rotated) is shown on the page that answers the POST,
once: it is never stored in the session, never shown again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.core.errors import ValidationFailed
from tandem.core.forms import submit
from tandem.integrations import selectors, services, tasks
from tandem.integrations.forms import ChatForm, WebhookForm
from tandem.integrations.models import Endpoint
from tandem.programs.models import Program
from tandem.programs.selectors import access_program_as_coordinator


def _render_list(
    request: HttpRequest,
    program: Program,
    *,
    webhook_form: WebhookForm | None = None,
    chat_form: ChatForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.endpoint_list(program=program)
    return render(
        request,
        "integrations/list.html",
        {
            "program": program,
            "webhooks": [r for r in rows if r.endpoint.is_webhook],
            "chat": next((r for r in rows if not r.endpoint.is_webhook), None),
            "deliveries": selectors.delivery_recent(program=program),
            "webhook_form": webhook_form or WebhookForm(),
            "chat_form": chat_form or ChatForm(),
        },
        status=status,
    )


def _render_secret(
    request: HttpRequest, program: Program, endpoint: Endpoint, secret: str, *, rotated: bool
) -> HttpResponse:
    return render(
        request,
        "integrations/secret.html",
        {
            "program": program,
            "endpoint": endpoint,
            "url": selectors.url_shown(endpoint),
            "secret": secret,
            "rotated": rotated,
        },
    )


@login_required
@require_GET
def integrations_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's endpoints and recent deliveries, with the forms to add one."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return _render_list(request, program)


@login_required
@require_POST
def webhook_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a webhook endpoint and show its signing secret, this once."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    form = WebhookForm(request.POST)
    created = submit(
        form,
        lambda data: services.endpoint_create(
            program=program, actor=request.user, kind=Endpoint.Kind.WEBHOOK, **data
        ),
    )
    if created is not None:
        return _render_secret(request, program, created.endpoint, created.secret, rotated=False)
    return _render_list(request, program, webhook_form=form, status=400)


@login_required
@require_POST
def chat_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Connect the program's Slack or Microsoft Teams channel."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    form = ChatForm(request.POST)
    created = submit(
        form, lambda data: services.endpoint_create(program=program, actor=request.user, **data)
    )
    if created is not None:
        messages.success(
            request,
            _("Connected: Tandem posts to your %(kind)s channel. Send a ping to try it.")
            % {"kind": created.endpoint.get_kind_display()},
        )
        return redirect("integrations:list", slug=program.slug)
    return _render_list(request, program, chat_form=form, status=400)


def _endpoint(request: HttpRequest, slug: str, pk: int) -> tuple[Program, Endpoint]:
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return program, selectors.access_endpoint(program=program, endpoint_id=pk)


@login_required
@require_POST
def endpoint_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove an endpoint; nothing more is sent to it."""
    program, endpoint = _endpoint(request, slug, pk)
    services.endpoint_remove(endpoint=endpoint, actor=request.user)
    messages.success(
        request,
        _("Removed: Tandem sends nothing more to %(url)s.")
        % {"url": selectors.url_shown(endpoint)},
    )
    return redirect("integrations:list", slug=program.slug)


@login_required
@require_POST
def secret_rotate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Give a webhook a new signing secret and show it, this once."""
    program, endpoint = _endpoint(request, slug, pk)
    try:
        secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("integrations:list", slug=program.slug)
    endpoint.refresh_from_db()
    return _render_secret(request, program, endpoint, secret, rotated=True)


@login_required
@require_POST
def endpoint_ping(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send a test event to the endpoint through the worker."""
    program, endpoint = _endpoint(request, slug, pk)
    services.endpoint_ping(endpoint=endpoint, enqueue=tasks.delivery_enqueue)
    messages.success(
        request,
        _("A ping is on its way to %(url)s; reload this page in a moment to see the answer.")
        % {"url": selectors.url_shown(endpoint)},
    )
    return redirect("integrations:list", slug=program.slug)
