import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.matching import runs, services
from tandem.matching.models import WEIGHT_NAMES, MatchRun, ProposalMember
from tandem.matching.tests.helpers import four_members, member, names_in, run_with_proposals
from tandem.partnerships.models import Partnership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/matching"


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


@pytest.fixture
def api(client, coordinator):
    client.force_login(coordinator)
    return client


def proposal_of(run, membership):
    return ProposalMember.objects.get(run=run, membership=membership).proposal


def test_create_run_returns_proposals_with_reasons(api, program, people):
    response = api.post(
        f"{API}/programs/{program.slug}/runs",
        {"seed": 7, "weights": {"shared_goals": 0.5}},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done"
    assert body["seed"] == 7
    assert body["weights"]["shared_goals"] == 0.5
    assert [[m["name"] for m in p["members"]] for p in body["proposals"]] == [
        ["Ana", "Ben"],
        ["Cleo", "Dan"],
    ]
    assert body["proposals"][0]["reasons"][0] == (
        "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana"
    )
    assert body["unmatched"] == []


def test_create_run_with_bad_values_answers_400_or_422(api, program, people):
    zero = dict.fromkeys(WEIGHT_NAMES, 0)
    response = api.post(
        f"{API}/programs/{program.slug}/runs", {"weights": zero}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == runs.MSG_BAD_WEIGHTS
    too_big = api.post(
        f"{API}/programs/{program.slug}/runs", {"circle_size": 9}, content_type="application/json"
    )
    assert too_big.status_code in (400, 422)
    assert not MatchRun.objects.exists()


def test_lock_forbid_swap_remove_and_publish(api, run, people):
    lock = api.post(f"{API}/runs/{run.pk}/proposals/{proposal_of(run, people['Ana']).pk}/lock")
    assert lock.status_code == 200
    assert lock.json()["proposals"][0]["locked"] is True
    assert lock.json()["rules"][0]["kind"] == "lock"

    swap = api.post(
        f"{API}/runs/{run.pk}/swap",
        {"a": people["Ben"].pk, "b": people["Cleo"].pk},
        content_type="application/json",
    )
    assert swap.status_code == 400
    assert swap.json()["detail"] == services.MSG_SWAP_LOCKED

    forbid = api.post(
        f"{API}/runs/{run.pk}/proposals/{proposal_of(run, people['Cleo']).pk}/forbid",
        {},
        content_type="application/json",
    )
    assert forbid.status_code == 200
    assert {u["name"] for u in forbid.json()["unmatched"]} == {"Cleo", "Dan"}

    publish = api.post(f"{API}/runs/{run.pk}/publish")
    assert publish.status_code == 200
    assert publish.json()["status"] == "published"
    again = api.post(f"{API}/runs/{run.pk}/publish")
    assert again.status_code == 409
    assert again.json()["detail"] == services.MSG_ALREADY_PUBLISHED
    assert Partnership.objects.count() == 1


def test_swap_and_remove(api, run, people):
    swap = api.post(
        f"{API}/runs/{run.pk}/swap",
        {"a": people["Ben"].pk, "b": people["Cleo"].pk},
        content_type="application/json",
    )
    assert swap.status_code == 200
    assert all(p["edited"] for p in swap.json()["proposals"])
    assert sorted(map(sorted, names_in(run))) == [["Ana", "Cleo"], ["Ben", "Dan"]]
    remove = api.delete(f"{API}/runs/{run.pk}/proposals/{proposal_of(run, people['Ana']).pk}")
    assert remove.status_code == 200
    assert len(remove.json()["proposals"]) == 1


def test_rerun_answers_a_new_run(api, run):
    response = api.post(f"{API}/runs/{run.pk}/rerun")
    assert response.status_code == 201
    assert response.json()["parent"] == run.pk


@pytest.mark.parametrize("who", ["member", "other_coordinator", "anonymous"])
def test_others_get_404_or_401(client, run, people, who):
    if who == "member":
        client.force_login(people["Ana"].user)
    elif who == "other_coordinator":
        client.force_login(CoordinatorFactory().user)
    expected = 401 if who == "anonymous" else 404
    assert client.get(f"{API}/programs/{run.program.slug}/runs").status_code == expected
    assert client.get(f"{API}/runs/{run.pk}").status_code == expected
    assert client.post(f"{API}/runs/{run.pk}/publish").status_code == expected
    assert client.get(f"{API}/runs/{run.pk + 999}").status_code == expected
    assert not Partnership.objects.exists()


def _detail_queries(api, program, count):
    run = run_with_proposals(program, [member(program, f"Q{count}-{k}") for k in range(count * 2)])
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(f"{API}/runs/{run.pk}")
    assert len(response.json()["proposals"]) == count
    return len(ctx.captured_queries)


def test_run_detail_query_count_does_not_grow_with_proposals(client, program, coordinator):
    client.force_login(coordinator)
    small = _detail_queries(client, program, 10)
    other = ProgramFactory()
    client.force_login(CoordinatorFactory(program=other).user)
    assert _detail_queries(client, other, 40) == small


def test_run_list_query_count_does_not_grow_with_runs(api, program):
    people = [member(program, f"L{k}") for k in range(4)]

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"{API}/programs/{program.slug}/runs")
        return len(ctx.captured_queries), len(response.json())

    run_with_proposals(program, people)
    one, n = queries()
    assert n == 1
    for _ in range(4):
        run_with_proposals(program, people)
    assert queries() == (one, 5)


def test_run_detail_lists_left_out_publishability_and_no_skill_gain(
    api, program, coordinator, run, people
):
    nora = member(program, "Nora")
    nora.profile.consent_at = None
    nora.profile.save()
    fresh = services.match_run_start(program=program, created_by=coordinator)
    body = api.get(f"{API}/runs/{fresh.pk}").json()
    assert body["left_out"] == [
        {
            "membership": nora.pk,
            "name": "Nora",
            "reason": "consent to matching missing",
            "reason_code": "no_consent",
        }
    ]
    assert (body["publishable"], body["publish_blocked"]) == (True, "")
    assert [p["no_skill_gain"] for p in body["proposals"]] == [False, False]

    swapped = api.post(
        f"{API}/runs/{fresh.pk}/swap",
        {"a": people["Ben"].pk, "b": people["Cleo"].pk},
        content_type="application/json",
    ).json()
    assert [p["no_skill_gain"] for p in swapped["proposals"]] == [True, True]

    api.post(f"{API}/runs/{run.pk}/publish")
    stale = api.get(f"{API}/runs/{fresh.pk}").json()
    assert stale["publishable"] is False
    assert stale["publish_blocked"] == services.MSG_NEWER_RUN_PUBLISHED.format(run=run.pk)
    refused = api.post(f"{API}/runs/{fresh.pk}/publish")
    assert refused.status_code == 409
    assert refused.json()["detail"] == stale["publish_blocked"]


def test_run_takes_the_programs_both_gain_and_marks_each_pair(api, program, people):
    program.both_gain = "shared_goals"
    program.save()
    body = api.post(f"{API}/programs/{program.slug}/runs", {}, content_type="application/json")
    body = body.json()
    assert body["both_gain"] == "shared_goals"
    assert body["stats"]["mutual_pairs"] == 1  # only Ana and Ben share a goal
    assert [(p["members"][0]["name"], p["both_gain"]) for p in body["proposals"]] == [
        ("Ana", True),
        ("Cleo", False),
    ]
    swapped = api.post(
        f"{API}/programs/{program.slug}/runs",
        {"both_gain": "skill_swap"},
        content_type="application/json",
    ).json()
    assert swapped["both_gain"] == "skill_swap"
    assert [p["both_gain"] for p in swapped["proposals"]] == [True, True]
    refused = api.post(
        f"{API}/programs/{program.slug}/runs",
        {"both_gain": "kindness"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == services.MSG_BAD_BOTH_GAIN
