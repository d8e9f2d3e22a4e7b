"""The accessibility statement: public, linked from every page's footer, with a contact."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_statement_is_linked_from_every_page_and_says_whom_to_ask(client, settings):
    settings.TANDEM_ACCESSIBILITY_CONTACT = "access@example.org"
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accessibility")}"' in home
    page = client.get(reverse("accessibility"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "WCAG" in text and "2.2" in text
    assert 'href="mailto:access@example.org"' in text
    assert "What is not there yet" in text  # limits are stated, not hidden
