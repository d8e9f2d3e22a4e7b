"""factory-boy factories for goals, surveys and pulses."""

import factory
from factory.django import DjangoModelFactory

from tandem.core import clock
from tandem.core.nudges import iso_week
from tandem.goals.models import (
    Answer,
    Goal,
    GoalComment,
    IncentiveEarned,
    Nudge,
    ProgressUpdate,
    Pulse,
    Question,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from tandem.meetings.tests.factories import MeetingFactory
from tandem.partnerships.tests.factories import PartnershipFactory
from tandem.programs.tests.factories import MembershipFactory, ProgramFactory


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    partnership = factory.SubFactory(PartnershipFactory)
    owner = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..partnership.program")
    )
    title = factory.Sequence(lambda n: f"Goal {n}")


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    goal = factory.SubFactory(GoalFactory)
    text = "Making progress."


class GoalCommentFactory(DjangoModelFactory):
    class Meta:
        model = GoalComment

    goal = factory.SubFactory(GoalFactory)
    author = factory.SelfAttribute("goal.owner")
    body = "Well done."


class NudgeFactory(DjangoModelFactory):
    class Meta:
        model = Nudge

    goal = factory.SubFactory(GoalFactory)
    sender = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..goal.partnership.program")
    )
    week = factory.LazyFunction(lambda: iso_week(clock.now()))


class IncentiveEarnedFactory(DjangoModelFactory):
    class Meta:
        model = IncentiveEarned

    goal = factory.SubFactory(GoalFactory)
    partnership = factory.SelfAttribute("goal.partnership")


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    program = factory.SubFactory(ProgramFactory)
    kind = Survey.Kind.KICKOFF


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")


class _MemberOfSurveyFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    survey = factory.SubFactory(SurveyFactory)
    membership = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..survey.program")
    )


class SurveyInvitationFactory(_MemberOfSurveyFactory):
    class Meta:
        model = SurveyInvitation


class SurveyResponseFactory(_MemberOfSurveyFactory):
    class Meta:
        model = SurveyResponse


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(SurveyResponseFactory)
    question = factory.SubFactory(
        QuestionFactory, survey=factory.SelfAttribute("..response.survey")
    )


class PulseFactory(DjangoModelFactory):
    class Meta:
        model = Pulse

    meeting = factory.SubFactory(MeetingFactory)
    membership = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..meeting.partnership.program")
    )
    score = 4
