"""The worksheet services: suggestions, versioned answers that never overwrite a partner silently,
every problem at once, the coordinators' templates and their audit."""

import pytest
from django.db import IntegrityError, transaction

from tandem.core.errors import Conflict
from tandem.core.models import AuditEvent
from tandem.partnerships.models import Partnership
from tandem.programs.demo.loader import demo_load
from tandem.programs.services.program import program_create
from tandem.programs.tests.factories import UserFactory
from tandem.worksheets import services
from tandem.worksheets.defaults import SUGGESTED
from tandem.worksheets.models import (
    AnswerRevision,
    Worksheet,
    WorksheetAnswer,
    WorksheetQuestion,
    WorksheetTemplate,
)
from tandem.worksheets.services import AnswerInput, TemplateAnswers, WorksheetAnswersRefused
from tandem.worksheets.tests.helpers import question_of, save, save_all, suggested_world

pytestmark = pytest.mark.django_db


# --- suggestions ---------------------------------------------------------------------------


def test_a_new_program_starts_with_the_three_suggested_worksheets():
    program = program_create(creator=UserFactory(), name="Spring peers")
    templates = list(WorksheetTemplate.objects.filter(program=program))
    assert [t.title for t in templates] == [
        "Getting to know each other and our ground rules",
        "Our mid-point check-in",
        "What we take away",
    ]
    assert [(t.due, t.due_meeting) for t in templates] == [
        ("meeting", 1),
        ("midpoint", None),
        ("recap", None),
    ]
    kinds = set(
        WorksheetQuestion.objects.filter(section__template__program=program).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"text", "list", "scale", "date"}
    assert WorksheetQuestion.objects.filter(section__template__program=program).count() == sum(
        len(section.questions) for s in SUGGESTED for section in s.sections
    )


def test_adding_the_suggestions_again_adds_nothing_and_is_audited_once():
    partnership, _seats, coordinator, _first = suggested_world()
    assert services.worksheet_defaults_add(program=partnership.program, actor=coordinator) == []
    assert WorksheetTemplate.objects.filter(program=partnership.program).count() == 3
    event = AuditEvent.objects.get(action=AuditEvent.Action.WORKSHEET_ADDED)
    assert event.actor == coordinator
    assert event.after == {"suggested": "getting-to-know, midpoint, take-away"}


def test_a_removed_suggestion_is_offered_again_and_only_it_is_added():
    partnership, _seats, coordinator, first = suggested_world()
    first.delete()
    added = services.worksheet_defaults_add(program=partnership.program, actor=coordinator)
    assert [t.default_key for t in added] == ["getting-to-know"]


# --- answers -------------------------------------------------------------------------------


def test_each_save_is_a_new_version_with_who_wrote_it():
    partnership, (ana, ben), _c, sheet = suggested_world()
    question = question_of(sheet)
    save(partnership, ana, sheet, question, "  I run a bakery.  ", 0)
    save(partnership, ben, sheet, question, "I run a bakery; Ben teaches maths.", 1)
    answer = WorksheetAnswer.objects.get()
    assert (answer.value, answer.version, answer.saved_by) == (
        "I run a bakery; Ben teaches maths.",
        2,
        ben,
    )
    history = list(
        AnswerRevision.objects.order_by("version").values_list("version", "value", "author")
    )
    assert history == [
        (1, "I run a bakery.", ana.pk),
        (2, "I run a bakery; Ben teaches maths.", ben.pk),
    ]


def test_a_save_over_a_partners_newer_answer_is_refused_with_their_text_and_saves_nothing():
    partnership, (ana, ben), _c, sheet = suggested_world()
    question, other = question_of(sheet), question_of(sheet, "list")
    save(partnership, ana, sheet, question, "First words", 0)
    save(partnership, ben, sheet, question, "Ben's newer words", 1)  # Ana still reads v1
    with pytest.raises(WorksheetAnswersRefused) as refused:
        save_all(
            partnership,
            ana,
            sheet,
            AnswerInput(question.pk, "Ana's rewrite", 1),
            AnswerInput(other.pk, "Spreadsheets", 0),
        )
    assert refused.value.status_code == 409
    assert refused.value.errors == {
        f"a{question.pk}": "Ben saved this answer while you were writing: “Ben's newer words”. "
        "Your text is still in the box: save again to replace theirs, or merge the two first."
    }
    assert refused.value.changed == {question.pk, other.pk}
    # One transaction: the other answer was not saved either, and Ben's text stands.
    assert WorksheetAnswer.objects.get(question=question).value == "Ben's newer words"
    assert not WorksheetAnswer.objects.filter(question=other).exists()
    # Saving again over the version now read replaces it, deliberately.
    save(partnership, ana, sheet, question, "Ana's rewrite", 2)
    assert WorksheetAnswer.objects.get(question=question).version == 3


def test_an_answer_left_as_it_was_read_never_overwrites_a_partners_newer_one():
    partnership, (ana, ben), _c, sheet = suggested_world()
    question = question_of(sheet)
    save(partnership, ana, sheet, question, "As read", 0)
    save(partnership, ben, sheet, question, "Ben changed it", 1)
    save(partnership, ana, sheet, question, "As read", 1)  # the whole form, this one untouched
    answer = WorksheetAnswer.objects.get()
    assert (answer.value, answer.version) == ("Ben changed it", 2)


def test_the_same_text_saved_twice_is_not_a_new_version():
    partnership, (ana, ben), _c, sheet = suggested_world()
    question = question_of(sheet)
    save(partnership, ana, sheet, question, "Same", 0)
    save(partnership, ben, sheet, question, "Same", 0)
    assert WorksheetAnswer.objects.get().version == 1
    assert AnswerRevision.objects.count() == 1


def test_every_problem_with_the_answers_is_named_at_once():
    partnership, (ana, _ben), _c, sheet = suggested_world()
    scale, day, text = question_of(sheet, "scale"), question_of(sheet, "date"), question_of(sheet)
    with pytest.raises(WorksheetAnswersRefused) as refused:
        save_all(
            partnership,
            ana,
            sheet,
            AnswerInput(scale.pk, "7", 0),
            AnswerInput(day.pk, "next tuesday", 0),
            AnswerInput(text.pk, "x" * 4001, 0),
            AnswerInput(987654, "lost", 0),
        )
    assert refused.value.status_code == 400
    assert refused.value.errors == {
        f"a{scale.pk}": "Choose a number from 1 to 5.",
        f"a{day.pk}": "Enter a date, like 2027-03-14.",
        f"a{text.pk}": "Keep it to 4000 characters (this is 4001).",
        "a987654": "This question is no longer on the worksheet.",
    }
    assert not Worksheet.objects.filter(answers__isnull=False).exists()


def test_list_answers_keep_one_item_a_line_and_dates_and_scales_are_stored_plainly():
    partnership, (ana, _ben), _c, sheet = suggested_world()
    items, day, scale = (
        question_of(sheet, "list"),
        question_of(sheet, "date"),
        question_of(sheet, "scale"),
    )
    save_all(
        partnership,
        ana,
        sheet,
        AnswerInput(items.pk, " Ana: bread \n\n  Ben: algebra\n", 0),
        AnswerInput(day.pk, "2027-06-02", 0),
        AnswerInput(scale.pk, "04", 0),
    )
    values = dict(WorksheetAnswer.objects.values_list("question_id", "value"))
    assert values == {items.pk: "Ana: bread\nBen: algebra", day.pk: "2027-06-02", scale.pk: "4"}


def test_an_ended_partnership_reads_its_worksheets_but_changes_nothing():
    partnership, (ana, _ben), _c, sheet = suggested_world()
    Partnership.objects.filter(pk=partnership.pk).update(
        status="ended", ended_at="2027-01-01T00:00Z"
    )
    with pytest.raises(Conflict, match="has ended"):
        save(partnership, ana, sheet, question_of(sheet), "Too late", 0)
    with pytest.raises(Conflict, match="has ended"):
        services.worksheet_done_set(partnership=partnership, seat=ana, template=sheet, done=True)


def test_either_partner_marks_it_done_and_opens_it_again():
    partnership, (ana, ben), _c, sheet = suggested_world()
    worksheet = services.worksheet_done_set(
        partnership=partnership, seat=ana, template=sheet, done=True
    )
    assert worksheet.done_by == ana and worksheet.done_at is not None
    worksheet = services.worksheet_done_set(
        partnership=partnership, seat=ben, template=sheet, done=False
    )
    assert worksheet.done_by is None and worksheet.done_at is None


# --- templates -----------------------------------------------------------------------------


def test_a_new_worksheet_names_every_problem_at_once():
    partnership, _seats, coordinator, _first = suggested_world()
    with pytest.raises(services.WorksheetTemplateInvalid) as refused:
        services.worksheet_template_create(
            program=partnership.program,
            actor=coordinator,
            answers=TemplateAnswers(title="  ", due="meeting", due_meeting=None),
        )
    assert refused.value.errors == {
        "title": "Give it a title.",
        "due_meeting": "Say at which meeting, from 1 (the first) to 100.",
    }


def test_coordinators_write_a_worksheet_and_every_change_is_audited_without_answers():
    partnership, _seats, coordinator, _first = suggested_world()
    template = services.worksheet_template_create(
        program=partnership.program,
        actor=coordinator,
        answers=TemplateAnswers(title="Our third meeting", due="meeting", due_meeting=3),
    )
    section = services.worksheet_section_add(
        template=template, actor=coordinator, title="Where we stand"
    )
    question = services.worksheet_question_add(
        section=section, actor=coordinator, prompt="What went well?", kind="text"
    )
    services.worksheet_template_update(
        template=template,
        actor=coordinator,
        answers=TemplateAnswers(title="Our third meeting", due="anytime"),
    )
    question_id = question.pk
    services.worksheet_question_remove(question=question, actor=coordinator)
    assert template.position == 3  # after the three suggestions
    changes = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.WORKSHEET_CHANGED)
        .order_by("id")
        .values_list("after", flat=True)
    )
    assert changes == [
        {"worksheet": template.pk, "section_added": section.pk},
        {"worksheet": template.pk, "question_added": question_id},
        {"worksheet": template.pk, "changed": "due, due_meeting"},
        {"worksheet": template.pk, "question_removed": question_id},
    ]
    template.refresh_from_db()
    assert (template.due, template.due_meeting) == ("anytime", None)


def test_a_question_a_partnership_answered_cannot_be_removed():
    partnership, (ana, _ben), coordinator, sheet = suggested_world()
    question = question_of(sheet)
    save(partnership, ana, sheet, question, "Answered", 0)
    with pytest.raises(Conflict, match="answered this question already"):
        services.worksheet_question_remove(question=question, actor=coordinator)
    assert WorksheetQuestion.objects.filter(pk=question.pk).exists()


# --- the database holds the rules too ------------------------------------------------------


def test_the_database_refuses_a_due_meeting_without_a_meeting_due_point():
    partnership, *_rest = suggested_world()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorksheetTemplate.objects.create(
            program=partnership.program, title="Odd", due="midpoint", due_meeting=2
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorksheetTemplate.objects.create(program=partnership.program, title="Odd", due="meeting")


def test_the_database_refuses_a_second_answer_or_copy_for_the_same_question_or_partnership():
    partnership, (ana, _ben), _c, sheet = suggested_world()
    question = question_of(sheet)
    worksheet = save(partnership, ana, sheet, question, "One", 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorksheetAnswer.objects.create(worksheet=worksheet, question=question, value="Two")
    with pytest.raises(IntegrityError), transaction.atomic():
        Worksheet.objects.create(template=sheet, partnership=partnership)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerRevision.objects.create(
            answer=WorksheetAnswer.objects.get(), version=1, value="again", author=ana
        )


def test_the_demo_program_has_the_suggested_worksheets():
    program = demo_load().program
    assert sorted(
        WorksheetTemplate.objects.filter(program=program).values_list("default_key", flat=True)
    ) == ["getting-to-know", "midpoint", "take-away"]
