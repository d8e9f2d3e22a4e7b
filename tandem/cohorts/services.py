"""Copy a program into the next cohort: settings, guidebook and worksheets, referral resources,
surveys and outcome measures go to a new draft; no member, partnership or answer is copied.

Sits above programs and goals (it copies both). The copy names its source in
``Program.previous_cohort``, so matching keeps earlier partners apart in the new cohort.
"""

import os
from typing import Any

from django.db import transaction

from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent
from tandem.goals.models import Measure, Question, Survey
from tandem.programs.models import Document, Program, Resource
from tandem.programs.services.program import program_create

# The settings a new cohort keeps; key dates belong to one cohort and start empty.
COPIED_SETTINGS = (
    "cadence_weeks",
    "meeting_minutes",
    "format",
    "circle_size_min",
    "circle_size_max",
    "allow_trios",
    "confidentiality_rules",
)


@transaction.atomic
def program_copy(*, source: Program, coordinator: Any, name: str, slug: str = "") -> Program:
    """Create the next cohort of ``source`` as a draft coordinated by ``coordinator``.

    Name and web address follow the rules of :func:`program_create` (its errors are raised
    as they are). Uploaded files are copied, so deleting one in either program leaves the
    other intact.
    """
    program = program_create(
        creator=coordinator,
        name=name,
        slug=slug,
        description=source.description,
        audience=source.audience,
    )
    for field in COPIED_SETTINGS:
        setattr(program, field, getattr(source, field))
    program.previous_cohort = source
    program.save(update_fields=[*COPIED_SETTINGS, "previous_cohort", "updated_at"])

    for document in Document.objects.filter(program=source).order_by("pk"):
        copy = Document(
            program=program,
            kind=document.kind,
            title=document.title,
            body=document.body,
            position=document.position,
        )
        if document.file and document.file.name:
            with document.file.open("rb") as handle:
                copy.file.save(os.path.basename(document.file.name), handle, save=False)
        copy.save()
    Resource.objects.bulk_create(
        Resource(
            program=program,
            name=r.name,
            kind=r.kind,
            contact=r.contact,
            when_to_use=r.when_to_use,
            position=r.position,
        )
        for r in Resource.objects.filter(program=source).order_by("pk")
    )
    # Outcome measures carry over with their questions, so the cohorts compare like for like.
    measures = {
        m.pk: Measure.objects.create(program=program, text=m.text, position=m.position)
        for m in Measure.objects.filter(program=source).order_by("position", "pk")
    }
    for survey in Survey.objects.filter(program=source).prefetch_related("questions"):
        new_survey = Survey.objects.create(program=program, kind=survey.kind)
        Question.objects.bulk_create(
            Question(
                survey=new_survey,
                text=q.text,
                kind=q.kind,
                choices=q.choices,
                position=q.position,
                measure=measures.get(q.measure_id) if q.measure_id else None,
            )
            for q in survey.questions.all()
        )
    audit_record(
        action=AuditEvent.Action.PROGRAM_COPIED,
        actor=coordinator,
        subject_label=program.name,
        program=program,
        before={"copied_from": source.slug},
        after={"slug": program.slug},
    )
    return program
