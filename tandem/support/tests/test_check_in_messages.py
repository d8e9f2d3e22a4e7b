"""Check-in messages: the program keeps its own, Tandem suggests the one that fits, and a
coordinator starts a check-in email from either."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.core.models import AuditEvent
from tandem.partnerships.models import Partnership
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tandem.support import services, suggestions
from tandem.support.models import CheckIn, CheckInTemplate

pytestmark = pytest.mark.django_db

MIDPOINT = "Ahead of the mid-point, how are your goals coming along?"


def _keep(program, coordinator, name="Before the mid-point", body=MIDPOINT):
    return services.check_in_template_add(program=program, actor=coordinator, name=name, body=body)


def _message_field(client, program, partnership, **query):
    url = reverse("support:partnership", args=[program.slug, partnership.pk])
    response = client.get(url, query)
    assert response.status_code == 200
    return response.context["message_form"].initial["message"], response.content.decode()


def test_a_coordinator_keeps_a_message_and_starts_a_check_in_email_from_it(
    client, program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    response = client.post(
        reverse("support:templates", args=[program.slug]),
        {"name": "Before the mid-point", "body": MIDPOINT},
    )
    assert response.status_code == 302
    template = CheckInTemplate.objects.get(program=program)

    text, page = _message_field(client, program, partnership)
    assert "Before the mid-point" in page  # offered on the partnership's page
    assert text == str(suggestions.GENERAL.body)  # nothing calls for another one yet
    text, page = _message_field(client, program, partnership, message=f"t{template.pk}")
    assert text == MIDPOINT

    client.post(
        reverse("support:check_in_message", args=[program.slug, partnership.pk]),
        {"message": text},
    )
    assert CheckIn.objects.get(partnership=partnership).message == MIDPOINT


def test_the_page_starts_from_the_suggestion_that_fits_the_warning_signs(
    client, program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    Partnership.objects.filter(pk=partnership.pk).update(
        started_at=clock.now() - timedelta(days=15)
    )
    text, page = _message_field(client, program, partnership)
    assert text == str(suggestions.FIRST_MEETING.body)
    assert 'aria-current="true">Before the first meeting<' in page
    # The coordinator can still pick another one.
    text, _page = _message_field(client, program, partnership, message="balance")
    assert text == str(suggestions.BALANCE.body)


def test_a_message_without_name_or_text_names_both_problems_and_keeps_nothing(
    client, program, coordinator
):
    response = client.post(
        reverse("support:templates", args=[program.slug]), {"name": "  ", "body": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "body"}
    assert not CheckInTemplate.objects.exists()


def test_two_messages_of_a_program_cannot_share_a_name_whatever_the_case(program, coordinator):
    _keep(program, coordinator)
    with pytest.raises(services.CheckInTemplateInvalid) as exc:
        _keep(program, coordinator, name="before the MID-POINT", body="Other text")
    assert exc.value.errors == {
        "name": 'The program has a message called "before the MID-POINT" already: '
        "choose another name."
    }
    # Another program may use the same name.
    _keep(ProgramFactory(status="running"), coordinator)
    assert CheckInTemplate.objects.count() == 2


def test_rewording_and_removing_are_audited_and_sent_check_ins_keep_their_text(
    client, program, coordinator, frozen_clock
):
    template = _keep(program, coordinator)
    partnership, _ = partnership_of(program, "Ana", "Ben")
    services.check_in_message_send(
        program=program, partnership=partnership, actor=coordinator, message=template.body
    )
    response = client.post(
        reverse("support:template_edit", args=[program.slug, template.pk]),
        {"name": "Mid-point", "body": "Half way: how is it going?"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.body) == ("Mid-point", "Half way: how is it going?")
    client.post(reverse("support:template_remove", args=[program.slug, template.pk]))
    assert not CheckInTemplate.objects.exists()
    assert CheckIn.objects.get().message == MIDPOINT

    events = AuditEvent.objects.filter(action=AuditEvent.Action.CHECK_IN_TEMPLATE_CHANGED)
    assert [(e.before, e.after) for e in events.order_by("id")] == [
        ({}, {"name": "Before the mid-point"}),
        ({"name": "Before the mid-point"}, {"name": "Mid-point", "text": "changed"}),
        ({"name": "Mid-point"}, {"removed": "yes"}),
    ]


def test_a_suggestion_reworded_for_the_program_starts_the_add_form(client, program, coordinator):
    page = client.get(reverse("support:templates", args=[program.slug]), {"from": "balance"})
    assert page.context["form"].initial == {
        "name": suggestions.BALANCE.name,
        "body": suggestions.BALANCE.body,
    }
    # Reachable by clicking: the support list links the messages page.
    support = client.get(reverse("support:list", args=[program.slug])).content.decode()
    assert reverse("support:templates", args=[program.slug]) in support


def test_another_programs_message_answers_404_to_its_coordinators(client, program, coordinator):
    other = ProgramFactory(status="running")
    template = _keep(other, CoordinatorFactory(program=other).user)
    assert (
        client.get(reverse("support:template_edit", args=[program.slug, template.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("support:template_edit", args=[other.slug, template.pk])).status_code
        == 404
    )
    api = f"/api/v1/support/{program.slug}/messages/{template.pk}"
    assert client.patch(api, {"name": "x"}, content_type="application/json").status_code == 404
    assert client.delete(api).status_code == 404
    assert CheckInTemplate.objects.get().name == "Before the mid-point"


def test_the_api_lists_keeps_rewords_and_removes_messages(client, program, coordinator):
    base = f"/api/v1/support/{program.slug}/messages"
    response = client.post(base, {"name": "", "body": ""}, content_type="application/json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"name", "body"}

    created = client.post(
        base, {"name": "Mid-point", "body": MIDPOINT}, content_type="application/json"
    ).json()
    assert created["own"] and created["key"] == f"t{created['id']}"
    listed = client.get(base).json()
    assert [c["name"] for c in listed][:2] == ["Mid-point", "How is it going?"]
    assert {c["key"] for c in listed if not c["own"]} == set(suggestions.BY_KEY)

    patched = client.patch(
        f"{base}/{created['id']}", {"body": "Half way?"}, content_type="application/json"
    ).json()
    assert (patched["name"], patched["body"]) == ("Mid-point", "Half way?")
    assert client.delete(f"{base}/{created['id']}").status_code == 204
    assert not CheckInTemplate.objects.exists()
