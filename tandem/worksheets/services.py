"""Writes for worksheets: the coordinator's templates, and the partners' answers.

Every operation is one transaction and checks every problem before it refuses. Answers are
saved over a version: a save written over an answer that a partner changed meanwhile is
refused with the partner's text, so nobody's answer is ever silently lost. The coordinators'
changes are in the audit log (titles and counts, never an answer).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import AnswersInvalid, Conflict
from tandem.core.models import AuditEvent
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Program
from tandem.programs.names import member_name
from tandem.worksheets.defaults import SUGGESTED
from tandem.worksheets.models import (
    ANSWER_MAX_LENGTH,
    DUE_MEETING_MAX,
    PROMPT_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    TITLE_MAX_LENGTH,
    AnswerRevision,
    Worksheet,
    WorksheetAnswer,
    WorksheetQuestion,
    WorksheetSection,
    WorksheetTemplate,
)
from tandem.worksheets.selectors import answer_field

Kind = WorksheetQuestion.Kind
Due = WorksheetTemplate.Due

CONFLICT_QUOTE_LENGTH = 300


def msg_ended() -> str:
    return _("This partnership has ended: its worksheets can be read, no longer changed.")


def msg_too_long(limit: int, length: int) -> str:
    return _("Keep it to %(limit)d characters (this is %(length)d).") % {
        "limit": limit,
        "length": length,
    }


def msg_scale() -> str:
    return _("Choose a number from %(min)d to %(max)d.") % {"min": SCALE_MIN, "max": SCALE_MAX}


def msg_date() -> str:
    return _("Enter a date, like 2027-03-14.")


def msg_question_gone() -> str:
    return _("This question is no longer on the worksheet.")


def msg_conflict(name: str, value: str) -> str:
    """Say that a partner saved this answer meanwhile, quoting what they saved."""
    if not value:
        return _(
            "%(name)s cleared this answer while you were writing. Your text is still in the "
            "box: save again to keep it."
        ) % {"name": name}
    quoted = value if len(value) <= CONFLICT_QUOTE_LENGTH else value[:CONFLICT_QUOTE_LENGTH] + "…"
    return _(
        "%(name)s saved this answer while you were writing: “%(value)s”. Your text is still "
        "in the box: save again to replace theirs, or merge the two first."
    ) % {"name": name, "value": quoted}


def msg_title_needed() -> str:
    return _("Give it a title.")


def msg_due_meeting() -> str:
    return _("Say at which meeting, from 1 (the first) to %(max)d.") % {"max": DUE_MEETING_MAX}


def msg_question_answered() -> str:
    return _(
        "Partnerships have answered this question already, so it stays: change its wording instead."
    )


# --- Answers (partners) ----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """One answer as a partner sent it, with the version they wrote it over (0: no answer)."""

    question_id: int
    value: str
    version: int


class WorksheetAnswersRefused(AnswersInvalid):
    """Some answers were not saved (and so none was): ``errors`` maps each answer's field to
    why. ``changed`` names the questions the person had changed, so a form keeps their text;
    409 when a partner's save came first, else 400."""

    def __init__(self, errors: dict[str, str], *, changed: set[int], conflict: bool) -> None:
        super().__init__(errors)
        self.changed = frozenset(changed)
        self.status_code = 409 if conflict else 400


def answer_clean(*, kind: str, raw: str) -> tuple[str, str | None]:
    """Return the answer as stored (trimmed; a list one item a line) and what is wrong with it."""
    value = raw.strip()
    if kind == Kind.LIST:
        value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    if len(value) > ANSWER_MAX_LENGTH:
        return value, msg_too_long(ANSWER_MAX_LENGTH, len(value))
    if value and kind == Kind.SCALE:
        if not value.isdigit() or not SCALE_MIN <= int(value) <= SCALE_MAX:
            return value, msg_scale()
        value = str(int(value))
    if value and kind == Kind.DATE:
        try:
            value = date.fromisoformat(value).isoformat()
        except ValueError:
            return value, msg_date()
    return value, None


def _live_partnership(partnership: Partnership, seat: PartnershipMember) -> Partnership:
    # The partnership row serialises every save on its worksheets (and the copy's creation).
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.status == Partnership.Status.ENDED or not seat.active:
        raise Conflict(msg_ended())
    return locked


def _copy_of(template: WorksheetTemplate, partnership: Partnership) -> Worksheet:
    worksheet, _created = Worksheet.objects.get_or_create(
        template=template, partnership=partnership
    )
    return worksheet


@transaction.atomic
def worksheet_answers_save(
    *,
    partnership: Partnership,
    seat: PartnershipMember,
    template: WorksheetTemplate,
    answers: Sequence[AnswerInput],
) -> Worksheet:
    """Save a partner's answers, each over the version they read; all of them or none.

    An answer the person left as it was when they read it is skipped (a partner's newer text
    stands). A changed answer whose version moved on meanwhile is refused with the partner's
    text; so is one that breaks a rule. Every problem is named at once.
    """
    locked = _live_partnership(partnership, seat)
    questions = {q.pk: q for q in WorksheetQuestion.objects.filter(section__template=template)}
    worksheet = _copy_of(template, locked)
    current = {
        a.question_id: a
        # Lock the answers only: the partner who saved one may be gone (an outer join that
        # PostgreSQL will not lock).
        for a in WorksheetAnswer.objects.select_for_update(of=("self",))
        .filter(worksheet=worksheet)
        .select_related("saved_by__membership__user", "saved_by__membership__profile")
    }
    stale = {
        (a.question_id, i.version)
        for i in answers
        if (a := current.get(i.question_id)) is not None and 0 < i.version != a.version
    }
    read_then: dict[tuple[int, int], str] = {
        (question_id, version): value
        for question_id, version, value in AnswerRevision.objects.filter(
            answer__worksheet=worksheet, version__in={v for _q, v in stale}
        ).values_list("answer__question_id", "version", "value")
        if (question_id, version) in stale
    }
    errors: dict[str, str] = {}
    changed: set[int] = set()
    conflict = False
    to_save: list[tuple[WorksheetQuestion, str]] = []
    for given in answers:
        field = answer_field(given.question_id)
        question = questions.get(given.question_id)
        if question is None:
            errors[field] = msg_question_gone()
            continue
        value, problem = answer_clean(kind=question.kind, raw=given.value)
        answer = current.get(question.pk)
        now_value = answer.value if answer is not None else ""
        now_version = answer.version if answer is not None else 0
        if problem:
            errors[field] = problem
            changed.add(question.pk)
        elif value == now_value:
            continue
        elif given.version == now_version:
            to_save.append((question, value))
            changed.add(question.pk)
        elif value == read_then.get((question.pk, given.version), None if given.version else ""):
            continue  # left as it was read: the partner's newer answer stands
        else:
            conflict = True
            changed.add(question.pk)
            saved_by = answer.saved_by if answer is not None else None
            name = member_name(saved_by.membership) if saved_by else _("Your partner")
            errors[field] = msg_conflict(name, now_value)
    if errors:
        raise WorksheetAnswersRefused(errors, changed=changed, conflict=conflict)
    now = clock.now()
    for question, value in to_save:
        answer = current.get(question.pk)
        if answer is None:
            answer = WorksheetAnswer.objects.create(
                worksheet=worksheet, question=question, value=value, saved_by=seat, saved_at=now
            )
        else:
            answer.value, answer.saved_by, answer.saved_at = value, seat, now
            answer.version += 1
            answer.save(update_fields=["value", "version", "saved_by", "saved_at"])
        AnswerRevision.objects.create(
            answer=answer, version=answer.version, value=value, author=seat, saved_at=now
        )
    return worksheet


@transaction.atomic
def worksheet_done_set(
    *, partnership: Partnership, seat: PartnershipMember, template: WorksheetTemplate, done: bool
) -> Worksheet:
    """Mark the partnership's worksheet done (or open it again); either partner may."""
    locked = _live_partnership(partnership, seat)
    worksheet = _copy_of(template, locked)
    if done and worksheet.done_at is None:
        worksheet.done_at, worksheet.done_by = clock.now(), seat
    elif not done:
        worksheet.done_at, worksheet.done_by = None, None
    worksheet.save(update_fields=["done_at", "done_by"])
    return worksheet


# --- Templates (coordinators) ----------------------------------------------------------------


class WorksheetTemplateInvalid(AnswersInvalid):
    """Several fields of a worksheet need a change; ``errors`` maps each field to what to fix."""


@dataclass(frozen=True)
class TemplateAnswers:
    title: str
    intro: str = ""
    due: str = Due.ANYTIME
    due_meeting: int | None = None


def _template_check(answers: TemplateAnswers) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = answers.title.strip()
    if not title:
        errors["title"] = msg_title_needed()
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = msg_too_long(TITLE_MAX_LENGTH, len(title))
    if answers.due not in Due.values:
        errors["due"] = _("Choose when it is due.")
    due_meeting = answers.due_meeting if answers.due == Due.MEETING else None
    if answers.due == Due.MEETING and not (
        due_meeting is not None and 1 <= due_meeting <= DUE_MEETING_MAX
    ):
        errors["due_meeting"] = msg_due_meeting()
    intro = answers.intro.strip()
    if len(intro) > ANSWER_MAX_LENGTH:
        errors["intro"] = msg_too_long(ANSWER_MAX_LENGTH, len(intro))
    if errors:
        raise WorksheetTemplateInvalid(errors)
    return {"title": title, "intro": intro, "due": answers.due, "due_meeting": due_meeting}


def _audit(action: str, actor: Any, template: WorksheetTemplate, **values: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        program=template.program,
        subject_label=template.title[:254],
        after={"worksheet": template.pk, **values},
    )


def _next_position(program: Program) -> int:
    top = WorksheetTemplate.objects.filter(program=program).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def worksheet_template_create(
    *, program: Program, actor: Any, answers: TemplateAnswers
) -> WorksheetTemplate:
    """Add a worksheet of the coordinator's own to the program (sections come next)."""
    values = _template_check(answers)
    Program.objects.select_for_update().get(pk=program.pk)
    template = WorksheetTemplate.objects.create(
        program=program, position=_next_position(program), **values
    )
    _audit(AuditEvent.Action.WORKSHEET_ADDED, actor, template, due=template.due)
    return template


@transaction.atomic
def worksheet_template_update(
    *, template: WorksheetTemplate, actor: Any, answers: TemplateAnswers
) -> WorksheetTemplate:
    """Change a worksheet's title, introduction or due point; every problem at once."""
    values = _template_check(answers)
    locked = WorksheetTemplate.objects.select_for_update().get(pk=template.pk)
    before = {name: getattr(locked, name) for name in values}
    for name, value in values.items():
        setattr(locked, name, value)
    locked.updated_at = clock.now()
    locked.save()
    changed = sorted(name for name in values if before[name] != values[name])
    if changed:
        _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, locked, changed=", ".join(changed))
    return locked


def _title_check(title: str, limit: int, field: str) -> str:
    text = title.strip()
    if not text:
        raise WorksheetTemplateInvalid({field: _("Write it first.")})
    if len(text) > limit:
        raise WorksheetTemplateInvalid({field: msg_too_long(limit, len(text))})
    return text


@transaction.atomic
def worksheet_section_add(
    *, template: WorksheetTemplate, actor: Any, title: str
) -> WorksheetSection:
    """Add a section at the end of the worksheet."""
    text = _title_check(title, TITLE_MAX_LENGTH, "title")
    locked = WorksheetTemplate.objects.select_for_update().get(pk=template.pk)
    top = locked.sections.aggregate(top=Max("position"))["top"]
    section = WorksheetSection.objects.create(
        template=locked, title=text, position=0 if top is None else top + 1
    )
    _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, locked, section_added=section.pk)
    return section


def _question_problems(prompt: str, kind: str, help_text: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not prompt:
        errors["prompt"] = _("Write the question.")
    elif len(prompt) > PROMPT_MAX_LENGTH:
        errors["prompt"] = msg_too_long(PROMPT_MAX_LENGTH, len(prompt))
    if kind not in Kind.values:
        errors["kind"] = _("Choose what kind of answer it takes.")
    if len(help_text) > PROMPT_MAX_LENGTH:
        errors["help_text"] = msg_too_long(PROMPT_MAX_LENGTH, len(help_text))
    return errors


@transaction.atomic
def worksheet_question_add(
    *, section: WorksheetSection, actor: Any, prompt: str, kind: str, help_text: str = ""
) -> WorksheetQuestion:
    """Add a question at the end of a section; every problem at once."""
    text, hint = prompt.strip(), help_text.strip()
    errors = _question_problems(text, kind, hint)
    if errors:
        raise WorksheetTemplateInvalid(errors)
    template = WorksheetTemplate.objects.select_for_update().get(pk=section.template_id)
    top = section.questions.aggregate(top=Max("position"))["top"]
    question = WorksheetQuestion.objects.create(
        section=section,
        prompt=text,
        help_text=hint,
        kind=kind,
        position=0 if top is None else top + 1,
    )
    _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, template, question_added=question.pk)
    return question


def msg_kind_answered() -> str:
    return _(
        "Partnerships have answered this question already, so its kind of answer stays. "
        "Reword it, or add a new question of the other kind."
    )


@transaction.atomic
def worksheet_question_update(
    *, question: WorksheetQuestion, actor: Any, prompt: str, kind: str, help_text: str = ""
) -> WorksheetQuestion:
    """Reword a question, change its hint, or its kind while nobody has answered it.

    Answers already given stay with the question: the partners see them under the new wording.
    """
    template = WorksheetTemplate.objects.select_for_update().get(pk=question.section.template_id)
    locked = WorksheetQuestion.objects.get(pk=question.pk)
    text, hint = prompt.strip(), help_text.strip()
    errors = _question_problems(text, kind, hint)
    if (
        "kind" not in errors
        and kind != locked.kind
        and WorksheetAnswer.objects.filter(question=locked).exists()
    ):
        errors["kind"] = msg_kind_answered()
    if errors:
        raise WorksheetTemplateInvalid(errors)
    before = {"prompt": locked.prompt, "kind": locked.kind, "help_text": locked.help_text}
    locked.prompt, locked.kind, locked.help_text = text, kind, hint
    locked.save(update_fields=["prompt", "kind", "help_text"])
    changed = sorted(name for name, value in before.items() if getattr(locked, name) != value)
    if changed:
        _audit(
            AuditEvent.Action.WORKSHEET_CHANGED,
            actor,
            template,
            question_changed=locked.pk,
            changed=", ".join(changed),
        )
    return locked


@transaction.atomic
def worksheet_section_rename(
    *, section: WorksheetSection, actor: Any, title: str
) -> WorksheetSection:
    """Give a section another title."""
    text = _title_check(title, TITLE_MAX_LENGTH, "title")
    template = WorksheetTemplate.objects.select_for_update().get(pk=section.template_id)
    locked = WorksheetSection.objects.get(pk=section.pk)
    if locked.title != text:
        locked.title = text
        locked.save(update_fields=["title"])
        _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, template, section_renamed=locked.pk)
    return locked


# Positions are unique among siblings, so a swap parks one of the two here for a moment (the
# template's row is locked meanwhile, so nobody else parks at the same time).
_PARKED_POSITION = 32767


def _swap_with_neighbour(siblings: QuerySet[Any], item: Any, *, up: bool) -> bool:
    """Swap ``item`` with the sibling just before (``up``) or after it; False at either end."""
    before = siblings.filter(position__lt=item.position).order_by("-position")
    after = siblings.filter(position__gt=item.position).order_by("position")
    neighbour = (before if up else after).first()
    if neighbour is None:
        return False
    mine, theirs = item.position, neighbour.position
    siblings.filter(pk=item.pk).update(position=_PARKED_POSITION)
    siblings.filter(pk=neighbour.pk).update(position=mine)
    siblings.filter(pk=item.pk).update(position=theirs)
    return True


@transaction.atomic
def worksheet_question_move(*, question: WorksheetQuestion, actor: Any, up: bool) -> bool:
    """Move a question one place up or down in its section; False when it is there already."""
    template = WorksheetTemplate.objects.select_for_update().get(pk=question.section.template_id)
    locked = WorksheetQuestion.objects.get(pk=question.pk)
    siblings = WorksheetQuestion.objects.filter(section_id=locked.section_id)
    moved = _swap_with_neighbour(siblings, locked, up=up)
    if moved:
        _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, template, question_moved=locked.pk)
    return moved


@transaction.atomic
def worksheet_section_move(*, section: WorksheetSection, actor: Any, up: bool) -> bool:
    """Move a section one place up or down in its worksheet; False when it is there already."""
    template = WorksheetTemplate.objects.select_for_update().get(pk=section.template_id)
    locked = WorksheetSection.objects.get(pk=section.pk)
    siblings = WorksheetSection.objects.filter(template=template)
    moved = _swap_with_neighbour(siblings, locked, up=up)
    if moved:
        _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, template, section_moved=locked.pk)
    return moved


@transaction.atomic
def worksheet_question_remove(*, question: WorksheetQuestion, actor: Any) -> None:
    """Remove a question no partnership has answered yet (answered ones stay)."""
    template = WorksheetTemplate.objects.select_for_update().get(pk=question.section.template_id)
    if WorksheetAnswer.objects.filter(question=question).exists():
        raise Conflict(msg_question_answered())
    question_id = question.pk
    question.delete()
    _audit(AuditEvent.Action.WORKSHEET_CHANGED, actor, template, question_removed=question_id)


def _suggested_create(program: Program) -> list[WorksheetTemplate]:
    """Create the suggested worksheets the program does not have yet, in five queries."""
    have = set(
        WorksheetTemplate.objects.filter(program=program)
        .exclude(default_key="")
        .values_list("default_key", flat=True)
    )
    missing = [s for s in SUGGESTED if s.key not in have]
    if not missing:
        return []
    start = _next_position(program)
    templates = WorksheetTemplate.objects.bulk_create(
        [
            WorksheetTemplate(
                program=program,
                title=str(s.title),
                intro=str(s.intro),
                due=s.due,
                due_meeting=s.due_meeting,
                position=start + i,
                default_key=s.key,
            )
            for i, s in enumerate(missing)
        ]
    )
    sections = WorksheetSection.objects.bulk_create(
        [
            WorksheetSection(template=t, title=str(section.title), position=i)
            for t, s in zip(templates, missing, strict=True)
            for i, section in enumerate(s.sections)
        ]
    )
    blueprints = [section for s in missing for section in s.sections]
    WorksheetQuestion.objects.bulk_create(
        [
            WorksheetQuestion(
                section=section,
                prompt=str(q.prompt),
                help_text=str(q.help_text),
                kind=q.kind,
                position=i,
            )
            for section, blueprint in zip(sections, blueprints, strict=True)
            for i, q in enumerate(blueprint.questions)
        ]
    )
    return templates


@transaction.atomic
def worksheet_defaults_add(*, program: Program, actor: Any) -> list[WorksheetTemplate]:
    """Add the suggested worksheets the program does not have yet; return those added."""
    Program.objects.select_for_update().get(pk=program.pk)
    added = _suggested_create(program)
    if added:
        audit_record(
            action=AuditEvent.Action.WORKSHEET_ADDED,
            actor=actor,
            program=program,
            subject_label=str(program)[:254],
            after={"suggested": ", ".join(t.default_key for t in added)},
        )
    return added


def worksheet_defaults_for_new_program(*, program: Program, creator: Any) -> None:
    """Give a program just created the suggested worksheets (the ``program_created`` slot)."""
    _suggested_create(program)
