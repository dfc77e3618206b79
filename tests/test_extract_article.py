"""Reading articles (plain text, saved web pages, standard input) and cutting them into sentences."""

from __future__ import annotations

import pytest

from zonemap.errors import ArticleError, InputError
from zonemap.extract.article import article_from_html, headline, read_article, split_sentences


def test_web_page_text_maps_back_to_the_html_source():
    html = ("<html><head><title>A page title</title><script>var Douma = 1;</script></head><body>"
            "<h1>Strikes near Damascus</h1><p>Air strikes hit <b>Douma</b> on Tuesday &amp; Wednesday.</p></body></html>")
    article = article_from_html(html)
    assert "var Douma" not in article.text
    assert article.text.splitlines() == ["A page title", "Strikes near Damascus", "Air strikes hit Douma on Tuesday & Wednesday."]
    start = article.text.index("Douma")
    source_start, source_end = article.source_span(start, start + len("Douma"))
    assert html[source_start:source_end] == "Douma"
    amp = article.text.index("&")
    assert html[article.source_span(amp, amp + 1)[0]:].startswith("&amp;")


def test_read_article_tells_html_from_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html><body><p>Shelling hit Harasta.</p></body></html>", encoding="utf-8")
    plain = tmp_path / "report.txt"
    plain.write_text("<not a tag> Shelling hit Harasta.\n", encoding="utf-8")
    assert read_article(page).text.strip() == "Shelling hit Harasta."
    assert read_article(plain).text.startswith("<not a tag>")
    assert read_article(plain).positions == ()


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\xff\xfe\x00\x00binary", "UTF-8"),
])
def test_unreadable_articles_are_input_errors_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=expected) as caught:
        read_article(path)
    assert isinstance(caught.value, InputError)
    assert "bad.txt" in str(caught.value)


def test_missing_article_names_the_file(tmp_path):
    with pytest.raises(ArticleError, match="nowhere.txt"):
        read_article(tmp_path / "nowhere.txt")


def test_sentences_end_at_stops_not_at_abbreviations_or_wrapped_lines():
    text = ("DAMASCUS — Gen. Hassan said the U.S. envoy left. Talks resume on\n"
            "Monday in the capital, officials said, after a pause of 2.5 weeks.\n\n"
            "A second paragraph.")
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "DAMASCUS —",
        "Gen. Hassan said the U.S. envoy left.",
        "Talks resume on\nMonday in the capital, officials said, after a pause of 2.5 weeks.",
        "A second paragraph.",
    ]
    assert [s.paragraph for s in sentences] == [0, 0, 0, 1]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_one_paragraph_a_line_and_a_headline():
    text = "Truce holds in the south\n\nUpdated: July 4, 2017\nFighting stopped in Daraa on Monday\nIt resumed later.\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences][-2:] == ["Fighting stopped in Daraa on Monday", "It resumed later."]
    assert headline(text, sentences).text == "Truce holds in the south"
