"""The coordinator's matching pages: runs, the review of one run, its edits and publishing.

Edits answer htmx with the refreshed review section, and plain form posts with a redirect.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from tandem.core.errors import DomainError, ValidationFailed
from tandem.core.forms import add_domain_error
from tandem.core.htmx import is_htmx
from tandem.matching import selectors, services
from tandem.matching.forms import MatchRunForm, PairForm, SwapForm
from tandem.matching.models import MatchRun

MSG_PUBLISHED = _("Published: {count} partnerships created. Introduction emails are on their way.")
MSG_RUN_STARTED_WORKER = _("The run is large and has gone to the background worker.")
MSG_SWAPPED = _("Swapped; both proposals were scored again.")
MSG_LOCKED = _("Locked: every later run keeps these people together.")
MSG_FORBIDDEN = _("Forbidden: no later run will match these two; the proposal was removed.")
MSG_REMOVED = _("Proposal removed; its people are back among the unmatched.")
MSG_SWAP_PICK_TWO = _("Pick the two people to swap, one from each proposal.")
MSG_RULE_DELETED = _("Rule removed; later runs no longer honour it.")
# Proposals shown a page at a time: a run of 10,000 members has 5,000 of them.
REVIEW_PAGE_SIZE = 100

View = Callable[..., HttpResponse]


def _swap_choices(review: selectors.RunReview) -> list[tuple[int, str]]:
    return [
        (seat.membership_id, f"{seat.membership.profile.display_name} (#{k})")
        for k, proposal in enumerate(review.proposals, start=1)
        for seat in proposal.seats.all()
    ]


def _review_context(run: MatchRun, *, page: str | None = None, **extra: Any) -> dict[str, Any]:
    """The review page's context, its proposals a page of ``REVIEW_PAGE_SIZE`` at a time.

    The summary, chart, blocker and swap choices cover the whole run; every action form posts
    with ``?page=N`` (``page_query``) so its answer shows the page the coordinator was on.
    """
    review = selectors.run_review(run=run)
    proposals = Paginator(review.proposals, REVIEW_PAGE_SIZE).get_page(page)
    return {
        "run": run,
        "program": run.program,
        "review": review,
        "proposal_page": proposals,
        "page_query": f"?page={proposals.number}" if proposals.number > 1 else "",
        "swap_form": extra.pop("swap_form", None) or SwapForm(choices=_swap_choices(review)),
        **extra,
    }


def _review_url(run: MatchRun, request: HttpRequest) -> str:
    """The review's address, on the page of proposals the request came from."""
    page = request.GET.get("page", "")
    return run.get_absolute_url() + (f"?page={page}" if page.isdigit() and page != "1" else "")


def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List a program's runs and start a new one."""
    program = selectors.access_program_for_matching(user=request.user, slug=slug)
    form = MatchRunForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.match_run_start(
                program=program, created_by=request.user, **form.run_kwargs()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if run.in_worker:
                messages.info(request, MSG_RUN_STARTED_WORKER)
            return redirect(run)
    runs = selectors.match_run_list(program=program)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matching/runs.html",
        {"program": program, "runs": runs, "form": form},
        status=status,
    )


def run_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show one run: proposals with scores and reasons, the unmatched, the score chart."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    return render(
        request, "matching/review.html", _review_context(run, page=request.GET.get("page"))
    )


def run_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Answer the page's 2-second poll; when the run has finished, make htmx reload the page."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    if run.is_working:
        return render(request, "matching/_status.html", {"run": run, "program": run.program})
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def _after_edit(
    request: HttpRequest,
    run: MatchRun,
    action: Callable[[], Any],
    done: StrOrPromise,
    *,
    swap_form: SwapForm | None = None,
) -> HttpResponse:
    """Run an edit; answer htmx with the refreshed review section, a plain post with a redirect."""
    error = ""
    status = 200
    try:
        action()
    except DomainError as exc:
        error = exc.message
        status = 409 if exc.status_code == 409 else 400
    run.refresh_from_db()
    page = request.GET.get("page")
    if is_htmx(request):
        context = _review_context(
            run,
            page=page,
            error=error,
            notice="" if error else done,
            swap_form=swap_form if error else None,
        )
        # htmx swaps 2xx answers only; the error is shown inside the section.
        return render(request, "matching/_review_body.html", context)
    if error:
        context = _review_context(run, page=page, error=error, swap_form=swap_form)
        return render(request, "matching/review.html", context, status=status)
    messages.success(request, done)
    return redirect(_review_url(run, request))


@require_POST
def proposal_lock(request: HttpRequest, slug: str, pk: int, proposal_id: int) -> HttpResponse:
    """Lock a proposal: its people must be matched together from now on."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    return _after_edit(
        request,
        run,
        lambda: services.proposal_lock(run=run, proposal_id=proposal_id, actor=request.user),
        MSG_LOCKED,
    )


@require_POST
def proposal_forbid(request: HttpRequest, slug: str, pk: int, proposal_id: int) -> HttpResponse:
    """Forbid a pair of a proposal and remove the proposal."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    form = PairForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return _after_edit(
        request,
        run,
        lambda: services.proposal_forbid(
            run=run, proposal_id=proposal_id, actor=request.user, a=data.get("a"), b=data.get("b")
        ),
        MSG_FORBIDDEN,
    )


@require_POST
def proposal_remove(request: HttpRequest, slug: str, pk: int, proposal_id: int) -> HttpResponse:
    """Remove a proposal; its people go back to the unmatched."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    return _after_edit(
        request,
        run,
        lambda: services.proposal_remove(run=run, proposal_id=proposal_id, actor=request.user),
        MSG_REMOVED,
    )


@require_POST
def proposal_swap(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Swap two people between two proposals."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    review = selectors.run_review(run=run)
    form = SwapForm(request.POST, choices=_swap_choices(review))

    def action() -> None:
        if not form.is_valid():
            raise ValidationFailed(MSG_SWAP_PICK_TWO)
        services.proposal_swap(
            run=run, a=form.cleaned_data["a"], b=form.cleaned_data["b"], actor=request.user
        )

    return _after_edit(request, run, action, MSG_SWAPPED, swap_form=form)


@require_POST
def run_rerun(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Start the run again with the same parameters, keeping the program's locks and forbids."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    try:
        new = services.match_run_rerun(run=run, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(run)
    return redirect(new)


@require_POST
def run_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Publish the run: create the partnerships and email everyone their introduction."""
    run = selectors.access_run(user=request.user, slug=slug, pk=pk)
    try:
        run = services.match_run_publish(run_id=run.pk, actor=request.user)
    except DomainError as exc:
        run.refresh_from_db()
        status = 409 if exc.status_code == 409 else 400
        return render(
            request, "matching/review.html", _review_context(run, error=exc.message), status=status
        )
    messages.success(request, MSG_PUBLISHED.format(count=run.proposals.count()))
    return redirect(run)


@require_POST
def rule_delete(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    """Delete one of the program's locks or forbids."""
    program = selectors.access_program_for_matching(user=request.user, slug=slug)
    services.match_rule_delete(program=program, rule_id=rule_id, actor=request.user)
    messages.success(request, MSG_RULE_DELETED)
    back = request.POST.get("next", "")
    if back.startswith(f"/matching/{program.slug}/"):
        return redirect(back)
    return redirect("matching:runs", slug=program.slug)
