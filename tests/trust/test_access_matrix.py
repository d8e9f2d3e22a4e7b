"""The access matrix: every page and every API operation, for every role, in one seeded world.

The tables below classify each URL pattern (walked from the root URLconf, allauth, the admin
and the ninja API included) and each operation of the OpenAPI schema. A pattern or operation
missing from the tables fails ``test_every_url_and_api_operation_is_classified``: a new page
cannot ship without saying who may see it. docs/access.md explains the classes.

Expectations:
- allowed roles get 2xx, 3xx or a 4xx that is about the input (never 401, 403, 404, 405, 5xx);
- denied signed-in roles get 404 on pages and in the API, with the very same answer as a
  made-up id or slug (another person's object looks exactly like a missing one);
- anonymous visitors get a redirect to sign in on account-wide pages, 404 or a redirect to
  sign in on program pages (the same answer as for a made-up object), and 401 from the API;
- the Django admin is for site admins only: everyone else is sent to the admin sign-in.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api
from tandem.announcements.selectors import unsubscribe_token
from tests.trust.world import ROLES, World

pytestmark = pytest.mark.django_db

# --- Access classes (who may use a URL) ----------------------------------------------------

PUBLIC = "public"  # anyone, signed in or not
AUTHENTICATED = "authenticated"  # anyone signed in (their own account-wide pages)
OWNER = "owner"  # the signed-in person who owns the object (partner 1 in the world)
TOKEN = "token"  # anyone holding the secret token in the URL; a wrong token is 404
MEMBERS = "members_of_program"  # members and coordinators of program A
MEMBERS_ONLY = "members_only"  # members of program A (coordinators are not members)
PARTNERS = "partners_only"  # the partners of the partnership
AUTHOR = "author_only"  # the partner who wrote the note, or who owns the goal
COORDINATORS = "coordinators_of_program"  # coordinators of program A
ADMIN = "admin"  # site admins (is_staff) in the Django admin

ALLOWED: dict[str, set[str]] = {
    PUBLIC: set(ROLES),
    AUTHENTICATED: set(ROLES) - {"anonymous"},
    OWNER: {"partner"},
    TOKEN: set(ROLES),
    MEMBERS: {"member", "partner", "partner2", "coordinator"},
    MEMBERS_ONLY: {"member", "partner", "partner2"},
    PARTNERS: {"partner", "partner2"},
    AUTHOR: {"partner"},
    COORDINATORS: {"coordinator"},
    ADMIN: {"admin"},
}

MADE_UP_ID = 987654
MADE_UP_SLUG = "no-such-program"
MADE_UP_TOKEN = "no-such-token-0123456789"

Kwargs = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """How to call one URL (or API operation) and who may."""

    access: str
    kwargs: Kwargs | None = None
    methods: tuple[str, ...] = ("GET",)
    # For anonymous visitors on pages: "404" or "login" (redirect to sign in).
    anonymous: str | None = None
    # For denied signed-in roles on pages: "404", or "login" where a page sends anyone who is
    # not a member to sign in as someone else (the same answer as for a made-up program).
    denied: str = "404"
    # A JSON body for API writes whose object is named in the body, not the path.
    body: Kwargs | None = None
    # A query string some pages need (htmx partials).
    query: str = ""


def slug(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug}


def slug_and(**names: str) -> Kwargs:
    """Return kwargs: program A's slug plus world objects' ids (kwarg name -> object name)."""
    return lambda w: {"slug": w.a.slug, **{k: w.pk(v) for k, v in names.items()}}


def ids(**names: str) -> Kwargs:
    return lambda w: {k: w.pk(v) for k, v in names.items()}


def invitation_token(w: World) -> dict[str, Any]:
    return {"token": w.objects["invitation"].token}


def kickoff_survey(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug, "kind": "kickoff"}


def partnership(w: World) -> dict[str, Any]:
    assert w.partnership is not None
    return {"pk": w.partnership.pk}


def worksheet_of_partnership(w: World) -> dict[str, Any]:
    return {**partnership(w), "template_id": w.pk("worksheet_template")}


def member(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug, "pk": w.memberships["member"].pk}


GET_POST = ("GET", "POST")
POST = ("POST",)

# --- Pages, by URL name ------------------------------------------------------------------

PAGES: dict[str, Rule] = {
    "home": Rule(PUBLIC),
    "accessibility": Rule(PUBLIC),
    # Django's language switcher in the footer: anyone may choose the language pages use.
    "set_language": Rule(PUBLIC, methods=POST),
    # The scripts' words in the reader's language (Django's JavaScript catalog).
    "javascript-catalog": Rule(PUBLIC),
    # allauth
    "account_login": Rule(PUBLIC, methods=GET_POST),
    "account_logout": Rule(PUBLIC, methods=GET_POST),
    "account_inactive": Rule(PUBLIC),
    "account_signup": Rule(PUBLIC, methods=GET_POST),
    "account_reauthenticate": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    # allauth 65.22: confirm who you are with a code sent by email (login_required views).
    "account_request_reauthentication_code": Rule(
        AUTHENTICATED, methods=GET_POST, anonymous="login"
    ),
    "account_confirm_reauthentication_code": Rule(
        AUTHENTICATED, methods=GET_POST, anonymous="login"
    ),
    "account_email": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    "account_email_verification_sent": Rule(PUBLIC),
    "account_change_password": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    "account_set_password": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    "account_reset_password": Rule(PUBLIC, methods=GET_POST),
    "account_confirm_login_code": Rule(PUBLIC, methods=GET_POST),
    "account_confirm_email": Rule(PUBLIC, kwargs=lambda w: {"key": MADE_UP_TOKEN}),
    "account_reset_password_from_key_done": Rule(PUBLIC),
    "account_reset_password_from_key": Rule(
        PUBLIC, kwargs=lambda w: {"uidb36": "zz", "key": MADE_UP_TOKEN}
    ),
    "account_reset_password_done": Rule(PUBLIC),
    # /me/: the person's own account
    "accounts:settings": Rule(AUTHENTICATED, anonymous="login"),
    "accounts:identity": Rule(AUTHENTICATED, methods=POST, anonymous="login"),
    "accounts:language": Rule(AUTHENTICATED, methods=POST, anonymous="login"),
    "accounts:token_create": Rule(AUTHENTICATED, methods=POST, anonymous="login"),
    "accounts:token_revoke": Rule(
        OWNER, kwargs=ids(token_id="api_token"), methods=POST, anonymous="login"
    ),
    "privacy:data": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    "privacy:delete": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    # the audit log
    "audit:log": Rule(COORDINATORS, kwargs=slug),
    # programs
    "programs:waitlist_confirm": Rule(
        TOKEN, kwargs=lambda w: {"token": w.objects["waitlist_entry"].confirm_token}
    ),
    "programs:waitlist_unsubscribe": Rule(
        TOKEN,
        kwargs=lambda w: {"token": w.objects["waitlist_entry"].unsubscribe_token},
        methods=GET_POST,
    ),
    "programs:waitlist_signup": Rule(PUBLIC, kwargs=slug, methods=GET_POST),
    "programs:waitlist_manage": Rule(COORDINATORS, kwargs=slug),
    "programs:waitlist_open_doors": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "programs:intake": Rule(
        MEMBERS_ONLY, kwargs=slug, methods=GET_POST, anonymous="login", denied="login"
    ),
    "programs:intake_suggest": Rule(MEMBERS_ONLY, kwargs=slug, query="field=offers&offers=Sp"),
    "programs:next_steps": Rule(MEMBERS_ONLY, kwargs=slug, anonymous="login", denied="login"),
    "programs:import": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "programs:import_confirm": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "programs:invitation": Rule(TOKEN, kwargs=invitation_token, methods=GET_POST),
    "programs:invitation_signup": Rule(TOKEN, kwargs=invitation_token, methods=GET_POST),
    "programs:roster": Rule(COORDINATORS, kwargs=slug),
    "programs:roster_export": Rule(COORDINATORS, kwargs=slug),
    "programs:create": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    "programs:manage": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "programs:coordinator_add": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "programs:coordinator_remove": Rule(
        COORDINATORS,
        kwargs=lambda w: {"slug": w.a.slug, "membership_id": w.memberships["coordinator"].pk},
        methods=POST,
    ),
    "programs:documents_manage": Rule(COORDINATORS, kwargs=slug),
    "programs:document_create": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "programs:document_edit": Rule(
        COORDINATORS, kwargs=slug_and(document_id="document"), methods=GET_POST
    ),
    "programs:document_move": Rule(
        COORDINATORS, kwargs=slug_and(document_id="document"), methods=POST
    ),
    "programs:document_delete": Rule(
        COORDINATORS, kwargs=slug_and(document_id="document"), methods=POST
    ),
    "programs:resources_manage": Rule(COORDINATORS, kwargs=slug),
    "programs:resource_create": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "programs:resource_edit": Rule(
        COORDINATORS, kwargs=slug_and(resource_id="resource"), methods=GET_POST
    ),
    "programs:resource_move": Rule(
        COORDINATORS, kwargs=slug_and(resource_id="resource"), methods=POST
    ),
    "programs:resource_delete": Rule(
        COORDINATORS, kwargs=slug_and(resource_id="resource"), methods=POST
    ),
    "programs:tags_manage": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "programs:public": Rule(PUBLIC, kwargs=slug),
    "programs:detail": Rule(MEMBERS, kwargs=slug),
    "programs:help": Rule(MEMBERS, kwargs=slug),
    "programs:document": Rule(MEMBERS, kwargs=slug_and(document_id="document")),
    "programs:document_file": Rule(MEMBERS, kwargs=slug_and(document_id="worksheet")),
    # matching
    "matching:runs": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "matching:review": Rule(COORDINATORS, kwargs=slug_and(pk="run")),
    "matching:status": Rule(COORDINATORS, kwargs=slug_and(pk="run")),
    "matching:swap": Rule(COORDINATORS, kwargs=slug_and(pk="run"), methods=POST),
    "matching:rerun": Rule(COORDINATORS, kwargs=slug_and(pk="run"), methods=POST),
    "matching:publish": Rule(COORDINATORS, kwargs=slug_and(pk="run"), methods=POST),
    "matching:lock": Rule(
        COORDINATORS, kwargs=slug_and(pk="run", proposal_id="proposal"), methods=POST
    ),
    "matching:forbid": Rule(
        COORDINATORS, kwargs=slug_and(pk="run", proposal_id="proposal"), methods=POST
    ),
    "matching:remove": Rule(
        COORDINATORS, kwargs=slug_and(pk="run", proposal_id="proposal"), methods=POST
    ),
    "matching:rule_delete": Rule(COORDINATORS, kwargs=slug_and(rule_id="rule"), methods=POST),
    # partnerships
    "partnerships:list": Rule(AUTHENTICATED, anonymous="login"),
    "partnerships:detail": Rule(PARTNERS, kwargs=partnership),
    # meetings
    "meetings:list": Rule(AUTHENTICATED, anonymous="login"),
    "meetings:calendar": Rule(AUTHENTICATED, methods=GET_POST, anonymous="login"),
    "meetings:feed": Rule(TOKEN, kwargs=lambda w: {"token": w.objects["feed_token"]}),
    "meetings:schedule": Rule(PARTNERS, kwargs=partnership),
    "meetings:series_propose": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "meetings:series_accept": Rule(PARTNERS, kwargs=ids(pk="series_pending"), methods=POST),
    "meetings:series_decline": Rule(PARTNERS, kwargs=ids(pk="series_pending"), methods=POST),
    "meetings:reschedule_accept": Rule(PARTNERS, kwargs=ids(pk="reschedule"), methods=POST),
    "meetings:reschedule_decline": Rule(PARTNERS, kwargs=ids(pk="reschedule"), methods=POST),
    "meetings:detail": Rule(PARTNERS, kwargs=ids(pk="meeting")),
    "meetings:ics": Rule(PARTNERS, kwargs=ids(pk="meeting")),
    "meetings:reschedule": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:cancel": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:mark": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:turns": Rule(PARTNERS, kwargs=ids(pk="meeting")),
    "meetings:turn_start": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:turn_hand_over": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:commitment": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:commitment_review": Rule(
        PARTNERS, kwargs=ids(pk="meeting2", commitment_id="commitment"), methods=POST
    ),
    "meetings:note_create": Rule(PARTNERS, kwargs=ids(pk="meeting"), methods=POST),
    "meetings:note_edit": Rule(AUTHOR, kwargs=ids(pk="note_private"), methods=GET_POST),
    # partnerships: ground rules, life, messages
    "partnerships:agreement": Rule(PARTNERS, kwargs=partnership),
    "partnerships:agreement_summary": Rule(PARTNERS, kwargs=partnership),
    "partnerships:agreement_edit": Rule(PARTNERS, kwargs=partnership, methods=GET_POST),
    "partnerships:agreement_accept": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:life": Rule(PARTNERS, kwargs=partnership),
    "partnerships:life_summary": Rule(PARTNERS, kwargs=partnership),
    "partnerships:pause": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:resume": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:end": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:rematch": Rule(PARTNERS, kwargs=partnership, methods=POST),
    # closing well (the world's partnership is live: the writes answer 409, not 404)
    "partnerships:closing": Rule(PARTNERS, kwargs=partnership),
    "partnerships:closing_survey": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:closing_choice": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:closing_next_cohort": Rule(PARTNERS, kwargs=partnership, methods=POST),
    "partnerships:alumni": Rule(MEMBERS_ONLY, kwargs=slug),
    "partnerships:rematch_queue": Rule(COORDINATORS, kwargs=slug),
    "partnerships:export": Rule(COORDINATORS, kwargs=slug),
    "partnerships:rematch_handle": Rule(
        COORDINATORS, kwargs=slug_and(request_id="rematch_request"), methods=POST
    ),
    "partnerships:messages": Rule(PARTNERS, kwargs=partnership, methods=GET_POST),
    "partnerships:messages_new": Rule(PARTNERS, kwargs=partnership),
    "partnerships:messages_summary": Rule(PARTNERS, kwargs=partnership),
    "partnerships:messages_preference": Rule(PARTNERS, kwargs=partnership, methods=POST),
    # goals, pulses, surveys, help flags
    "goals:partnership": Rule(PARTNERS, kwargs=partnership),
    "goals:detail": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "goals:step_add": Rule(PARTNERS, kwargs=ids(pk="goal"), methods=POST),
    "goals:step_done": Rule(PARTNERS, kwargs=ids(pk="goal", step_id="step"), methods=POST),
    "goals:progress": Rule(PARTNERS, kwargs=ids(pk="goal"), methods=POST),
    "goals:edit": Rule(AUTHOR, kwargs=ids(pk="goal"), methods=GET_POST),
    "goals:step_edit": Rule(AUTHOR, kwargs=ids(pk="goal", step_id="step"), methods=GET_POST),
    "goals:step_delete": Rule(AUTHOR, kwargs=ids(pk="goal", step_id="step"), methods=POST),
    "goals:comment": Rule(PARTNERS, kwargs=ids(pk="goal"), methods=POST),
    "goals:nudge": Rule(PARTNERS, kwargs=ids(pk="goal"), methods=POST),
    "goals:complete": Rule(PARTNERS, kwargs=ids(pk="goal"), methods=POST),
    "goals:pulse": Rule(PARTNERS, kwargs=ids(meeting_id="meeting_held"), methods=POST),
    "goals:survey_manage": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "goals:question_edit": Rule(COORDINATORS, kwargs=slug_and(pk="question"), methods=GET_POST),
    "goals:question_delete": Rule(COORDINATORS, kwargs=slug_and(pk="question"), methods=POST),
    "goals:survey_answer": Rule(MEMBERS_ONLY, kwargs=kickoff_survey, methods=GET_POST),
    # dashboard
    "dashboard:program": Rule(COORDINATORS, kwargs=slug),
    "dashboard:cockpit": Rule(COORDINATORS, kwargs=slug),
    "dashboard:member_home": Rule(MEMBERS, kwargs=slug),
    "dashboard:first_month": Rule(PARTNERS, kwargs=partnership),
    "dashboard:export": Rule(COORDINATORS, kwargs=slug),
    "dashboard:evaluation_export": Rule(COORDINATORS, kwargs=slug),
    # announcements, intake reminders, the next cohort
    "announcements:list": Rule(COORDINATORS, kwargs=slug),
    "announcements:new": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "announcements:intake_remind": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "announcements:unsubscribe": Rule(
        TOKEN,
        kwargs=lambda w: {"token": unsubscribe_token(membership=w.memberships["member"])},
        methods=GET_POST,
    ),
    "cohorts:copy": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "dashboard:nudge_stalled": Rule(COORDINATORS, kwargs=slug, methods=POST),
    # the coordinator's tools: partnerships with their health, one member's page
    "dashboard:partnership_list": Rule(COORDINATORS, kwargs=slug),
    "dashboard:partnership_end": Rule(
        COORDINATORS, kwargs=lambda w: {**slug(w), **partnership(w)}, methods=POST
    ),
    "dashboard:partnership_reassign": Rule(
        COORDINATORS, kwargs=lambda w: {**slug(w), **partnership(w)}, methods=POST
    ),
    "dashboard:member_detail": Rule(COORDINATORS, kwargs=member),
    "dashboard:member_status": Rule(COORDINATORS, kwargs=member, methods=POST),
    "dashboard:member_remove": Rule(COORDINATORS, kwargs=member, methods=POST),
    "matching:hand": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    # support: check-ins with each partnership (notes are the coordinators' only), help requests
    "support:help_flag": Rule(MEMBERS_ONLY, kwargs=slug, methods=POST),
    "support:help_flag_handle": Rule(COORDINATORS, kwargs=slug_and(pk="help_flag"), methods=POST),
    "support:help_flag_reopen": Rule(COORDINATORS, kwargs=slug_and(pk="help_flag"), methods=POST),
    "support:list": Rule(COORDINATORS, kwargs=slug),
    # integrations: webhooks and the Slack or Teams channel (secrets shown once)
    "integrations:list": Rule(COORDINATORS, kwargs=slug),
    "integrations:webhook_add": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "integrations:chat_add": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "integrations:remove": Rule(COORDINATORS, kwargs=slug_and(pk="endpoint"), methods=POST),
    "integrations:secret_rotate": Rule(COORDINATORS, kwargs=slug_and(pk="endpoint"), methods=POST),
    "integrations:ping": Rule(COORDINATORS, kwargs=slug_and(pk="endpoint"), methods=POST),
    "support:plan": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "support:templates": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "support:template_edit": Rule(
        COORDINATORS, kwargs=slug_and(pk="check_in_template"), methods=GET_POST
    ),
    "support:template_remove": Rule(
        COORDINATORS, kwargs=slug_and(pk="check_in_template"), methods=POST
    ),
    "support:partnership": Rule(COORDINATORS, kwargs=lambda w: {**slug(w), **partnership(w)}),
    "support:check_in_record": Rule(
        COORDINATORS, kwargs=lambda w: {**slug(w), **partnership(w)}, methods=POST
    ),
    "support:check_in_message": Rule(
        COORDINATORS, kwargs=lambda w: {**slug(w), **partnership(w)}, methods=POST
    ),
    # worksheets: a partnership's copy is its partners' only (as a shared note); coordinators
    # write the templates and see only how many are done
    "worksheets:partnership": Rule(PARTNERS, kwargs=partnership),
    "worksheets:fill": Rule(PARTNERS, kwargs=worksheet_of_partnership, methods=GET_POST),
    "worksheets:answer": Rule(
        PARTNERS,
        kwargs=lambda w: {**worksheet_of_partnership(w), "question_id": w.pk("worksheet_question")},
        methods=POST,
    ),
    "worksheets:done": Rule(PARTNERS, kwargs=worksheet_of_partnership, methods=POST),
    "worksheets:history": Rule(PARTNERS, kwargs=worksheet_of_partnership),
    "worksheets:manage": Rule(COORDINATORS, kwargs=slug),
    "worksheets:create": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "worksheets:defaults": Rule(COORDINATORS, kwargs=slug, methods=POST),
    "worksheets:edit": Rule(
        COORDINATORS, kwargs=slug_and(pk="worksheet_template"), methods=GET_POST
    ),
    "worksheets:section_add": Rule(
        COORDINATORS, kwargs=slug_and(pk="worksheet_template"), methods=POST
    ),
    "worksheets:question_add": Rule(
        COORDINATORS,
        kwargs=slug_and(pk="worksheet_template", section_id="worksheet_section"),
        methods=POST,
    ),
    "worksheets:section_edit": Rule(
        COORDINATORS,
        kwargs=slug_and(pk="worksheet_template", section_id="worksheet_section"),
        methods=POST,
    ),
    "worksheets:section_move": Rule(
        COORDINATORS,
        kwargs=slug_and(pk="worksheet_template", section_id="worksheet_section"),
        methods=POST,
    ),
    "worksheets:question_edit": Rule(
        COORDINATORS,
        kwargs=slug_and(pk="worksheet_template", question_id="worksheet_question"),
        methods=GET_POST,
    ),
    "worksheets:question_move": Rule(
        COORDINATORS,
        kwargs=slug_and(pk="worksheet_template", question_id="worksheet_question"),
        methods=POST,
    ),
    "worksheets:question_remove": Rule(
        COORDINATORS,
        kwargs=slug_and(pk="worksheet_template", question_id="worksheet_question"),
        methods=POST,
    ),
    # invitations: account set-up
    "programs:invitation_setup": Rule(TOKEN, kwargs=invitation_token, methods=GET_POST),
    "programs:invitation_account_setup": Rule(COORDINATORS, kwargs=slug, methods=GET_POST),
    "programs:invitation_account_setup_resend": Rule(
        COORDINATORS,
        kwargs=lambda w: {"slug": w.a.slug, "pk": w.memberships["member"].pk},
        methods=POST,
    ),
    # the API's own pages (its operations are classified in API below)
    "api:openapi-json": Rule(PUBLIC),
    "api:openapi-view": Rule(PUBLIC),
    "api:api-root": Rule(PUBLIC, methods=()),  # ninja's internal root: 404 for everyone
    # Django admin pages that anyone may open
    "admin:login": Rule(PUBLIC, methods=GET_POST),
    "admin:logout": Rule(PUBLIC, methods=POST),
}

# Every other pattern under these prefixes is the Django admin: site admins only.
ADMIN_PREFIXES = ("admin/",)

# --- API operations, by "METHOD /api/v1/path" ------------------------------------------

API: dict[str, Rule] = {
    "GET /api/v1/programs/": Rule(AUTHENTICATED),
    "POST /api/v1/programs/": Rule(AUTHENTICATED),
    "GET /api/v1/programs/{slug}": Rule(MEMBERS, kwargs=slug),
    "PATCH /api/v1/programs/{slug}": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/programs/{slug}/resources": Rule(MEMBERS, kwargs=slug),
    "GET /api/v1/programs/{slug}/documents": Rule(MEMBERS, kwargs=slug),
    "GET /api/v1/programs/{slug}/members": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/waitlist/{slug}": Rule(PUBLIC, kwargs=slug),
    "GET /api/v1/waitlist/{slug}/entries": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/waitlist/{slug}/open-doors": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/profiles/{slug}/me": Rule(MEMBERS_ONLY, kwargs=slug),
    "PUT /api/v1/profiles/{slug}/me": Rule(MEMBERS_ONLY, kwargs=slug),
    "GET /api/v1/profiles/{slug}": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/profiles/{slug}/{membership_id}": Rule(
        COORDINATORS,
        kwargs=lambda w: {"slug": w.a.slug, "membership_id": w.memberships["member"].pk},
    ),
    "GET /api/v1/me": Rule(AUTHENTICATED),
    "GET /api/v1/me/tokens": Rule(AUTHENTICATED),
    "PUT /api/v1/me/language": Rule(AUTHENTICATED),
    "DELETE /api/v1/me/tokens/{token_id}": Rule(OWNER, kwargs=ids(token_id="api_token")),
    "GET /api/v1/matching/programs/{slug}/runs": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/matching/programs/{slug}/runs": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/matching/runs/{run_id}": Rule(COORDINATORS, kwargs=ids(run_id="run")),
    "POST /api/v1/matching/runs/{run_id}/proposals/{proposal_id}/lock": Rule(
        COORDINATORS, kwargs=ids(run_id="run", proposal_id="proposal")
    ),
    "POST /api/v1/matching/runs/{run_id}/proposals/{proposal_id}/forbid": Rule(
        COORDINATORS, kwargs=ids(run_id="run", proposal_id="proposal")
    ),
    "DELETE /api/v1/matching/runs/{run_id}/proposals/{proposal_id}": Rule(
        COORDINATORS, kwargs=ids(run_id="run", proposal_id="proposal")
    ),
    "POST /api/v1/matching/runs/{run_id}/swap": Rule(COORDINATORS, kwargs=ids(run_id="run")),
    "POST /api/v1/matching/runs/{run_id}/rerun": Rule(COORDINATORS, kwargs=ids(run_id="run")),
    "POST /api/v1/matching/runs/{run_id}/publish": Rule(COORDINATORS, kwargs=ids(run_id="run")),
    "GET /api/v1/meetings/series": Rule(AUTHENTICATED),
    "POST /api/v1/meetings/series": Rule(
        PARTNERS,
        body=lambda w: {
            "partnership_id": w.partnership.pk if w.partnership else 0,
            "starts_on": "2099-01-07",
            "start_time": "18:00",
            "time_zone": "Europe/London",
        },
    ),
    "POST /api/v1/meetings/series/{series_id}/accept": Rule(
        PARTNERS, kwargs=ids(series_id="series_pending")
    ),
    "POST /api/v1/meetings/series/{series_id}/decline": Rule(
        PARTNERS, kwargs=ids(series_id="series_pending")
    ),
    "POST /api/v1/meetings/calendar-feed/rotate": Rule(AUTHENTICATED),
    "DELETE /api/v1/meetings/calendar-feed": Rule(AUTHENTICATED),
    "GET /api/v1/meetings/": Rule(AUTHENTICATED),
    "GET /api/v1/meetings/{meeting_id}": Rule(PARTNERS, kwargs=ids(meeting_id="meeting")),
    "POST /api/v1/meetings/{meeting_id}/reschedule": Rule(
        PARTNERS, kwargs=ids(meeting_id="meeting")
    ),
    "POST /api/v1/meetings/reschedules/{reschedule_id}/accept": Rule(
        PARTNERS, kwargs=ids(reschedule_id="reschedule")
    ),
    "POST /api/v1/meetings/reschedules/{reschedule_id}/decline": Rule(
        PARTNERS, kwargs=ids(reschedule_id="reschedule")
    ),
    "POST /api/v1/meetings/{meeting_id}/cancel": Rule(PARTNERS, kwargs=ids(meeting_id="meeting")),
    "POST /api/v1/meetings/{meeting_id}/mark": Rule(PARTNERS, kwargs=ids(meeting_id="meeting")),
    "POST /api/v1/meetings/{meeting_id}/turns/start": Rule(
        PARTNERS, kwargs=ids(meeting_id="meeting")
    ),
    "POST /api/v1/meetings/{meeting_id}/turns/hand-over": Rule(
        PARTNERS, kwargs=ids(meeting_id="meeting")
    ),
    "GET /api/v1/meetings/{meeting_id}/notes": Rule(PARTNERS, kwargs=ids(meeting_id="meeting")),
    "POST /api/v1/meetings/{meeting_id}/notes": Rule(PARTNERS, kwargs=ids(meeting_id="meeting")),
    "GET /api/v1/meetings/notes/{note_id}": Rule(AUTHOR, kwargs=ids(note_id="note_private")),
    "PATCH /api/v1/meetings/notes/{note_id}": Rule(AUTHOR, kwargs=ids(note_id="note_private")),
    "GET /api/v1/partnerships/": Rule(AUTHENTICATED),
    "GET /api/v1/partnerships/{pk}/agreement": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/agreement": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/agreement/accept": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/pause": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/resume": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/end": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/rematch": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/partnerships/{pk}/messages": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/messages": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/partnerships/{pk}/closing": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/closing/survey": Rule(PARTNERS, kwargs=partnership),
    "PUT /api/v1/partnerships/{pk}/closing/choice": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/partnerships/{pk}/closing/next-cohort": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/partnerships/{pk}/message-preference": Rule(PARTNERS, kwargs=partnership),
    "PUT /api/v1/partnerships/{pk}/message-preference": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/goals/partnerships/{pk}": Rule(PARTNERS, kwargs=partnership),
    "POST /api/v1/goals/partnerships/{pk}": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/goals/{pk}": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "PATCH /api/v1/goals/{pk}": Rule(AUTHOR, kwargs=ids(pk="goal")),
    "PATCH /api/v1/goals/{pk}/steps/{step_id}": Rule(AUTHOR, kwargs=ids(pk="goal", step_id="step")),
    "DELETE /api/v1/goals/{pk}/steps/{step_id}": Rule(
        AUTHOR, kwargs=ids(pk="goal", step_id="step")
    ),
    "POST /api/v1/goals/{pk}/steps": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "POST /api/v1/goals/{pk}/steps/{step_id}/done": Rule(
        PARTNERS, kwargs=ids(pk="goal", step_id="step")
    ),
    "POST /api/v1/goals/{pk}/progress": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "GET /api/v1/goals/{pk}/comments": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "POST /api/v1/goals/{pk}/comments": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "POST /api/v1/goals/{pk}/nudge": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "POST /api/v1/goals/{pk}/complete": Rule(PARTNERS, kwargs=ids(pk="goal")),
    "GET /api/v1/goals/programs/{slug}/pulses": Rule(MEMBERS, kwargs=slug),
    "POST /api/v1/goals/pulses": Rule(
        PARTNERS, body=lambda w: {"meeting_id": w.pk("meeting_held"), "score": 4}
    ),
    "GET /api/v1/goals/programs/{slug}/surveys/{kind}": Rule(MEMBERS_ONLY, kwargs=kickoff_survey),
    "POST /api/v1/goals/programs/{slug}/surveys/{kind}/answers": Rule(
        MEMBERS_ONLY, kwargs=kickoff_survey
    ),
    "GET /api/v1/goals/programs/{slug}/survey-results": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/goals/programs/{slug}/help-flags": Rule(MEMBERS_ONLY, kwargs=slug),
    "GET /api/v1/dashboard/{slug}/me": Rule(MEMBERS_ONLY, kwargs=slug),
    "GET /api/v1/dashboard/first-month/{pk}": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/dashboard/{slug}": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/dashboard/{slug}/outcomes": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/dashboard/{slug}/stalled": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/dashboard/{slug}/stalled/nudge": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/dashboard/{slug}/help-flags": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/dashboard/{slug}/help-flags/{pk}/handled": Rule(
        COORDINATORS, kwargs=slug_and(pk="help_flag")
    ),
    "POST /api/v1/dashboard/{slug}/help-flags/{pk}/reopen": Rule(
        COORDINATORS, kwargs=slug_and(pk="help_flag")
    ),
    "GET /api/v1/support/{slug}": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/integrations/{slug}/endpoints": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/integrations/{slug}/endpoints": Rule(
        COORDINATORS,
        kwargs=slug,
        body=lambda w: {"url": "https://crm.example.org/b", "events": ["member.joined"]},
    ),
    "DELETE /api/v1/integrations/{slug}/endpoints/{pk}": Rule(
        COORDINATORS, kwargs=slug_and(pk="endpoint")
    ),
    "POST /api/v1/integrations/{slug}/endpoints/{pk}/secret": Rule(
        COORDINATORS, kwargs=slug_and(pk="endpoint")
    ),
    "POST /api/v1/integrations/{slug}/endpoints/{pk}/ping": Rule(
        COORDINATORS, kwargs=slug_and(pk="endpoint")
    ),
    "GET /api/v1/integrations/{slug}/deliveries": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/support/{slug}/plan": Rule(COORDINATORS, kwargs=slug),
    "PUT /api/v1/support/{slug}/plan": Rule(
        COORDINATORS, kwargs=slug, body=lambda w: {"every_weeks": 3}
    ),
    "GET /api/v1/support/{slug}/partnerships/{pk}/check-ins": Rule(
        COORDINATORS, kwargs=lambda w: {**slug(w), **partnership(w)}
    ),
    "POST /api/v1/support/{slug}/partnerships/{pk}/check-ins": Rule(
        COORDINATORS,
        kwargs=lambda w: {**slug(w), **partnership(w)},
        body=lambda w: {"channel": "call", "outcome": "going_well"},
    ),
    "POST /api/v1/support/{slug}/partnerships/{pk}/message": Rule(
        COORDINATORS,
        kwargs=lambda w: {**slug(w), **partnership(w)},
        body=lambda w: {"message": "How is it going?"},
    ),
    "GET /api/v1/support/{slug}/messages": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/support/{slug}/messages": Rule(
        COORDINATORS, kwargs=slug, body=lambda w: {"name": "Hello", "body": "How is it going?"}
    ),
    "PATCH /api/v1/support/{slug}/messages/{pk}": Rule(
        COORDINATORS, kwargs=slug_and(pk="check_in_template"), body=lambda w: {"name": "Hi"}
    ),
    "DELETE /api/v1/support/{slug}/messages/{pk}": Rule(
        COORDINATORS, kwargs=slug_and(pk="check_in_template")
    ),
    "GET /api/v1/worksheets/programs/{slug}": Rule(COORDINATORS, kwargs=slug),
    "POST /api/v1/worksheets/programs/{slug}/suggested": Rule(COORDINATORS, kwargs=slug),
    "GET /api/v1/worksheets/partnerships/{pk}": Rule(PARTNERS, kwargs=partnership),
    "GET /api/v1/worksheets/partnerships/{pk}/{template_id}": Rule(
        PARTNERS, kwargs=worksheet_of_partnership
    ),
    "PUT /api/v1/worksheets/partnerships/{pk}/{template_id}/answers/{question_id}": Rule(
        PARTNERS,
        kwargs=lambda w: {**worksheet_of_partnership(w), "question_id": w.pk("worksheet_question")},
        body=lambda w: {"value": "Our answer", "version": 1},
    ),
    "POST /api/v1/worksheets/partnerships/{pk}/{template_id}/done": Rule(
        PARTNERS, kwargs=worksheet_of_partnership, body=lambda w: {"done": True}
    ),
    "GET /api/v1/worksheets/partnerships/{pk}/{template_id}/history": Rule(
        PARTNERS, kwargs=worksheet_of_partnership
    ),
}


# Deviations from the rules above that are reported to the lead and not yet decided:
# (substring of the label, role) -> why. The matrix checks they still happen, so fixing one
# makes the test say to remove its line here.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}


# --- Enumeration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    route: str  # the full route template, e.g. "p/<slug:slug>/manage/"
    default_args: tuple[tuple[str, Any], ...]


def url_patterns() -> Iterator[Pattern]:
    """Yield every URL pattern of the project, walking includes recursively."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                name = None
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Pattern(
                    name, prefix + str(entry.pattern), tuple(sorted(entry.default_args.items()))
                )

    yield from walk(get_resolver(), "", "")


def api_operations() -> list[str]:
    """Return every operation of the API schema as "METHOD /path"."""
    schema = api.get_openapi_schema()
    return [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def _api_route(route: str) -> str:
    """Turn a ninja URL route ("api/v1/meetings/<int:meeting_id>") into the schema's path."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def classify() -> tuple[list[tuple[Pattern, Rule]], list[tuple[str, Rule]], list[str]]:
    """Return (pages with rules, API operations with rules, what no table covers)."""
    api_paths = {op.split(" ", 1)[1] for op in api_operations()}
    pages: list[tuple[Pattern, Rule]] = []
    missing: list[str] = []
    for pattern in url_patterns():
        if pattern.name in PAGES:
            pages.append((pattern, PAGES[pattern.name]))
        elif pattern.route.startswith(ADMIN_PREFIXES):
            pages.append((pattern, Rule(ADMIN)))
        elif pattern.name and pattern.name.startswith("api:"):
            if _api_route(pattern.route) not in api_paths:
                missing.append(f"URL {pattern.name} ({pattern.route})")
        else:
            missing.append(f"URL {pattern.name or '(unnamed)'} ({pattern.route})")
    operations: list[tuple[str, Rule]] = []
    for op in api_operations():
        if op in API:
            operations.append((op, API[op]))
        else:
            missing.append(f"API {op}")
    return pages, operations, missing


def test_every_url_and_api_operation_is_classified() -> None:
    _, _, missing = classify()
    assert not missing, (
        "These URLs / API operations are not in the access matrix "
        "(tests/trust/test_access_matrix.py, PAGES or API): say who may use each one.\n  "
        + "\n  ".join(missing)
    )


def test_the_tables_name_only_urls_and_operations_that_exist() -> None:
    names = {p.name for p in url_patterns() if p.name}
    stale = [name for name in PAGES if name not in names]
    stale += [op for op in API if op not in set(api_operations())]
    assert not stale, "Remove these from the access matrix, they no longer exist: " + ", ".join(
        stale
    )


def test_site_admin_cannot_read_notes_messages_or_meeting_content_in_the_admin() -> None:
    confidential = {
        "meetings.note",
        "meetings.noterevision",
        "meetings.commitment",
        "meetings.turn",
        "partnerships.message",
        "partnerships.exitsurvey",
        "goals.goal",
        "goals.goalcomment",
        "goals.answer",
        "goals.surveyresponse",
        "worksheets.worksheetanswer",
        "worksheets.answerrevision",
    }
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not registered & confidential


# --- Running the matrix ------------------------------------------------------------------


def _resolve_route(route: str, kwargs: dict[str, Any]) -> str:
    """Fill a route template (path converters or a regex) with ``kwargs``."""

    def value(name: str) -> str:
        return str(kwargs[name])

    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), url)
    url = url.replace("^", "").replace("$", "")
    return "/" + url


def _admin_kwargs(w: World) -> dict[str, Any]:
    program_type = ContentType.objects.get_for_model(type(w.a))
    return {
        "object_id": MADE_UP_ID,
        "content_type_id": program_type.pk,
        "app_label": "auth",
        "url": "auth",
    }


def _made_up(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return ``kwargs`` with every object reference replaced by one that does not exist."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, int):
            out[key] = MADE_UP_ID
        elif key == "slug":
            out[key] = MADE_UP_SLUG
        else:
            out[key] = MADE_UP_TOKEN
    return out


@dataclass
class Call:
    label: str
    method: str
    url: str
    missing_url: str | None
    rule: Rule
    is_api: bool
    body: dict[str, Any] | None = None
    missing_body: dict[str, Any] | None = None  # sent with missing_url


def _calls(w: World) -> list[Call]:
    pages, operations, _ = classify()
    calls: list[Call] = []
    for pattern, rule in pages:
        explicit = rule.kwargs(w) if rule.kwargs else {}
        kwargs = {
            **dict(pattern.default_args),
            **(_admin_kwargs(w) if rule.access == ADMIN else explicit),
        }
        query = f"?{rule.query}" if rule.query else ""
        url = _resolve_route(pattern.route, kwargs) + query
        missing_url = (
            _resolve_route(pattern.route, {**kwargs, **_made_up(explicit)}) + query
            if explicit
            else None
        )
        for method in rule.methods:
            calls.append(
                Call(f"{pattern.name or pattern.route}", method, url, missing_url, rule, False)
            )
    for op, rule in operations:
        method, path = op.split(" ", 1)
        kwargs = rule.kwargs(w) if rule.kwargs else {}
        url = fill_path(path, kwargs)
        missing_url = fill_path(path, _made_up(kwargs)) if kwargs else None
        body = missing_body = rule.body(w) if rule.body else None
        if body is not None and not kwargs:
            missing_body = {k: (MADE_UP_ID if k.endswith("_id") else v) for k, v in body.items()}
            missing_url = url
        calls.append(Call(op, method, url, missing_url, rule, True, body, missing_body))
    return calls


def fill_path(path: str, kwargs: dict[str, Any]) -> str:
    """Fill an OpenAPI path ("/api/v1/meetings/{meeting_id}") with ``kwargs``."""
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)


def _clients(w: World) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(w.users[role])
        clients[role] = client
    return clients


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None, is_api: bool) -> Any:
    """Send one request inside a savepoint that is rolled back: the world never changes.

    The client's cookies are put back too, so a sign-out in one call does not sign the role
    out for the next.
    """
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    with transaction.atomic():
        if is_api:
            response = client.generic(
                method,
                url,
                data=json.dumps(body or {}),
                content_type="application/json",
            )
        elif method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


# Denied roles whose answer is compared with the answer for a made-up object (all of them
# would double the run time for little more insight: these cover the visitor and the member
# of the same program; every denied role must still get exactly 404).
COMPARED_ROLES = {"anonymous", "member"}

# What differs between two answers without telling anything about the object: tokens, and the
# footer's language switcher, which sends the visitor back to the address they asked for.
_VOLATILE = re.compile(
    rb'(csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"|"X-CSRFToken": "[^"]*"'
    rb'|csrf[-_]token[^>]*>|name="csrf[^>]*>|name="next" value="[^"]*")'
)


def _same_answer(a: Any, b: Any) -> bool:
    if a.status_code != b.status_code:
        return False
    return _VOLATILE.sub(b"", a.content) == _VOLATILE.sub(b"", b.content)


def _allowed_ok(status: int) -> bool:
    return status < 500 and status not in (401, 403, 404, 405)


def _check(call: Call, role: str, response: Any) -> str | None:
    """Return what is wrong with ``response`` for ``role``, or None."""
    rule = call.rule
    status = response.status_code
    location = response.get("Location", "")
    if role in ALLOWED[rule.access]:
        if rule.access == ADMIN and status < 500:
            return None  # a read-only model admin answers 403 to "add"; that is the admin's call
        if not _allowed_ok(status):
            return f"allowed but got {status}"
        return None
    if call.is_api:
        want = 401 if role == "anonymous" else 404
        if status == want or (status == 422 and role != "anonymous"):
            # 422: the body was refused before access was checked; compared with a made-up
            # id below, so it must not tell the two apart.
            return None
        return f"denied: want {want}, got {status}"
    if rule.access == ADMIN:
        if status == 302 and "/admin/login/" in location:
            return None
        return f"denied: want a redirect to the admin sign-in, got {status} {location}"
    to_sign_in = status == 302 and "/accounts/login/" in location
    if role == "anonymous" and (rule.anonymous == "login" or rule.access == AUTHENTICATED):
        return None if to_sign_in else f"anonymous: want a redirect to sign in, got {status}"
    if role == "anonymous" and to_sign_in:
        return None  # allowed on program pages too, if a made-up object answers the same
    if rule.access == OWNER:
        return None  # compared with a made-up id below: same answer is the rule
    if rule.denied == "login" and status == 302 and "/accounts/login/" in location:
        return None
    return None if status == 404 else f"denied: want 404, got {status} {location}"


def test_access_matrix_for_every_role(world: World) -> None:
    clients = _clients(world)
    failures: list[str] = []
    deviations_seen: set[tuple[str, str]] = set()
    checked = 0
    for call in _calls(world):
        for role in ROLES:
            client = clients[role]
            response = _send(client, call.method, call.url, call.body, call.is_api)
            checked += 1
            problem = _check(call, role, response)
            known = [k for k in KNOWN_DEVIATIONS if k[0] in call.label and k[1] == role]
            if problem and known:
                deviations_seen.update(known)
                continue
            if problem:
                failures.append(f"{call.method} {call.url} [{call.label}] as {role}: {problem}")
                continue
            denied = role not in ALLOWED[call.rule.access]
            if denied and role in COMPARED_ROLES and call.missing_url and call.rule.access != ADMIN:
                missing = _send(
                    client,
                    call.method,
                    call.missing_url,
                    call.missing_body,
                    call.is_api,
                )
                if not _same_answer(response, missing):
                    failures.append(
                        f"{call.method} {call.url} [{call.label}] as {role}: another person's "
                        f"object answers {response.status_code}, a made-up one "
                        f"{missing.status_code} (or different content)"
                    )
        if call.missing_url and call.rule.access not in (PUBLIC, ADMIN):
            owner = sorted(ALLOWED[call.rule.access] - {"anonymous"})[0]
            missing = _send(
                clients[owner],
                call.method,
                call.missing_url,
                call.missing_body,
                call.is_api,
            )
            if (
                missing.status_code != 404
                and call.rule.access != OWNER
                and not (call.rule.denied == "login" and missing.status_code == 302)
                and not (call.is_api and missing.status_code == 422)
            ):
                failures.append(
                    f"{call.method} {call.missing_url} [{call.label}] made-up object as {owner}: "
                    f"want 404, got {missing.status_code}"
                )
    assert checked > 500
    failures += [
        f"known deviation no longer happens, remove it from KNOWN_DEVIATIONS: {key}"
        for key in KNOWN_DEVIATIONS
        if key not in deviations_seen
    ]
    assert not failures, f"{len(failures)} access failures:\n  " + "\n  ".join(failures)
