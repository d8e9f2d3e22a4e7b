"""The three worksheets every program is offered: the start, the mid-point and the end.

Written for peers who take turns as mentor and mentee: every question is answered by both
partners together, about both of them. Stored in the language of the coordinator who added them
(they may edit every word afterwards).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tandem.worksheets.models import WorksheetQuestion, WorksheetTemplate

Kind = WorksheetQuestion.Kind
Due = WorksheetTemplate.Due


@dataclass(frozen=True)
class Q:
    prompt: StrOrPromise
    kind: str = Kind.TEXT
    help_text: StrOrPromise = ""


@dataclass(frozen=True)
class Section:
    title: StrOrPromise
    questions: tuple[Q, ...]


@dataclass(frozen=True)
class Suggested:
    key: str
    title: StrOrPromise
    intro: StrOrPromise
    due: str
    due_meeting: int | None
    sections: tuple[Section, ...]


GETTING_TO_KNOW = Suggested(
    key="getting-to-know",
    title=_("Getting to know each other and our ground rules"),
    intro=_(
        "Fill this in together at your first meeting. Each of you is a mentor and a mentee "
        "here: you both bring something to teach and something to learn. There are no right "
        "answers; write down what you agree on, in your own words, and change it whenever "
        "you both want to."
    ),
    due=Due.MEETING,
    due_meeting=1,
    sections=(
        Section(
            _("About each of us"),
            (
                Q(
                    _("What each of us does, and what brought us to this program"),
                    help_text=_("A few lines each: your work or studies, and why you joined."),
                ),
                Q(
                    _("What each of us can teach the other"),
                    Kind.LIST,
                    _("One item a line, with a name: “Ana: budgeting spreadsheets”."),
                ),
                Q(
                    _("What each of us wants to learn from the other"),
                    Kind.LIST,
                    _("One item a line, with a name."),
                ),
                Q(
                    _("How each of us likes to learn, and to hear feedback"),
                    help_text=_(
                        "Examples first or the idea first? Direct feedback, or a question that "
                        "lets you find the answer yourself?"
                    ),
                ),
            ),
        ),
        Section(
            _("Our ground rules"),
            (
                Q(
                    _("How often, how long and where we meet"),
                    help_text=_(
                        "For example: every two weeks, Wednesdays at 6 pm, an hour, by video. "
                        "Book your next three meetings before you leave this one."
                    ),
                ),
                Q(
                    _("How we share each meeting"),
                    help_text=_(
                        "Who goes first, and how you keep the two halves even, so that each of "
                        "you gets a full turn as the mentee."
                    ),
                ),
                Q(
                    _("What stays between us"),
                    help_text=_(
                        "What you keep confidential, what you would take to the program's "
                        "coordinator, and when you would point each other to professional help."
                    ),
                ),
                Q(
                    _("When one of us has to cancel, or falls behind"),
                    help_text=_(
                        "How much notice you give, how you find a new time, and how you tell "
                        "each other honestly when something is not working."
                    ),
                ),
            ),
        ),
        Section(
            _("Where we are going"),
            (
                Q(
                    _("Our goals for the program, each with a deadline"),
                    Kind.LIST,
                    _("One or two each, one a line: “Ben: lead a team retrospective by June”."),
                ),
                Q(
                    _("How we will celebrate reaching them"),
                    help_text=_("Something you both look forward to."),
                ),
                Q(
                    _("The day we look back at these goals together"),
                    Kind.DATE,
                    _("Usually your meeting nearest the program's mid-point."),
                ),
                Q(
                    _("How sure are we, today, that we will reach our goals?"),
                    Kind.SCALE,
                    _("1: not sure at all; 5: very sure."),
                ),
            ),
        ),
    ),
)

MIDPOINT = Suggested(
    key="midpoint",
    title=_("Our mid-point check-in"),
    intro=_(
        "Halfway through: look back at your first meetings and decide together what to keep "
        "and what to change. Be honest with each other; this is what makes the second half "
        "better for both of you."
    ),
    due=Due.MIDPOINT,
    due_meeting=None,
    sections=(
        Section(
            _("How it is going"),
            (
                Q(
                    _("How well is our partnership working for both of us?"),
                    Kind.SCALE,
                    _("1: not well; 5: very well."),
                ),
                Q(_("What has worked best in our meetings so far")),
                Q(
                    _("What we will change for the second half"),
                    help_text=_(
                        "How often and how long you meet, how you share the turns, how you prepare."
                    ),
                ),
            ),
        ),
        Section(
            _("Give and take"),
            (
                Q(
                    _("Has the give and take felt even?"),
                    help_text=_(
                        "Has each of you had enough time as the mentee, and as the mentor? If "
                        "not, what will you do differently?"
                    ),
                ),
                Q(
                    _("What each of us has learned from the other so far"),
                    Kind.LIST,
                    _("One item a line, with a name."),
                ),
            ),
        ),
        Section(
            _("Our goals"),
            (
                Q(
                    _("Where each goal stands"),
                    Kind.LIST,
                    _("One goal a line: where it stands, and what is in the way."),
                ),
                Q(
                    _("Goals we keep, change or let go"),
                    Kind.LIST,
                    _("Changing a goal that no longer fits is fine: say why."),
                ),
                Q(_("Our next milestone"), Kind.DATE),
                Q(
                    _("Anything we would like help with from the program"),
                    help_text=_(
                        "Your coordinator does not read this worksheet: if you both agree, "
                        "tell them yourselves."
                    ),
                ),
            ),
        ),
    ),
)

TAKE_AWAY = Suggested(
    key="take-away",
    title=_("What we take away"),
    intro=_(
        "For your last meeting, before the recap: what you each gained, what you gave, and "
        "what you will carry on with."
    ),
    due=Due.RECAP,
    due_meeting=None,
    sections=(
        Section(
            _("Looking back"),
            (
                Q(
                    _("What each of us achieved"),
                    Kind.LIST,
                    _("One item a line, with a name: goals reached, and the surprises too."),
                ),
                Q(
                    _("What each of us learned from the other"),
                    Kind.LIST,
                    _("One item a line, with a name."),
                ),
                Q(_("A moment in our partnership that mattered")),
                Q(
                    _("How much did we each gain from this partnership?"),
                    Kind.SCALE,
                    _("1: a little; 5: a great deal."),
                ),
            ),
        ),
        Section(
            _("Looking ahead"),
            (
                Q(
                    _("What each of us will keep doing"),
                    Kind.LIST,
                    _("Habits, skills and ways of working to keep up after the program."),
                ),
                Q(
                    _("Will we stay in touch, and how?"),
                    help_text=_(
                        "Partners often stay each other's outside resource: a call now and "
                        "then, an introduction to someone in their network."
                    ),
                ),
                Q(
                    _("Our advice for the next partnerships"),
                    help_text=_(
                        "It stays here unless you pass it on to your coordinator yourselves."
                    ),
                ),
            ),
        ),
    ),
)

SUGGESTED: tuple[Suggested, ...] = (GETTING_TO_KNOW, MIDPOINT, TAKE_AWAY)
