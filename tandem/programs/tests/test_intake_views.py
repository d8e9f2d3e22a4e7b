import re
from datetime import date

import pytest
from django.urls import reverse

from tandem.interchange.members_csv import MSG_BAD_TIME_ZONE
from tandem.programs.forms.intake import cell_value
from tandem.programs.models import Membership, Profile, Program, Tag
from tandem.programs.services import intake as svc
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory(
        status=Membership.Status.INTAKE, user__email="ana@example.org", user__name="Ana Ruiz"
    )
    client.force_login(membership.user)
    return membership


def url(membership, name="programs:intake"):
    return reverse(name, args=[membership.program.slug])


def form_data(**overrides):
    data = {
        "display_name": "Ana",
        "pronouns": "she/her",
        "goals_text": "Learn to ski",
        "themes": "Confidence; career change",
        "offers": "  Public   speaking, Spanish",
        "wants": "skiing",
        "stage": "mid",
        "organisation": "Acme",
        "department": "Sales",
        "time_zone": "Europe/Madrid",
        "availability": [
            cell_value(0, 18 * 60),
            cell_value(0, 18 * 60 + 30),
            cell_value(2, 7 * 60),
        ],
        "availability_other": "Sat 23:00-24:00",
        "channel": "video",
        "city": "",
        "languages": "English; Spanish",
        "excluded_emails": "Bo@example.org\nstranger@elsewhere.test",
        "consent": "on",
    }
    data.update(overrides)
    return data


def checked_cells(html: str) -> set[str]:
    return set(re.findall(r'name="availability" value="([0-9-]+)"[^>]*checked', html))


def test_member_sees_the_intake_with_their_name_and_the_confidentiality_rules(client, member):
    response = client.get(url(member))
    assert response.status_code == 200
    assert 'value="Ana Ruiz"' in response.text
    assert member.program.confidentiality_rules in response.text
    assert response.text.count('name="availability"') == 7 * 34
    assert 'nonce="' in response.text and "js/intake.js" in response.text


def test_submitting_saves_and_leads_to_what_happens_next(client, member):
    response = client.post(url(member), form_data())
    assert response.status_code == 302
    assert response.url == url(member, "programs:next_steps")
    profile = Profile.objects.get(membership=member)
    assert profile.availability == [[0, 1080, 1140], [2, 420, 450], [5, 1380, 1440]]
    assert sorted(t.name for t in profile.offers.all()) == ["Public speaking", "Spanish"]
    assert profile.excluded_emails == ["bo@example.org", "stranger@elsewhere.test"]
    assert profile.languages == ["English", "Spanish"]
    member.refresh_from_db()
    assert member.status == Membership.Status.READY


def test_grid_ticks_become_half_hours_and_other_times_are_kept_on_edit(client, member):
    ProfileFactory(membership=member, availability=[[0, 5 * 60, 7 * 60 + 15], [6, 22 * 60, 1440]])
    response = client.get(url(member))
    # 06:00-07:00 shows on the grid; 05:00-06:00 and 07:00-07:15 cannot, so they are written out.
    assert checked_cells(response.text) == {
        cell_value(0, 360),
        cell_value(0, 390),
        cell_value(6, 1320),
        cell_value(6, 1350),
    }
    assert "Mon 05:00-06:00; Mon 07:00-07:15; Sun 23:00-24:00" in response.text
    data = form_data(
        availability=sorted(checked_cells(response.text)),
        availability_other="Mon 05:00-06:00; Mon 07:00-07:15; Sun 23:00-24:00",
    )
    assert client.post(url(member), data).status_code == 302
    assert Profile.objects.get().availability == [[0, 300, 435], [6, 1320, 1440]]


def test_form_error_keeps_the_grid_tags_and_text_and_says_what_to_fix(client, member):
    data = form_data(time_zone="Mars/Base", themes="a; b; c; d; e; f")
    response = client.post(url(member), data)
    assert response.status_code == 200
    assert MSG_BAD_TIME_ZONE.format(value="Mars/Base") in response.text.replace("&#x27;", "'")
    assert (
        "You chose 6 goal themes; keep the 5 that matter most and remove the rest." in response.text
    )
    assert checked_cells(response.text) == set(data["availability"])
    assert 'value="a; b; c; d; e; f"' in response.text
    assert 'value="  Public   speaking, Spanish"' in response.text
    assert "Bo@example.org\nstranger@elsewhere.test" in response.text
    assert 'value="Sat 23:00-24:00"' in response.text
    assert not Profile.objects.exists()


def test_unreadable_other_times_is_an_error_that_keeps_the_grid(client, member):
    data = form_data(availability_other="Funday 10-11")
    response = client.post(url(member), data)
    assert response.status_code == 200
    assert "unknown day “Funday”; use Mon, Tue" in response.text
    assert checked_cells(response.text) == set(data["availability"])


def test_in_person_without_city_says_so_next_to_the_city(client, member):
    response = client.post(url(member), form_data(channel="in person", city=""))
    assert response.status_code == 200
    html = response.text
    assert svc.MSG_CITY_REQUIRED in html.replace("&#x27;", "'")
    assert html.index(svc.MSG_CITY_REQUIRED.split(":")[0]) > html.index('name="channel"')


def test_missing_consent_is_an_error(client, member):
    data = form_data()
    del data["consent"]
    response = client.post(url(member), data)
    assert svc.MSG_CONSENT_REQUIRED in response.text.replace("&#x27;", "'")


def test_intake_is_read_only_once_matched(client, member):
    ProfileFactory(membership=member, display_name="Ana R", offers=["Spanish"])
    Membership.objects.filter(pk=member.pk).update(status=Membership.Status.MATCHED)
    response = client.get(url(member))
    assert "You have been matched, so your intake can no longer be changed." in response.text
    assert '<form method="post" class="intake"' not in response.text
    assert "Spanish" in response.text
    posted = client.post(url(member), form_data(display_name="Changed"))
    assert posted.status_code == 409
    assert Profile.objects.get().display_name == "Ana R"


def test_intake_is_read_only_while_the_program_runs(client, member):
    Program.objects.filter(pk=member.program_id).update(status=Program.Status.RUNNING)
    response = client.get(url(member))
    assert "The program is running, so intakes can no longer be changed." in response.text


def test_member_of_another_program_gets_404(client, member):
    other = ProgramFactory()
    MembershipFactory(program=other)
    assert client.get(reverse("programs:intake", args=[other.slug])).status_code == 404
    assert (
        client.post(reverse("programs:intake", args=[other.slug]), form_data()).status_code == 404
    )
    assert client.get(reverse("programs:next_steps", args=[other.slug])).status_code == 404
    assert client.get(reverse("programs:intake", args=["no-such-program"])).status_code == 404


def test_coordinator_has_no_intake_page(client):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator.user)
    assert client.get(url(coordinator)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client):
    membership = MembershipFactory()
    response = client.get(url(membership))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_next_steps_tells_dates_and_summary_with_edit_link(client, member):
    Program.objects.filter(pk=member.program_id).update(kickoff_on=date(2027, 2, 3))
    client.post(url(member), form_data())
    response = client.get(url(member, "programs:next_steps"))
    html = response.text
    assert "before the kick-off on <strong>Wednesday 3 February 2027</strong>" in html
    assert "ana@example.org" in html
    assert "Mon 18:00-19:00" in html and "Sat 23:00-24:00" in html
    assert "Public speaking" in html
    assert f'href="{url(member)}"' in html


def test_next_steps_before_the_intake_sends_you_to_it(client, member):
    response = client.get(url(member, "programs:next_steps"))
    assert response.status_code == 302
    assert response.url == url(member)


def test_suggestions_list_kept_tags_that_match_what_is_typed(client, member):
    program = member.program
    kept = TagFactory(program=program, name="Public speaking")
    TagFactory(program=program, name="Public talking", merged_into=kept)
    TagFactory(program=program, name="Spanish")
    TagFactory(program=program, kind=Tag.Kind.THEME, name="Public life")
    TagFactory(program=ProgramFactory(), name="Public relations")
    suggest = reverse("programs:intake_suggest", args=[program.slug])
    response = client.get(suggest, {"field": "offers", "offers": "Spanish; publ"})
    assert re.findall(r'data-tag-add="([^"]+)"', response.text) == ["Public speaking"]
    everything = client.get(suggest, {"field": "offers", "offers": "spanish;"})
    assert re.findall(r'data-tag-add="([^"]+)"', everything.text) == ["Public speaking"]


def test_suggestions_are_for_members_only(client, member):
    other = ProgramFactory()
    TagFactory(program=other, name="Secret skill")
    response = client.get(
        reverse("programs:intake_suggest", args=[other.slug]), {"field": "offers", "offers": ""}
    )
    assert response.status_code == 404


def test_every_problem_is_shown_at_once_even_when_one_answer_cannot_be_read(client, member):
    data = form_data(
        display_name="A" * 81,
        availability_other="Funday 10-11",
        time_zone="Mars/Base",
        channel="",
        excluded_emails="not-an-address\nwrong@",
    )
    del data["consent"]
    response = client.post(url(member), data)
    assert response.status_code == 200
    html = response.text.replace("&#x27;", "'").replace("&quot;", '"')
    assert "unknown day “Funday”; use Mon, Tue" in html
    assert svc.MSG_TOO_LONG.format(limit=80, length=81) in html
    assert MSG_BAD_TIME_ZONE.format(value="Mars/Base") in html
    assert svc.MSG_BAD_CHANNEL in html
    assert svc.MSG_BAD_EXCLUDED_EMAIL.format(value="not-an-address") in html
    assert svc.MSG_BAD_EXCLUDED_EMAIL.format(value="wrong@") in html
    assert svc.MSG_CONSENT_REQUIRED in html
    assert "Ensure this value" not in html
    assert not Profile.objects.exists()


def test_time_zone_list_offers_only_real_zones_and_leaves_the_choice_to_the_browser(client, member):
    html = client.get(url(member)).text
    zones = re.findall(r'<option value="([^"]+)">', html.split('<datalist id="time-zones">')[1])
    assert "Europe/Madrid" in zones and "UTC" in zones
    for odd in ("Factory", "localtime", "posixrules", "EST5EDT", "US/Eastern"):
        assert odd not in zones
    assert zones == sorted(zones)
    field = re.search(r'<input[^>]*name="time_zone"[^>]*>', html)
    assert field and "data-browser-zone" in field.group(0) and "value=" not in field.group(0)


@pytest.mark.parametrize("odd", ["Factory", "localtime"])
def test_an_odd_zone_name_is_refused(client, member, odd):
    response = client.post(url(member), form_data(time_zone=odd))
    assert response.status_code == 200
    assert MSG_BAD_TIME_ZONE.format(value=odd) in response.text.replace("&#x27;", "'")


def test_a_spanish_speaking_member_reads_the_intake_its_errors_and_next_steps_in_spanish(
    client, member
):
    member.user.language = "es"
    member.user.save(update_fields=["language"])
    Program.objects.filter(pk=member.program_id).update(kickoff_on=date(2027, 2, 3))

    page = client.get(url(member)).text
    assert "Cuéntanos tus objetivos" in page and "Guardar mi cuestionario" in page
    assert ">lun<" in page and ">dom<" in page  # the grid's days, Monday first
    assert 'aria-label="lunes 18:00-18:30"' in page

    refused = client.post(url(member), form_data(display_name="", time_zone="Mars/Olympus")).text
    assert "Dinos el nombre con el que debe llamarte tu compañero o compañera." in refused
    assert "Zona horaria desconocida &#x27;Mars/Olympus&#x27;" in refused
    assert "Tell us the name" not in refused

    client.post(url(member), form_data())
    steps = client.get(url(member, "programs:next_steps")).text
    assert "antes del inicio, el <strong>miércoles 3 de febrero de 2027</strong>" in steps
    assert "lun 18:00-19:00" in steps
    assert "Videollamada" in steps


def test_other_free_times_take_the_members_day_names_and_come_back_in_them(client, member):
    member.user.language = "es"
    member.user.save(update_fields=["language"])
    # Typed the Spanish way, accents optional; English days are still understood.
    data = form_data(
        availability=[], availability_other="mié 18:00-19:00; SAB 23:00-24:00; Sun 05:00-06:00"
    )
    assert client.post(url(member), data).status_code == 302
    assert Profile.objects.get().availability == [[2, 1080, 1140], [5, 1380, 1440], [6, 300, 360]]
    page = client.get(url(member)).text
    # 18:00-19:00 fits the grid and is ticked there; the rest is written out in Spanish.
    assert checked_cells(page) == {cell_value(2, 1080), cell_value(2, 1110)}
    assert 'value="sáb 23:00-24:00; dom 05:00-06:00"' in page
    assert "lun 05:00-06:00; sáb 23:00-24:00 (los días en inglés, como Mon, también valen)" in page


def test_other_free_times_typed_in_spanish_come_back_as_typed_when_another_answer_is_wrong(
    client, member
):
    member.user.language = "es"
    member.user.save(update_fields=["language"])
    data = form_data(display_name="", availability_other="mié 18:00-19:00")
    response = client.post(url(member), data)
    assert response.status_code == 200
    assert 'value="mié 18:00-19:00"' in response.text
    refused = client.post(url(member), form_data(availability_other="mer 18:00-19:00")).text
    assert (
        "Franja «mer 18:00-19:00»: día desconocido «mer»; usa lun, mar, mié, jue, vie, sáb, dom."
        in refused
    )


def test_other_free_times_take_french_day_names(client, member):
    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    data = form_data(availability=[], availability_other="mer 05:00-06:00; Dim 23:00-24:00")
    assert client.post(url(member), data).status_code == 302
    assert Profile.objects.get().availability == [[2, 300, 360], [6, 1380, 1440]]
    assert 'value="mer 05:00-06:00; dim 23:00-24:00"' in client.get(url(member)).text
