"""A member's worksheet answers in their data download, and gone with their account; the
partner's own versions stay."""

import pytest

from tandem.privacy import services as privacy
from tandem.programs.tests.factories import PASSWORD
from tandem.worksheets.models import AnswerRevision, Worksheet, WorksheetAnswer
from tandem.worksheets.tests.helpers import question_of, save, suggested_world

pytestmark = pytest.mark.django_db


def _world():
    partnership, (ana, ben), _c, template = suggested_world()
    mine, theirs = question_of(template), question_of(template, "list")
    save(partnership, ben, template, mine, "BEN-FIRST-DRAFT", 0)
    save(partnership, ana, template, mine, "ANA-WORDS on top", 1)
    save(partnership, ben, template, theirs, "BEN-ONLY list", 0)
    return partnership, ana, ben, mine, theirs


def test_my_download_holds_the_answers_i_wrote_and_never_my_partners_alone():
    _p, ana, _ben, _mine, _theirs = _world()
    data = privacy.account_export_data(user=ana.membership.user)["worksheets.json"]
    assert [a["value"] for a in data["worksheet answers"]] == ["ANA-WORDS on top"]
    assert [r["value"] for r in data["answer revisions"]] == ["ANA-WORDS on top"]
    assert data["worksheet answers"][0]["question_text"].startswith("What each of us does")
    assert [w["title"] for w in data["worksheets"]] == [
        "Getting to know each other and our ground rules"
    ]
    assert "BEN-" not in str(data)


def test_erasing_my_account_takes_my_words_and_leaves_my_partners_versions():
    _p, ana, _ben, mine, theirs = _world()
    privacy.account_erase(user=ana.membership.user, password=PASSWORD)
    assert WorksheetAnswer.objects.get(question=mine).value == ""
    assert WorksheetAnswer.objects.get(question=theirs).value == "BEN-ONLY list"
    assert sorted(AnswerRevision.objects.values_list("value", flat=True)) == [
        "BEN-FIRST-DRAFT",
        "BEN-ONLY list",
    ]
    assert not AnswerRevision.objects.filter(value__contains="ANA-WORDS").exists()
    assert Worksheet.objects.count() == 1
