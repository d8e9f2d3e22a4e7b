"""Coordinators reword, reorder and rename a worksheet's questions and sections; answered
questions keep their kind and their answers, and the partners see the new wording."""

import pytest
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.worksheets import services
from tandem.worksheets.models import WorksheetQuestion, WorksheetSection
from tandem.worksheets.tests.helpers import question_of, save, suggested_world
from tandem.worksheets.tests.test_views import signed_in

pytestmark = pytest.mark.django_db


def _prompts(section: WorksheetSection) -> list[str]:
    return list(section.questions.order_by("position").values_list("prompt", flat=True))


def test_a_reworded_answered_question_keeps_its_answer_and_partners_read_the_new_wording():
    partnership, seats, coordinator, template = suggested_world()
    question = question_of(template)
    save(partnership, seats[0], template, question, "We meet on Tuesdays", 0)
    client = signed_in(coordinator)
    url = reverse(
        "worksheets:question_edit", args=[partnership.program.slug, template.pk, question.pk]
    )
    assert "answered this question already" in client.get(url).content.decode()

    response = client.post(
        url,
        {"prompt": "Where and when do we meet?", "kind": "text", "help_text": question.help_text},
    )
    assert response.status_code == 302
    page = signed_in(seats[1].membership.user).get(
        reverse("worksheets:fill", args=[partnership.pk, template.pk])
    )
    text = page.content.decode()
    assert "Where and when do we meet?" in text and "We meet on Tuesdays" in text
    event = AuditEvent.objects.filter(action=AuditEvent.Action.WORKSHEET_CHANGED).latest("id")
    assert event.after["changed"] == "prompt" and "Tuesdays" not in str(event.after)


def test_an_answered_questions_kind_stays_and_every_problem_is_named_at_once():
    partnership, seats, coordinator, template = suggested_world()
    question = question_of(template)
    save(partnership, seats[0], template, question, "An answer", 0)
    client = signed_in(coordinator)
    url = reverse(
        "worksheets:question_edit", args=[partnership.program.slug, template.pk, question.pk]
    )
    response = client.post(url, {"prompt": "x" * 400, "kind": "scale"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"prompt"}  # the form's own length check comes first
    with pytest.raises(services.WorksheetTemplateInvalid) as exc:
        services.worksheet_question_update(
            question=question, actor=coordinator, prompt="", kind="scale"
        )
    assert set(exc.value.errors) == {"prompt", "kind"}
    question.refresh_from_db()
    assert question.kind == "text"
    # Nobody answered this one yet: its kind may change.
    fresh = question_of(template, kind="list")
    services.worksheet_question_update(
        question=fresh, actor=coordinator, prompt=fresh.prompt, kind="text"
    )
    fresh.refresh_from_db()
    assert fresh.kind == "text"


def test_questions_and_sections_move_up_and_down_and_stop_at_the_ends():
    partnership, _seats, coordinator, template = suggested_world()
    client = signed_in(coordinator)
    slug = partnership.program.slug
    section = template.sections.order_by("position").first()
    _first, second = section.questions.order_by("position")[:2]
    before = _prompts(section)

    move = reverse("worksheets:question_move", args=[slug, template.pk, second.pk])
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert _prompts(section)[:2] == [before[1], before[0]]
    # Already first now: moving up again changes nothing.
    client.post(move, {"direction": "up"})
    assert _prompts(section)[:2] == [before[1], before[0]]
    client.post(move, {"direction": "down"})
    assert _prompts(section) == before

    titles = list(template.sections.order_by("position").values_list("title", flat=True))
    last = template.sections.order_by("position").last()
    client.post(
        reverse("worksheets:section_move", args=[slug, template.pk, last.pk]), {"direction": "up"}
    )
    moved = list(template.sections.order_by("position").values_list("title", flat=True))
    assert moved == [*titles[:-2], titles[-1], titles[-2]]
    assert WorksheetQuestion.objects.filter(position=32767).count() == 0


def test_a_section_is_renamed_and_an_empty_title_is_refused_on_the_page():
    partnership, _seats, coordinator, template = suggested_world()
    client = signed_in(coordinator)
    section = template.sections.order_by("position").first()
    url = reverse(
        "worksheets:section_edit", args=[partnership.program.slug, template.pk, section.pk]
    )
    response = client.post(url, {"title": ""})
    assert response.status_code == 400
    assert "rename_form" in response.context and response.context["rename_form"].errors
    client.post(url, {"title": "Who we are"})
    section.refresh_from_db()
    assert section.title == "Who we are"
    edit = client.get(reverse("worksheets:edit", args=[partnership.program.slug, template.pk]))
    page = edit.content.decode()
    assert (
        reverse(
            "worksheets:question_edit",
            args=[partnership.program.slug, template.pk, question_of(template).pk],
        )
        in page
    )
