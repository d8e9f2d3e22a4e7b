from django.template import Context, Template

from tandem.core.markdown import markdown_to_html


def test_markdown_becomes_html():
    html = markdown_to_html("# Ground rules\n\n- **Meet** every two weeks\n- Keep it *private*")
    assert "<h1>Ground rules</h1>" in html
    assert "<li><strong>Meet</strong> every two weeks</li>" in html
    assert "<em>private</em>" in html


def test_script_and_event_handlers_are_removed():
    html = markdown_to_html(
        "Hi <script>alert('x')</script><img src=x onerror=alert(1)>"
        '<a href="https://example.org" onclick="steal()">link</a><style>body{}</style>'
    )
    assert "script" not in html
    assert "alert" not in html
    assert "onclick" not in html
    assert "<img" not in html
    assert "body{}" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">link</a>' in html


def test_javascript_links_lose_their_target():
    html = markdown_to_html("[click](javascript:alert(1)) [mail](mailto:a@example.org)")
    assert "javascript" not in html
    assert 'href="mailto:a@example.org"' in html


def test_tables_from_markdown_are_kept():
    html = markdown_to_html("| When | Who |\n|---|---|\n| Monday | Ana |")
    assert "<table>" in html
    assert "<td>Monday</td>" in html


def test_empty_text_renders_nothing():
    assert markdown_to_html("") == ""
    assert markdown_to_html("   \n") == ""


def test_template_filter_renders_sanitised_markdown():
    template = Template("{% load tandem %}{{ text|markdown }}")
    html = template.render(Context({"text": "**bold** <b onmouseover=x>hi</b>"}))
    assert "<strong>bold</strong>" in html
    assert "onmouseover" not in html
    assert "<b>hi</b>" in html


def test_footnotes_and_references_do_not_carry_over_to_the_next_text():
    first = markdown_to_html("Foo[^1] and [a link][r]\n\n[^1]: Baz\n\n[r]: https://example.org")
    assert "Baz" in first and "example.org" in first
    second = markdown_to_html("Bar and [a link][r]")
    assert "Baz" not in second and "example.org" not in second
