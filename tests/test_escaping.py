import json

import pytest

from zonemap.escaping import html_text, link_html, safe_url, script_json

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    "\"'><svg onload=alert(1)>",
    "\\u003cscript\\u003e",
    "<!--",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_leaves_no_markup_or_template_breakers(payload):
    escaped = html_text(payload)
    for character in "<>\"'`$\\{}":
        assert character not in escaped


def test_html_text_round_trips_through_an_html_parser():
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.text, self.tags = "", []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text += data

    for payload in PAYLOADS:
        parser = Collect()
        parser.feed(f"<p>{html_text(payload)}</p>")
        assert parser.tags == ["p"]
        assert parser.text == payload


@pytest.mark.parametrize("payload", PAYLOADS + ["\u2028", "a&b"])
def test_script_json_cannot_close_a_script_and_decodes_back(payload):
    encoded = script_json({"text": payload})
    assert "<" not in encoded and ">" not in encoded and "\u2028" not in encoded
    assert json.loads(encoded) == {"text": payload}


def test_script_json_rejects_nan():
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org"])
def test_safe_url_keeps_http_links(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:x", "//example.org/x",
                                 "/relative", "https://", "https://exa mple.org", 'https://e.org/"onmouseover=x',
                                 "file:///etc/passwd", None, 42, ""])
def test_safe_url_rejects_everything_else(url):
    assert safe_url(url) is None


def test_link_html():
    assert link_html("https://example.org", "<b>x</b>") == (
        '<a href="https://example.org" target="_blank" rel="noopener noreferrer">&lt;b&gt;x&lt;/b&gt;</a>')
    assert link_html("javascript:alert(1)", "label") == "label"
