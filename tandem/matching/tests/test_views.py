import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.matching import runs, services
from tandem.matching.models import MatchRun, ProposalMember
from tandem.matching.tests.helpers import four_members, member, names_in, run_with_proposals
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def people(program):
    return four_members(program)


@pytest.fixture
def run(program, coordinator, people):
    return services.match_run_start(program=program, created_by=coordinator)


def review_url(run):
    return reverse("matching:review", args=[run.program.slug, run.pk])


def proposal_of(run, membership):
    return ProposalMember.objects.get(run=run, membership=membership).proposal


def test_coordinator_starts_a_run_and_sees_pairs_reasons_and_chart_data(
    client, program, coordinator, people
):
    client.force_login(coordinator)
    page = client.get(reverse("matching:runs", args=[program.slug]))
    assert page.status_code == 200
    assert "No runs yet" in page.text
    response = client.post(
        reverse("matching:runs", args=[program.slug]),
        {
            "format": "pairs",
            "circle_size": 4,
            "seed": 0,
            "maximise_matched": "on",
            "w_skill_swap": 0.4,
            "w_one_way_skill": 0.05,
            "w_stage_closeness": 0.15,
            "w_shared_goals": 0.15,
            "w_shared_hours": 0.15,
            "w_same_org_other_department": 0.1,
        },
    )
    run = MatchRun.objects.get(program=program)
    assert response.status_code == 302
    assert response["Location"] == review_url(run)
    review = client.get(review_url(run))
    assert "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in review.text
    assert 'id="score-chart"' in review.text
    assert "vendor/chartjs/chart.umd.min.js" in review.text
    assert "js/match_review.js" in review.text
    assert '<script id="score-distribution" type="application/json">' in review.text
    data = json.loads(review.text.split('type="application/json">')[1].split("</script>")[0])
    assert sum(data["counts"]) == 2


def test_new_run_form_with_errors_keeps_what_was_typed(client, program, coordinator, people):
    client.force_login(coordinator)
    response = client.post(
        reverse("matching:runs", args=[program.slug]),
        {
            "format": "circles",
            "circle_size": 9,
            "seed": 42,
            "w_skill_swap": 0,
            "w_one_way_skill": 0,
            "w_stage_closeness": 0,
            "w_shared_goals": 0,
            "w_shared_hours": 0,
            "w_same_org_other_department": 0,
        },
    )
    assert response.status_code == 400
    assert "Enter 5 or less." in response.text
    assert 'value="42"' in response.text
    assert '<option value="circles" selected>' in response.text
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("who", ["member", "other_coordinator", "anonymous"])
def test_only_the_programs_coordinators_reach_matching_pages(client, run, people, who):
    if who == "member":
        client.force_login(people["Ana"].user)
    elif who == "other_coordinator":
        client.force_login(CoordinatorFactory().user)
    slug = run.program.slug
    assert client.get(reverse("matching:runs", args=[slug])).status_code == 404
    assert client.get(review_url(run)).status_code == 404
    assert client.post(reverse("matching:publish", args=[slug, run.pk])).status_code == 404
    assert not Partnership.objects.exists()


def test_coordinator_of_another_program_gets_404_for_this_run_under_their_slug(client, run):
    other = CoordinatorFactory()
    client.force_login(other.user)
    url = reverse("matching:review", args=[other.program.slug, run.pk])
    assert client.get(url).status_code == 404


def test_htmx_swap_answers_the_review_section_with_new_reasons(client, run, people, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("matching:swap", args=[run.program.slug, run.pk]),
        {"a": people["Ben"].pk, "b": people["Cleo"].pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Swapped; both proposals were scored again." in response.text
    assert "Ana teaches Spanish to Ben" not in response.text
    assert sorted(map(sorted, names_in(run))) == [["Ana", "Cleo"], ["Ben", "Dan"]]


def test_refused_swap_shows_the_reason_and_changes_nothing(client, run, people, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("matching:swap", args=[run.program.slug, run.pk]),
        {"a": people["Ana"].pk, "b": people["Ben"].pk},
        **HTMX,
    )
    assert services.MSG_SWAP_SAME_PROPOSAL in response.text
    assert names_in(run) == [{"Ana", "Ben"}, {"Cleo", "Dan"}]


def test_lock_forbid_and_remove_through_the_page(client, run, people, coordinator):
    client.force_login(coordinator)
    slug = run.program.slug
    lock = client.post(
        reverse("matching:lock", args=[slug, run.pk, proposal_of(run, people["Ana"]).pk]),
        **HTMX,
    )
    assert "Locked: every later run keeps these people together." in lock.text
    assert "Must be matched: Ana &amp; Ben" in lock.text
    forbid = client.post(
        reverse("matching:forbid", args=[slug, run.pk, proposal_of(run, people["Cleo"]).pk])
    )
    assert forbid.status_code == 302
    assert names_in(run) == [{"Ana", "Ben"}]
    remove = client.post(
        reverse("matching:remove", args=[slug, run.pk, proposal_of(run, people["Ana"]).pk]),
        **HTMX,
    )
    assert "Everyone has a proposal" not in remove.text
    assert names_in(run) == []


def test_publishing_twice_answers_409_the_second_time(client, run, coordinator):
    client.force_login(coordinator)
    url = reverse("matching:publish", args=[run.program.slug, run.pk])
    assert client.post(url).status_code == 302
    second = client.post(url)
    assert second.status_code == 409
    assert services.MSG_ALREADY_PUBLISHED in second.text
    assert Partnership.objects.count() == 2


def test_rerun_creates_a_new_run_from_the_old_one(client, run, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("matching:rerun", args=[run.program.slug, run.pk]))
    new = MatchRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == review_url(new)
    assert new.parent == run


def test_status_poll_shows_progress_then_asks_htmx_to_reload(client, run, coordinator):
    client.force_login(coordinator)
    url = reverse("matching:status", args=[run.program.slug, run.pk])
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, progress=runs.PROGRESS_SOLVING
    )
    working = client.get(url, **HTMX)
    assert "Running</strong>: solving" in working.text
    assert 'hx-trigger="every 2s"' in working.text
    page = client.get(review_url(run))
    assert 'hx-trigger="every 2s"' in page.text
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.DONE, progress="")
    done = client.get(url, **HTMX)
    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"


def test_deleting_a_rule_stops_later_runs_honouring_it(client, run, people, coordinator):
    client.force_login(coordinator)
    slug = run.program.slug
    client.post(reverse("matching:forbid", args=[slug, run.pk, proposal_of(run, people["Ana"]).pk]))
    rule = run.program.match_rules.get()
    client.post(reverse("matching:rule_delete", args=[slug, rule.pk]))
    assert not run.program.match_rules.exists()
    again = services.match_run_rerun(run=run, actor=coordinator)
    assert {"Ana", "Ben"} in names_in(again)


def _review_queries(client, program, coordinator, count):
    people = [member(program, f"P{count}-{k}") for k in range(count * 2)]
    run = run_with_proposals(program, people)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(review_url(run))
    assert response.status_code == 200
    assert response.text.count('id="proposal-') == count
    return len(ctx.captured_queries)


def test_review_page_query_count_does_not_grow_with_proposals(client, coordinator, program):
    small = _review_queries(client, program, coordinator, 10)
    other = ProgramFactory()
    other_coordinator = CoordinatorFactory(program=other).user
    large = _review_queries(client, other, other_coordinator, 40)
    assert small == large


def test_runs_page_query_count_does_not_grow_with_runs(client, program, coordinator):
    people = [member(program, f"R{k}") for k in range(4)]

    def queries():
        client.force_login(coordinator)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("matching:runs", args=[program.slug])).status_code == 200
        return len(ctx.captured_queries)

    run_with_proposals(program, people)
    one = queries()
    for _ in range(5):
        run_with_proposals(program, people[:0])
    assert queries() == one


def test_member_of_program_without_profile_is_not_in_runs(client, program, coordinator, people):
    MembershipFactory(program=program)
    run = services.match_run_start(program=program, created_by=coordinator)
    assert run.stats["members"] == 4


def test_review_states_the_proven_bound_of_a_run_too_large_to_solve_exactly(
    client, run, coordinator
):
    client.force_login(coordinator)
    assert "certified-gap" not in client.get(review_url(run)).text  # small runs are exact
    assert run.stats["exact"] is True
    run.stats = {**run.stats, "exact": False, "certified_gap": 3.6e-6}
    run.save(update_fields=["stats"])
    page = client.get(review_url(run)).text
    assert "within a proven 0.0004% of the best possible" in page


def test_review_names_who_the_run_left_out_and_why(client, program, coordinator, people):
    paused = member(program, "Pia")
    paused.status = Membership.Status.PAUSED
    paused.save()
    run = services.match_run_start(program=program, created_by=coordinator)
    client.force_login(coordinator)
    page = client.get(review_url(run)).text
    assert "Left out of this run" in page
    assert "<strong>Pia</strong>: paused" in page
    assert '<a href="#left-out"><strong>1</strong> left out</a>' in page


def test_an_out_of_date_run_offers_a_new_run_instead_of_publish(
    client, program, coordinator, people
):
    older = services.match_run_start(program=program, created_by=coordinator)
    newer = services.match_run_start(program=program, created_by=coordinator)
    client.force_login(coordinator)
    assert 'id="publish"' in client.get(review_url(older)).text
    services.match_run_publish(run_id=newer.pk, actor=coordinator)

    page = client.get(review_url(older)).text
    assert 'id="publish"' not in page
    assert "This run can no longer be published." in page
    assert services.MSG_NEWER_RUN_PUBLISHED.format(run=newer.pk) in page
    assert 'id="start-new-run"' in page

    # A publish posted from a page opened before still answers 409, with the reason.
    refused = client.post(reverse("matching:publish", args=[program.slug, older.pk]))
    assert refused.status_code == 409
    assert services.MSG_NEWER_RUN_PUBLISHED.format(run=newer.pk) in refused.text
    assert Partnership.objects.count() == 2


def test_run_again_button_says_it_keeps_the_swaps(client, run, people, coordinator):
    client.force_login(coordinator)
    assert "Run again keeping the locks</button>" in client.get(review_url(run)).text
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    page = client.get(review_url(run)).text
    assert "Run again keeping the locks and swaps</button>" in page
    assert (
        "The 2 swapped proposals are kept: running again locks their people together first." in page
    )


def test_review_warns_on_proposals_where_nobody_learns_a_skill(client, run, people, coordinator):
    client.force_login(coordinator)
    warning = "Nobody here learns a skill they asked for."
    assert warning not in client.get(review_url(run)).text
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    assert client.get(review_url(run)).text.count(warning) == 2


def test_review_page_marks_pairs_where_both_gain_and_gives_their_share(
    client, program, coordinator, people
):
    client.force_login(coordinator)
    run = services.match_run_start(program=program, created_by=coordinator)
    assert run.both_gain == "skill_swap"  # the program's default
    page = client.get(review_url(run))
    assert page.text.count(">Both gain</span>") == 2
    assert "<strong>2</strong> of 2 pairs both gain (100%)" in page.text
    assert "this run put such pairs first" in page.text
    services.proposal_swap(run=run, a=people["Ben"].pk, b=people["Cleo"].pk, actor=coordinator)
    page = client.get(review_url(run))
    assert ">Both gain</span>" not in page.text
    assert "<strong>0</strong> of 2 pairs both gain (0%)" in page.text


def test_run_form_offers_the_programs_both_gain_and_keeps_a_change(
    client, program, coordinator, people
):
    client.force_login(coordinator)
    page = client.get(reverse("matching:runs", args=[program.slug]))
    assert "Pairs where both gain come first" in page.text
    assert '<option value="skill_swap" selected>' in page.text
    data = {
        "format": "pairs",
        "circle_size": 4,
        "seed": 0,
        "both_gain": "shared_goals",
        **{f"w_{name}": value for name, value in runs.weights_checked(None).items()},
    }
    client.post(reverse("matching:runs", args=[program.slug]), data)
    run = MatchRun.objects.get(program=program)
    assert run.both_gain == "shared_goals"
    assert runs.engine_config(run).both_gain == "shared_goals"
    page = client.get(review_url(run))
    assert "<strong>1</strong> of 2 pairs both gain (50%): they share a goal" in page.text


def test_review_shows_proposals_a_page_at_a_time_and_edits_keep_the_page(
    client, program, coordinator, monkeypatch
):
    from tandem.matching import views

    monkeypatch.setattr(views, "REVIEW_PAGE_SIZE", 2)
    people = [member(program, f"Page{k}") for k in range(10)]
    run = run_with_proposals(program, people)
    client.force_login(coordinator)

    first = client.get(review_url(run)).text
    assert first.count('id="proposal-') == 2
    assert "<strong>5</strong> proposals" in first  # the summary counts the whole run
    assert "Proposals 1 to 2 of 5." in first and "Page 1 of 3" in first
    assert 'href="?page=2#proposals-heading" rel="next"' in first

    second = client.get(review_url(run) + "?page=2").text
    shown = [p for p in run.proposals.order_by("position") if f'id="proposal-{p.pk}"' in second]
    assert [p.position for p in shown] == [4, 6]
    assert '<ol class="proposals" start="3">' in second

    # Locking on page 2 answers htmx with page 2, and a plain post returns to it.
    target = shown[0]
    lock = reverse("matching:lock", args=[program.slug, run.pk, target.pk]) + "?page=2"
    assert f'hx-post="{lock}"' in second
    swapped = client.post(lock, **HTMX).text
    assert f'id="proposal-{target.pk}"' in swapped and "Proposals 3 to 4 of 5." in swapped
    remove = reverse("matching:remove", args=[program.slug, run.pk, shown[1].pk]) + "?page=2"
    assert client.post(remove)["Location"] == review_url(run) + "?page=2"

    # A page past the end shows the last one.
    assert "Page 2 of 2" in client.get(review_url(run) + "?page=9").text
