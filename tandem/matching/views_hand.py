"""Pair by hand: pick ready members, see what the engine says, create the partnership.

Coordinators of the program only; everyone else gets 404. Linked from the matching page,
the roster and the partnerships list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.core.errors import ValidationFailed
from tandem.matching.selectors import access_program_for_matching
from tandem.matching.selectors_hand import HandCheck, hand_check, hand_pool, hand_size_range
from tandem.matching.services_hand import (
    hand_member_name,
    hand_pool_pick,
    partnership_create_by_hand,
)
from tandem.programs.models import Program

MSG_CREATED = "Partnership created: {names}. They get their introduction email."
MSG_BAD_ID = "Pick people from the list."


def _picked(request: HttpRequest) -> tuple[list[int], str]:
    source = request.POST if request.method == "POST" else request.GET
    try:
        return [int(v) for v in source.getlist("m")], ""
    except ValueError:
        return [], _(MSG_BAD_ID)


def _render(
    request: HttpRequest,
    program: Program,
    *,
    picked: list[int],
    check: HandCheck | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    low, high = hand_size_range(program=program)
    return render(
        request,
        "matching/hand.html",
        {
            "program": program,
            "pool": hand_pool(program=program),
            "picked": set(picked),
            "check": check,
            "error": error,
            "size_low": low,
            "size_high": high,
            "circles": high > 2,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hand_pair(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the pool, and with ``?m=..`` the engine's verdict; POST: create the partnership."""
    program = access_program_for_matching(user=request.user, slug=slug)
    picked, error = _picked(request)
    if error:
        return _render(request, program, picked=[], error=error, status=400)
    if request.method == "GET":
        if len(picked) < 2:
            return _render(request, program, picked=picked)
        try:
            people = hand_pool_pick(program=program, membership_ids=picked)
        except ValidationFailed as exc:
            return _render(request, program, picked=picked, error=exc.message, status=400)
        return _render(
            request, program, picked=picked, check=hand_check(program=program, memberships=people)
        )
    check = None
    try:
        people = hand_pool_pick(program=program, membership_ids=picked)
        check = hand_check(program=program, memberships=people)
        partnership_create_by_hand(program=program, membership_ids=picked, actor=request.user)
    except ValidationFailed as exc:
        return _render(request, program, picked=picked, check=check, error=exc.message, status=400)
    names = ", ".join(hand_member_name(m) for m in people)
    messages.success(request, _(MSG_CREATED).format(names=names))
    return redirect("dashboard:partnership_list", slug=slug)
