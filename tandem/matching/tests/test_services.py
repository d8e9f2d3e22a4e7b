import datetime as dt

import pytest
from django.core.management import call_command

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.matching import runs, selectors, services
from tandem.matching.models import WEIGHT_NAMES, MatchRule, MatchRun, ProposalMember
from tandem.matching.tests.factories import MatchRuleFactory
from tandem.matching.tests.helpers import four_members, member, names_in
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Membership, Tag
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(kickoff_on=dt.date(2027, 2, 3))


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def people(program):
    return four_members(program)


def start(program, coordinator, **kwargs):
    return services.match_run_start(program=program, created_by=coordinator, **kwargs)


def proposal_of(run, membership):
    return ProposalMember.objects.get(run=run, membership=membership).proposal


def test_small_run_pairs_ready_members_inline_with_reasons(program, coordinator, people):
    run = start(program, coordinator)
    assert run.status == MatchRun.Status.DONE
    assert not run.in_worker
    assert run.reference_date == dt.date(2027, 2, 3)
    assert names_in(run) == [{"Ana", "Ben"}, {"Cleo", "Dan"}]
    best = run.proposals.first()
    assert best.reasons[0] == "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana"
    assert run.stats["matched"] == 4


def test_run_leaves_out_incomplete_intakes_coordinators_and_other_programs(
    program, coordinator, people
):
    late = member(program, "Late", offers=["Skiing"], wants=["Spanish"])
    late.profile.submitted_at = None
    late.profile.save()
    member(ProgramFactory(), "Elsewhere", offers=["Skiing"], wants=["Spanish"])
    run = start(program, coordinator)
    everyone = {n for group in names_in(run) for n in group} | {
        u.membership.profile.display_name for u in run.unmatched.all()
    }
    assert everyone == {"Ana", "Ben", "Cleo", "Dan"}


def test_later_round_leaves_existing_partnerships_alone(program, coordinator, people):
    partnership = partnership_create_from_match(
        program=program, memberships=[people["Ana"], people["Ben"]]
    )
    newcomer = member(program, "Eve", offers=["Skiing"], wants=["Chess"])
    run = start(program, coordinator)
    placed = {n for group in names_in(run) for n in group} | {
        u.membership.profile.display_name for u in run.unmatched.all()
    }
    assert placed == {"Cleo", "Dan", "Eve"}
    assert ProposalMember.objects.filter(run=run, membership=newcomer).exists() or (
        run.unmatched.filter(membership=newcomer).exists()
    )
    assert set(partnership.seats.filter(active=True).values_list("membership", flat=True)) == {
        people["Ana"].pk,
        people["Ben"].pk,
    }


def test_history_keeps_earlier_partners_apart_unless_repeats_allowed(program, coordinator, people):
    earlier = partnership_create_from_match(
        program=program, memberships=[people["Ana"], people["Ben"]]
    )
    earlier.seats.update(active=False)
    run = start(program, coordinator)
    assert {"Ana", "Ben"} not in names_in(run)
    again = start(program, coordinator, allow_repeats=True)
    assert {"Ana", "Ben"} in names_in(again)


def test_exclusions_by_member_and_by_email_keep_a_pair_apart(program, coordinator, people):
    people["Ana"].profile.excluded.add(people["Ben"])
    run = start(program, coordinator)
    assert {"Ana", "Ben"} not in names_in(run)

    people["Ana"].profile.excluded.clear()
    people["Ben"].profile.excluded_emails = ["  ANA@example.org "]
    people["Ben"].profile.save()
    run = start(program, coordinator)
    assert {"Ana", "Ben"} not in names_in(run)


def test_merged_tags_count_as_the_tag_they_were_merged_into(program, coordinator):
    member(program, "Ana", offers=["Spanish"], wants=["Skiing"])
    ben = member(program, "Ben", offers=["Skiing"], wants=["Español"])
    spanish = Tag.objects.get(program=program, key="spanish")
    Tag.objects.filter(program=program, key="español").update(merged_into=spanish)
    run = start(program, coordinator)
    assert run.proposals.get().reasons[0] == (
        "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana"
    )
    assert ben.profile.wants.get().name == "Español"


def test_too_few_members_is_refused_with_a_clear_message(program, coordinator):
    member(program, "Alone")
    with pytest.raises(ValidationFailed) as exc:
        start(program, coordinator)
    assert exc.value.message == services.MSG_TOO_FEW_MEMBERS


def test_all_zero_weights_are_refused(program, coordinator, people):
    zero = dict.fromkeys(WEIGHT_NAMES, 0.0)
    with pytest.raises(ValidationFailed) as exc:
        start(program, coordinator, weights=zero)
    assert exc.value.message == runs.MSG_BAD_WEIGHTS


# -- edits ------------------------------------------------------------------------------


def test_swap_rescores_both_proposals_and_regenerates_reasons(program, coordinator, people):
    run = start(program, coordinator)
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    assert sorted(map(sorted, names_in(run))) == [["Ana", "Cleo"], ["Ben", "Dan"]]
    ana_cleo = proposal_of(run, people["Ana"])
    assert ana_cleo.edited
    assert not any("teaches" in r for r in ana_cleo.reasons)
    assert "both mid-career" in ana_cleo.reasons
    expected, _ = services.group_score(run=run, memberships=[people["Ana"], people["Cleo"]])
    assert ana_cleo.score == pytest.approx(expected)
    assert ana_cleo.score < 0.6


def test_swap_that_would_pair_a_forbidden_pair_is_refused(program, coordinator, people):
    MatchRuleFactory(
        program=program,
        kind=MatchRule.Kind.FORBID,
        membership_a=people["Ana"],
        membership_b=people["Cleo"],
    )
    run = start(program, coordinator)
    with pytest.raises(ValidationFailed) as exc:
        services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    assert exc.value.message == services.MSG_SWAP_BLOCKED.format(a="Ana", b="Cleo")
    assert names_in(run) == [{"Ana", "Ben"}, {"Cleo", "Dan"}]


def test_swap_within_one_proposal_is_refused(program, coordinator, people):
    run = start(program, coordinator)
    with pytest.raises(ValidationFailed) as exc:
        services.proposal_swap(run=run, a=people["Ana"].pk, b=people["Ben"].pk, actor=coordinator)
    assert exc.value.message == services.MSG_SWAP_SAME_PROPOSAL


def test_lock_is_honoured_when_run_again(program, coordinator, people):
    run = start(program, coordinator)
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    services.proposal_lock(
        run=run, proposal_id=proposal_of(run, people["Ana"]).pk, actor=coordinator
    )
    assert MatchRule.objects.filter(program=program, kind=MatchRule.Kind.LOCK).count() == 1
    again = services.match_run_rerun(run=run, actor=coordinator)
    assert again.parent == run
    assert {"Ana", "Cleo"} in names_in(again)
    assert proposal_of(again, people["Ana"]).locked
    assert "locked by the coordinator" in proposal_of(again, people["Ana"]).reasons


def test_forbid_removes_the_proposal_and_later_runs_honour_it(program, coordinator, people):
    run = start(program, coordinator)
    services.proposal_forbid(
        run=run, proposal_id=proposal_of(run, people["Ana"]).pk, actor=coordinator
    )
    assert names_in(run) == [{"Cleo", "Dan"}]
    assert sorted(run.unmatched.values_list("reason", flat=True)) == [
        services.REASON_FORBIDDEN,
        services.REASON_FORBIDDEN,
    ]
    again = services.match_run_rerun(run=run, actor=coordinator)
    assert {"Ana", "Ben"} not in names_in(again)


def test_remove_puts_the_people_back_among_the_unmatched(program, coordinator, people):
    run = start(program, coordinator)
    services.proposal_remove(
        run=run, proposal_id=proposal_of(run, people["Cleo"]).pk, actor=coordinator
    )
    assert names_in(run) == [{"Ana", "Ben"}]
    assert set(run.unmatched.values_list("membership", flat=True)) == {
        people["Cleo"].pk,
        people["Dan"].pk,
    }


def test_a_lock_that_history_forbids_fails_the_run_naming_the_people(program, coordinator, people):
    earlier = partnership_create_from_match(
        program=program, memberships=[people["Ana"], people["Ben"]]
    )
    earlier.seats.update(active=False)
    MatchRuleFactory(
        program=program,
        kind=MatchRule.Kind.LOCK,
        membership_a=people["Ana"],
        membership_b=people["Ben"],
    )
    run = start(program, coordinator)
    assert run.status == MatchRun.Status.FAILED
    assert run.error.startswith("Ana and Ben are locked together but a rule keeps them apart")
    assert not run.proposals.exists()


def test_a_published_run_can_no_longer_be_edited(program, coordinator, people):
    run = start(program, coordinator)
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    with pytest.raises(Conflict) as exc:
        services.proposal_remove(
            run=run, proposal_id=proposal_of(run, people["Ana"]).pk, actor=coordinator
        )
    assert exc.value.message == services.MSG_RUN_NOT_EDITABLE


# -- publishing -------------------------------------------------------------------------


def test_publish_creates_partnerships_marks_members_matched_and_audits(
    program, coordinator, people
):
    run = start(program, coordinator)
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED
    assert Partnership.objects.filter(program=program).count() == 2
    for proposal in run.proposals.all():
        seats = set(proposal.partnership.seats.values_list("membership", flat=True))
        assert seats == set(proposal.seats.values_list("membership", flat=True))
    assert set(
        Membership.objects.filter(pk__in=[m.pk for m in people.values()]).values_list(
            "status", flat=True
        )
    ) == {Membership.Status.MATCHED}
    event = AuditEvent.objects.get(action=AuditEvent.Action.MATCH_PUBLISHED)
    assert event.after == {"run": run.pk, "partnerships": 2, "people": 4, "unmatched": 0}
    assert event.actor == coordinator


def test_publishing_twice_creates_nothing_the_second_time(program, coordinator, people):
    run = start(program, coordinator)
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    with pytest.raises(Conflict) as exc:
        services.match_run_publish(run_id=run.pk, actor=coordinator)
    assert exc.value.status_code == 409
    assert exc.value.message == services.MSG_ALREADY_PUBLISHED
    assert Partnership.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MATCH_PUBLISHED).count() == 1


def test_publish_is_one_transaction(program, coordinator, people, monkeypatch):
    run = start(program, coordinator)
    calls = []

    def fail_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return partnership_create_from_match(**kwargs)

    monkeypatch.setattr(services, "partnership_create_from_match", fail_on_second)
    with pytest.raises(RuntimeError):
        services.match_run_publish(run_id=run.pk, actor=coordinator)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert Partnership.objects.count() == 0
    assert not run.proposals.filter(partnership__isnull=False).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MATCH_PUBLISHED).exists()
    assert Membership.objects.filter(status=Membership.Status.MATCHED).count() == 0


def test_publish_refuses_people_who_joined_a_partnership_since(program, coordinator, people):
    run = start(program, coordinator)
    partnership_create_from_match(program=program, memberships=[people["Ana"], people["Cleo"]])
    with pytest.raises(Conflict) as exc:
        services.match_run_publish(run_id=run.pk, actor=coordinator)
    assert exc.value.message == services.MSG_ALREADY_PARTNERED.format(names="Ana, Cleo")
    assert PartnershipMember.objects.count() == 2


# The worker closes database connections between tasks, so these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_introductions_go_once_each_through_the_worker(
    program, coordinator, people, mailoutbox, settings
):
    people["Ana"].profile.pronouns = "she/her"
    people["Ana"].profile.goals_text = "Give a talk in Spanish."
    people["Ana"].profile.save()
    run = start(program, coordinator)
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
        "dan@example.org",
    ]
    to_ben = next(m for m in mailoutbox if m.to == ["ben@example.org"])
    assert to_ben.subject == f"[Tandem] Meet your partner in {program.name}"
    assert "Ana (she/her)" in to_ben.body
    assert "Goals: Give a talk in Spanish." in to_ben.body
    assert "Can teach you: Spanish" in to_ben.body
    assert "Wants to learn from you: Skiing" in to_ben.body
    assert "- Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in to_ben.body
    partnership = proposal_of(run, people["Ben"]).partnership
    assert settings.SITE_URL + partnership.get_absolute_url() in to_ben.body

    # The task again (a retry, a second worker): nobody gets a second email.
    from tandem.matching.tasks import match_introductions_task

    match_introductions_task.enqueue(run.pk)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mailoutbox) == 4
    assert not ProposalMember.objects.filter(run=run, introduced_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_large_run_goes_to_the_worker_and_finishes_there(program, coordinator, people, settings):
    settings.TANDEM_MATCH_INLINE_LIMIT = 3
    run = start(program, coordinator)
    assert run.in_worker
    assert run.status == MatchRun.Status.QUEUED
    assert run.progress == services.PROGRESS_QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert names_in(run) == [{"Ana", "Ben"}, {"Cleo", "Dan"}]


def test_a_run_is_executed_once(program, coordinator, people):
    run = start(program, coordinator)
    again = runs.match_run_execute(run_id=run.pk)
    assert again.proposals.count() == 2


def test_profile_without_languages_uses_the_engine_default(program, coordinator):
    ProfileFactory(membership__program=program, display_name="X", languages=[])
    ProfileFactory(membership__program=program, display_name="Y")
    from tandem.matching import selectors

    pool = list(selectors.match_pool(program=program))
    members = selectors.engine_members(program=program, memberships=pool)
    assert [m.languages for m in members] == [("English",), ("English",)]


# -- who a run leaves out -----------------------------------------------------------------


def test_a_run_records_who_it_left_out_and_why(program, coordinator, people):
    paused = member(program, "Pia")
    paused.status = Membership.Status.PAUSED
    paused.save()
    invited = member(program, "Ivo")
    invited.status = Membership.Status.INVITED
    invited.save()
    MembershipFactory(program=program, user=UserFactory(name="Nora", email="nora@example.org"))
    draft = member(program, "Dora")
    draft.profile.submitted_at = None
    draft.profile.save()
    shy = member(program, "Sam")
    shy.profile.consent_at = None
    shy.profile.save()
    ended = member(program, "Mo")
    ended.status = Membership.Status.MATCHED
    ended.save()
    busy = [member(program, "Kai"), member(program, "Lou")]
    partnership_create_from_match(program=program, memberships=busy)
    gone = member(program, "Gil")
    gone.status = Membership.Status.LEFT
    gone.save()

    run = start(program, coordinator)

    left_out = [
        (selectors.membership_name(x.membership), x.get_reason_display())
        for x in selectors.run_left_out(run=run)
    ]
    assert left_out == [
        ("Pia", "paused"),
        ("Ivo", "has not accepted the invitation yet"),
        ("Nora", "has not started the intake"),
        ("Dora", "intake not submitted"),
        ("Sam", "consent to matching missing"),
        ("Mo", "not marked ready for matching"),
        ("Kai", "already in a partnership"),
        ("Lou", "already in a partnership"),
    ]
    assert run.stats["left_out"] == 8
    assert run.stats["members"] == 4


# -- running again keeps the swaps --------------------------------------------------------


def test_run_again_keeps_a_swap_as_locked_pairs(program, coordinator, people):
    run = start(program, coordinator)
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    assert selectors.run_review(run=run).swaps == 2

    again = services.match_run_rerun(run=run, actor=coordinator)

    # Without the swap the engine pairs Ana with Ben and Cleo with Dan (the first test).
    assert sorted(map(sorted, names_in(again))) == [["Ana", "Cleo"], ["Ben", "Dan"]]
    assert all(p.locked for p in again.proposals.all())
    locks = {
        frozenset((r.membership_a_id, r.membership_b_id))
        for r in MatchRule.objects.filter(program=program, kind=MatchRule.Kind.LOCK)
    }
    assert locks == {
        frozenset((people["Ana"].pk, people["Cleo"].pk)),
        frozenset((people["Ben"].pk, people["Dan"].pk)),
    }
    events = AuditEvent.objects.filter(action=AuditEvent.Action.MATCH_LOCKED)
    assert sorted(e.after["memberships"] for e in events) == sorted(
        [
            sorted([people["Ana"].pk, people["Cleo"].pk]),
            sorted([people["Ben"].pk, people["Dan"].pk]),
        ]
    )
    assert all(e.after["swap_kept"] is True and e.after["run"] == run.pk for e in events)


def test_run_again_drops_a_swap_that_a_rule_now_keeps_apart(program, coordinator, people):
    run = start(program, coordinator)
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    MatchRuleFactory(
        program=program,
        kind=MatchRule.Kind.FORBID,
        membership_a=min(people["Ana"], people["Cleo"], key=lambda m: m.pk),
        membership_b=max(people["Ana"], people["Cleo"], key=lambda m: m.pk),
    )

    again = services.match_run_rerun(run=run, actor=coordinator)

    assert again.status == MatchRun.Status.DONE
    assert {"Ana", "Cleo"} not in names_in(again)
    assert {"Ben", "Dan"} in names_in(again)
    assert proposal_of(again, people["Ben"]).locked


def test_run_again_drops_a_swapped_trio_of_a_pairs_run_and_the_review_says_so(
    program, coordinator, people
):
    member(program, "Eve", offers=["Spanish"], wants=["Skiing"])
    run = start(program, coordinator, allow_trios=True)
    trio = next(p for p in run.proposals.all() if p.seats.count() == 3)
    pair = next(p for p in run.proposals.all() if p.seats.count() == 2)
    a = trio.seats.order_by("position").first().membership_id
    b = pair.seats.order_by("position").first().membership_id
    services.proposal_swap(run=run, a=a, b=b, actor=coordinator)
    review = selectors.run_review(run=run)
    assert (review.swaps, review.swaps_dropped) == (2, 1)

    services.match_run_rerun(run=run, actor=coordinator)

    lock = MatchRule.objects.get(program=program, kind=MatchRule.Kind.LOCK)
    assert {lock.membership_a_id, lock.membership_b_id} == set(
        pair.seats.values_list("membership_id", flat=True)
    )


# -- a run that can no longer be published ------------------------------------------------


def test_a_run_started_before_another_was_published_cannot_be_published(
    program, coordinator, people
):
    older = start(program, coordinator)
    newer = start(program, coordinator)
    services.match_run_publish(run_id=newer.pk, actor=coordinator)
    with pytest.raises(Conflict) as exc:
        services.match_run_publish(run_id=older.pk, actor=coordinator)
    assert exc.value.message == services.MSG_NEWER_RUN_PUBLISHED.format(run=newer.pk)
    assert Partnership.objects.count() == 2
    assert selectors.run_review(run=older).blocker == exc.value.message


def test_publish_refuses_someone_who_paused_since_the_run(program, coordinator, people):
    run = start(program, coordinator)
    assert selectors.run_review(run=run).blocker == ""
    Membership.objects.filter(pk=people["Cleo"].pk).update(status=Membership.Status.PAUSED)
    with pytest.raises(Conflict) as exc:
        services.match_run_publish(run_id=run.pk, actor=coordinator)
    assert exc.value.message == services.MSG_NO_LONGER_READY.format(names="Cleo")
    assert not Partnership.objects.exists()
    # Removing their proposal makes the rest publishable again.
    services.proposal_remove(
        run=run, proposal_id=proposal_of(run, people["Cleo"]).pk, actor=coordinator
    )
    assert selectors.run_review(run=run).blocker == ""
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    assert Partnership.objects.count() == 1


# -- a proposal where nobody learns -------------------------------------------------------


def test_a_proposal_where_nobody_gains_a_skill_they_asked_for_is_flagged(
    program, coordinator, people
):
    run = start(program, coordinator)
    assert selectors.run_review(run=run).no_skill_gain == set()
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    # Ana (wants Skiing) and Cleo (offers Chess), Ben (wants Spanish) and Dan (offers Piano).
    assert selectors.run_review(run=run).no_skill_gain == {
        proposal_of(run, people["Ana"]).pk,
        proposal_of(run, people["Ben"]).pk,
    }


def test_one_way_teaching_is_a_gain(program, coordinator):
    member(program, "Ana", offers=["Spanish"])
    member(program, "Ben", wants=["Spanish"])
    run = start(program, coordinator)
    assert run.proposals.count() == 1
    assert selectors.run_review(run=run).no_skill_gain == set()


# -- the coordinator's edits are audited --------------------------------------------------


def test_lock_forbid_swap_remove_and_rule_removal_are_audited(program, coordinator, people):
    run = start(program, coordinator)
    ana, ben, cleo, dan = (people[n].pk for n in ("Ana", "Ben", "Cleo", "Dan"))
    services.proposal_swap(run=run, a=ben, b=cleo, actor=coordinator)
    services.proposal_lock(
        run=run, proposal_id=proposal_of(run, people["Ana"]).pk, actor=coordinator
    )
    services.proposal_forbid(
        run=run, proposal_id=proposal_of(run, people["Ben"]).pk, actor=coordinator
    )
    rule = MatchRule.objects.get(kind=MatchRule.Kind.LOCK)
    services.match_rule_delete(program=program, rule_id=rule.pk, actor=coordinator)

    rows = [
        (e.action, e.actor_id, e.program_id, e.subject_label, e.before, e.after)
        for e in AuditEvent.objects.order_by("id")
    ]
    label = str(run)
    assert rows == [
        (
            "match_swapped",
            coordinator.pk,
            program.pk,
            label,
            {},
            {"run": run.pk, "memberships": [ben, cleo]},
        ),
        (
            "match_locked",
            coordinator.pk,
            program.pk,
            label,
            {},
            {"run": run.pk, "memberships": [ana, cleo]},
        ),
        (
            "match_forbidden",
            coordinator.pk,
            program.pk,
            label,
            {},
            {"run": run.pk, "memberships": sorted([ben, dan])},
        ),
        (
            "match_rule_removed",
            coordinator.pk,
            program.pk,
            f"Match rule #{rule.pk} in {program}",
            {"kind": "lock", "memberships": [min(ana, cleo), max(ana, cleo)]},
            {},
        ),
    ]
    again = start(program, coordinator)
    services.proposal_remove(run=again, proposal_id=again.proposals.first().pk, actor=coordinator)
    removed = AuditEvent.objects.get(action=AuditEvent.Action.MATCH_REMOVED)
    assert removed.after["run"] == again.pk
    assert len(removed.after["memberships"]) == 2


# -- "locked by the coordinator" is for the coordinator -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_member_never_reads_locked_by_the_coordinator(
    client, program, coordinator, people, mailoutbox
):
    locked_reason = "locked by the coordinator"
    run = start(program, coordinator)
    services.proposal_lock(
        run=run, proposal_id=proposal_of(run, people["Ana"]).pk, actor=coordinator
    )
    again = services.match_run_rerun(run=run, actor=coordinator)
    assert locked_reason in proposal_of(again, people["Ana"]).reasons
    client.force_login(coordinator)
    assert locked_reason in client.get(again.get_absolute_url()).text

    services.match_run_publish(run_id=again.pk, actor=coordinator)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    to_ana = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    assert "- Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in to_ana.body
    assert locked_reason not in to_ana.body.casefold()

    partnership = proposal_of(again, people["Ana"]).partnership
    client.force_login(people["Ana"].user)
    page = client.get(partnership.get_absolute_url())
    assert "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in page.text
    for response in (
        page,
        client.get("/partnerships/"),
        client.get("/api/v1/partnerships/"),
        client.get(f"/api/v1/dashboard/{program.slug}/me"),
    ):
        assert response.status_code == 200, response
        assert locked_reason not in response.text.casefold()
    assert client.get(f"/api/v1/matching/runs/{again.pk}").status_code == 404
