"""The worksheet pages and API: partners only, as a shared note; coordinators see counts only;
the form works without JavaScript and per answer with htmx; a refused save says why."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.meetings.models import Meeting
from tandem.partnerships.models import PartnershipMember
from tandem.programs.tests.factories import MembershipFactory
from tandem.worksheets import services
from tandem.worksheets.models import WorksheetAnswer
from tandem.worksheets.tests.helpers import question_of, save, suggested_world

pytestmark = pytest.mark.django_db

SECRET = "OUR-SECRET-ANSWER between partners"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sheet():
    partnership, seats, coordinator, template = suggested_world()
    save(partnership, seats[0], template, question_of(template), SECRET, 0)
    services.worksheet_done_set(
        partnership=partnership, seat=seats[0], template=template, done=True
    )
    return partnership, seats, coordinator, template


def _urls(partnership, template):
    args = {"pk": partnership.pk, "template_id": template.pk}
    api = f"/api/v1/worksheets/partnerships/{partnership.pk}"
    return [
        reverse("worksheets:partnership", kwargs={"pk": partnership.pk}),
        reverse("worksheets:fill", kwargs=args),
        reverse("worksheets:history", kwargs=args),
        api,
        f"{api}/{template.pk}",
        f"{api}/{template.pk}/history",
    ]


def test_partners_read_the_worksheet_and_its_history(sheet):
    partnership, (_ana, ben), _c, template = sheet
    client = signed_in(ben.membership.user)
    lists, fill, history, api_list, api_sheet, api_history = _urls(partnership, template)
    for url in (lists, api_list):
        assert client.get(url).status_code == 200, url
    for url in (fill, history, api_sheet, api_history):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET in response.content.decode(), url


@pytest.mark.parametrize("who", ["coordinator", "member", "other_partner"])
def test_anyone_but_the_partners_gets_404_on_pages_and_api(sheet, who):
    partnership, _seats, coordinator, template = sheet
    if who == "coordinator":
        user = coordinator
    elif who == "member":
        user = MembershipFactory(program=partnership.program).user
    else:
        other, _seats2, _c2, _t2 = suggested_world()
        user = other.seats.first().membership.user
    client = signed_in(user)
    for url in _urls(partnership, template):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    put = client.put(
        f"/api/v1/worksheets/partnerships/{partnership.pk}/{template.pk}/answers/"
        f"{question_of(template).pk}",
        data={"value": "Overwritten", "version": 1},
        content_type="application/json",
    )
    assert put.status_code == 404
    assert WorksheetAnswer.objects.get().value == SECRET


def test_coordinators_see_how_many_are_done_never_what_was_written(sheet):
    partnership, _seats, coordinator, _template = sheet
    client = signed_in(coordinator)
    slug = partnership.program.slug
    for url in (
        reverse("worksheets:manage", kwargs={"slug": slug}),
        reverse("dashboard:cockpit", kwargs={"slug": slug}),
        f"/api/v1/worksheets/programs/{slug}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode()
    assert (
        "1 of 1 partnerships"
        in client.get(reverse("dashboard:cockpit", kwargs={"slug": slug})).content.decode()
    )
    rows = client.get(f"/api/v1/worksheets/programs/{slug}").json()
    assert [(r["done"], r["by_partnership"]) for r in rows] == [
        (1, [{"partnership_id": partnership.pk, "done": True}]),
        (0, [{"partnership_id": partnership.pk, "done": False}]),
        (0, [{"partnership_id": partnership.pk, "done": False}]),
    ]


def test_the_whole_form_saves_without_javascript():
    partnership, (ana, _ben), _c, template = suggested_world()
    client = signed_in(ana.membership.user)
    url = reverse("worksheets:fill", kwargs={"pk": partnership.pk, "template_id": template.pk})
    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    text, items = question_of(template), question_of(template, "list")
    data[f"a{text.pk}"] = "We both love bread."
    data[f"a{items.pk}"] = "Ana: sourdough\nBen: baguettes"
    response = client.post(url, data)
    assert response.status_code == 302
    assert dict(WorksheetAnswer.objects.values_list("question_id", "value")) == {
        text.pk: "We both love bread.",
        items.pk: "Ana: sourdough\nBen: baguettes",
    }


def test_a_refused_form_keeps_my_text_and_shows_my_partners(client):
    partnership, (ana, ben), _c, template = suggested_world()
    question = question_of(template)
    save(partnership, ben, template, question, "Ben wrote this first", 0)
    page = signed_in(ana.membership.user)
    url = reverse("worksheets:fill", kwargs={"pk": partnership.pk, "template_id": template.pk})
    response = page.post(url, {f"a{question.pk}": "Ana's own words", f"v{question.pk}": "0"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Ben saved this answer while you were writing: “Ben wrote this first”." in body
    assert "Ana&#x27;s own words</textarea>" in body
    assert WorksheetAnswer.objects.get().value == "Ben wrote this first"


def test_htmx_saves_one_answer_and_answers_with_its_part_of_the_page():
    partnership, (ana, ben), _c, template = suggested_world()
    question = question_of(template)
    url = reverse(
        "worksheets:answer",
        kwargs={"pk": partnership.pk, "template_id": template.pk, "question_id": question.pk},
    )
    client = signed_in(ana.membership.user)
    response = client.post(
        url, {f"a{question.pk}": "Saved alone", f"v{question.pk}": "0"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="q-{question.pk}"' in body and "Saved." in body and "<html" not in body
    assert f'name="v{question.pk}" value="1"' in body
    # Ben's page still holds version 0: his save is refused with Ana's text, in the fragment.
    refused = signed_in(ben.membership.user).post(
        url, {f"a{question.pk}": "Ben's take", f"v{question.pk}": "0"}, HTTP_HX_REQUEST="true"
    )
    assert (
        "Ana saved this answer while you were writing: “Saved alone”." in refused.content.decode()
    )
    assert WorksheetAnswer.objects.get().value == "Saved alone"


def test_the_api_saves_over_a_version_and_answers_409_with_the_partners_text():
    partnership, (ana, ben), _c, template = suggested_world()
    question = question_of(template)
    url = f"/api/v1/worksheets/partnerships/{partnership.pk}/{template.pk}/answers/{question.pk}"
    first = signed_in(ana.membership.user).put(
        url, data={"value": "Ana via API", "version": 0}, content_type="application/json"
    )
    assert first.status_code == 200
    assert first.json()["answer"]["version"] == 1
    late = signed_in(ben.membership.user).put(
        url, data={"value": "Ben via API", "version": 0}, content_type="application/json"
    )
    assert late.status_code == 409
    assert late.json()["field"] == f"a{question.pk}"
    assert "“Ana via API”" in late.json()["detail"]


def test_the_worksheet_due_at_the_first_meeting_opens_from_that_meeting_only():
    partnership, (ana, _ben), _c, template = suggested_world()
    now = clock.now()
    first, second = (
        Meeting.objects.create(
            partnership=partnership,
            original_start=now + timedelta(days=d),
            starts_at=now + timedelta(days=d),
            duration_minutes=60,
            time_zone="UTC",
        )
        for d in (1, 8)
    )
    client = signed_in(ana.membership.user)
    link = reverse("worksheets:fill", kwargs={"pk": partnership.pk, "template_id": template.pk})
    assert link in client.get(first.get_absolute_url()).content.decode()
    assert link not in client.get(second.get_absolute_url()).content.decode()
    Meeting.objects.filter(pk=first.pk).update(status="cancelled")
    assert link in client.get(second.get_absolute_url()).content.decode()


def test_the_partnership_page_lists_the_worksheets():
    partnership, (ana, _ben), _c, template = suggested_world()
    body = signed_in(ana.membership.user).get(partnership.get_absolute_url()).content.decode()
    assert (
        reverse("worksheets:fill", kwargs={"pk": partnership.pk, "template_id": template.pk})
        in body
    )
    assert "0 of 12 answered" in body


def test_history_shows_who_saved_what():
    partnership, (ana, ben), _c, template = suggested_world()
    question = question_of(template)
    save(partnership, ana, template, question, "Version one", 0)
    save(partnership, ben, template, question, "Version two", 1)
    url = reverse("worksheets:history", kwargs={"pk": partnership.pk, "template_id": template.pk})
    body = signed_in(ana.membership.user).get(url).content.decode()
    assert body.index("Version two") < body.index("Version one")
    assert "version 2, by Ben" in body and "version 1, by Ana" in body


def test_coordinators_add_the_suggestions_with_one_click_and_write_their_own():
    partnership, _seats, coordinator, _template = suggested_world()
    client = signed_in(coordinator)
    slug = partnership.program.slug
    response = client.post(
        reverse("worksheets:create", kwargs={"slug": slug}), {"title": "", "due": "meeting"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This is needed: fill it in." in body
    response = client.post(
        reverse("worksheets:create", kwargs={"slug": slug}),
        {"title": "Third meeting", "due": "meeting", "due_meeting": "3"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "At your meeting number 3" in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lists_cost_the_same_queries_for_more_worksheets_and_partnerships():
    partnership, (ana, _ben), coordinator, _template = suggested_world()
    partner_client, coordinator_client = signed_in(ana.membership.user), signed_in(coordinator)
    mine = reverse("worksheets:partnership", kwargs={"pk": partnership.pk})
    manage = reverse("worksheets:manage", kwargs={"slug": partnership.program.slug})
    before = (_queries(partner_client, mine), _queries(coordinator_client, manage))
    for n in range(3):
        services.worksheet_template_create(
            program=partnership.program,
            actor=coordinator,
            answers=services.TemplateAnswers(title=f"Extra {n}"),
        )
        other = partnership.__class__.objects.create(program=partnership.program)
        PartnershipMember.objects.create(
            partnership=other, membership=MembershipFactory(program=partnership.program)
        )
    assert (_queries(partner_client, mine), _queries(coordinator_client, manage)) == before
