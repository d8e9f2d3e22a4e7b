"""Pair by hand: the engine's hard rules and reasons, the partnership, the audit, the emails."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.matching.engine import MatchConfig, Member, Rules, Slot
from tandem.matching.engine.hand import group_problems
from tandem.matching.models import MatchRule, MatchRun
from tandem.matching.services_hand import (
    MSG_BROKEN_RULES,
    MSG_CIRCLE_SIZE,
    MSG_NOT_IN_POOL,
    MSG_PAIR_SIZE,
)
from tandem.matching.tests.factories import MatchRuleFactory
from tandem.matching.tests.helpers import member
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.services.life import partnership_end
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _url(program):
    return reverse("matching:hand", args=[program.slug])


def _check(client, program, *people):
    return client.get(_url(program), {"m": [p.pk for p in people]})


def _pair(client, program, *people):
    return client.post(_url(program), {"m": [p.pk for p in people]})


def test_the_page_lists_unmatched_ready_members_only(client, program, coordinator):
    ana = member(program, "Ana")
    waiting = member(program, "Wanda")
    Membership.objects.filter(pk=waiting.pk).update(status=Membership.Status.PAUSED)
    _, taken = partnership_of(program, "Tom", "Tia")
    html = client.get(_url(program)).content.decode()
    assert f'value="{ana.pk}"' in html
    assert f'value="{waiting.pk}"' not in html
    assert f'value="{taken["Tom"].pk}"' not in html


def test_checking_two_members_shows_the_engines_reasons(client, program, coordinator):
    ana = member(program, "Ana", offers=["Spanish"], wants=["Skiing"])
    ben = member(program, "Ben", offers=["Skiing"], wants=["Spanish"])
    response = _check(client, program, ana, ben)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in html
    assert "Create the partnership" in html
    assert not Partnership.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_pairing_creates_the_partnership_audits_it_and_introduces_them(client, mailoutbox):
    program = ProgramFactory(status="running", name="Skiers")
    coordinator = CoordinatorFactory(program=program).user
    client.force_login(coordinator)
    ana = member(program, "Ana", offers=["Spanish"], wants=["Skiing"])
    ben = member(program, "Ben", offers=["Skiing"], wants=["Spanish"])

    response = _pair(client, program, ana, ben)

    assert response.status_code == 302
    assert response.url == reverse("dashboard:partnership_list", args=[program.slug])
    partnership = Partnership.objects.get()
    assert {s.membership_id for s in partnership.seats.filter(active=True)} == {ana.pk, ben.pk}
    assert set(
        Membership.objects.filter(pk__in=[ana.pk, ben.pk]).values_list("status", flat=True)
    ) == {Membership.Status.MATCHED}
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.PUBLISHED and run.stats["by_hand"]
    assert run.proposals.get().partnership == partnership
    audit = AuditEvent.objects.get(action=AuditEvent.Action.PAIRED_BY_HAND)
    assert audit.actor == coordinator
    assert audit.after["by_hand"] and audit.after["people"] == [ana.pk, ben.pk]
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "ben@example.org"]
    to_ben = next(m for m in mailoutbox if m.to == ["ben@example.org"])
    assert to_ben.subject == "[Tandem] Meet your partner in Skiers"
    assert "- Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in to_ben.body
    page = client.get(reverse("dashboard:partnership_list", args=[program.slug]))
    assert "Partnership created: Ana, Ben. They get their introduction email." in page.text


def test_every_broken_rule_is_named_at_once_and_nothing_is_created(client, program, coordinator):
    ana = member(program, "Ana", languages=["Spanish"])
    ben = member(program, "Ben", availability=[[0, 9 * 60, 10 * 60]])
    ana.profile.excluded.add(ben)
    MatchRuleFactory(
        program=program, kind=MatchRule.Kind.FORBID, membership_a=ana, membership_b=ben
    )
    response = _pair(client, program, ana, ben)
    assert response.status_code == 400
    problems = [
        "Ana asked not to be paired with Ben",
        "a rule of the program keeps Ana and Ben apart",
        "Ana and Ben share no language",
        "Ana and Ben share no free 60 minutes in the week",
    ]
    assert MSG_BROKEN_RULES.format(problems="; ".join(problems)) in response.text
    assert not Partnership.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PAIRED_BY_HAND).exists()
    preview = _check(client, program, ana, ben).text
    assert "They cannot be paired" in preview and "Create the partnership" not in preview


def test_earlier_partners_cannot_be_paired_again(client, program, coordinator):
    program.cooling_off_days = 0  # the cooling-off would refuse them first
    program.save()
    partnership, people = partnership_of(program, "Ana", "Ben")
    partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="other")
    response = _pair(client, program, people["Ana"], people["Ben"])
    assert response.status_code == 400
    assert "Ana and Ben were partners before in this program" in response.text
    assert Partnership.objects.count() == 1


def test_only_unmatched_ready_members_can_be_paired(client, program, coordinator):
    ana = member(program, "Ana")
    _, taken = partnership_of(program, "Tom", "Tia")
    response = _pair(client, program, ana, taken["Tom"])
    assert response.status_code == 400
    assert MSG_NOT_IN_POOL.format(names="Tom") in response.text
    stranger = member(ProgramFactory(), "Zed")
    response = _pair(client, program, ana, stranger)
    assert MSG_NOT_IN_POOL.format(names="an unknown person") in response.text
    assert PartnershipMember.objects.filter(membership=ana).count() == 0


def test_pairs_take_two_and_circles_three_to_five(client, program, coordinator):
    people = [member(program, name) for name in ("Ana", "Ben", "Cleo", "Dan", "Eve", "Finn")]
    response = _pair(client, program, *people[:3])
    assert response.status_code == 400
    assert MSG_PAIR_SIZE.format(count=3) in response.text

    program.format = "circles"
    program.save()
    for size in (2, 6):
        response = _pair(client, program, *people[:size])
        assert response.status_code == 400
        assert MSG_CIRCLE_SIZE.format(count=size) in response.text
    assert not Partnership.objects.exists()
    response = _pair(client, program, *people[:4])
    assert response.status_code == 302
    assert Partnership.objects.get().seats.count() == 4


def test_a_made_up_id_is_a_clear_message(client, program, coordinator):
    response = client.post(_url(program), {"m": ["x", "1"]})
    assert response.status_code == 400
    assert "Pick people from the list." in response.text


def test_members_and_other_programs_coordinators_get_404(client, program):
    ana, ben = member(program, "Ana"), member(program, "Ben")
    for user in (ana.user, CoordinatorFactory(program=ProgramFactory()).user):
        client.force_login(user)
        assert client.get(_url(program)).status_code == 404
        assert _pair(client, program, ana, ben).status_code == 404
    assert not Partnership.objects.exists()


def test_the_matching_page_and_the_roster_link_to_pair_by_hand(client, program, coordinator):
    for page in ("matching:runs", "programs:roster", "dashboard:partnership_list"):
        assert _url(program) in client.get(reverse(page, args=[program.slug])).text


# -- the engine's check (pure Python) -------------------------------------------------------

WED = (Slot(2, 18 * 60, 20 * 60),)
CONFIG = MatchConfig(reference_date=dt.date(2027, 1, 6))


def test_a_circle_needs_one_window_all_of_them_share():
    ana = Member("a", "Ana", "Europe/Madrid", WED)
    ben = Member("b", "Ben", "Europe/Madrid", (*WED, Slot(3, 18 * 60, 20 * 60)))
    cleo = Member("c", "Cleo", "Europe/Madrid", (Slot(3, 18 * 60, 20 * 60),))
    assert group_problems([ana, ben], CONFIG) == ()
    assert group_problems([ana, ben, cleo], CONFIG) == (
        "Ana, Ben and Cleo share no free 60 minutes in the week",
    )


def test_earlier_partners_are_allowed_when_repeats_are():
    ana = Member("a", "Ana", "Europe/Madrid", WED)
    ben = Member("b", "Ben", "Europe/Madrid", WED, exclude=frozenset({"a"}))
    rules = Rules(history=(("a", "b"),))
    assert group_problems([ana, ben], CONFIG, rules) == (
        "Ben asked not to be paired with Ana",
        "Ana and Ben were partners before in this program",
    )
    repeats = MatchConfig(reference_date=dt.date(2027, 1, 6), allow_repeats=True)
    assert group_problems([ana, ben], repeats, rules) == ("Ben asked not to be paired with Ana",)
