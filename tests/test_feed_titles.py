"""Feed titles decoded by their declared type: a plain-text title keeps words that look
like tags (``<script>``, ``<video>``), an HTML title is decoded once and loses only its
real markup."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from digest.feed import feed_metadata, parse_feed

UTC = ZoneInfo("UTC")
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Notes on &lt;canvas&gt; &amp; friends</title>
  <entry><id>1</id><title type="text">Why &lt;script&gt; tags still block rendering</title>
    <updated>2026-11-24T08:00:00Z</updated></entry>
  <entry><id>2</id><title type="html">Fish &amp;amp; chips, twice</title>
    <updated>2026-11-24T08:00:00Z</updated></entry>
  <entry><id>3</id><title type="html">&lt;b&gt;Rates&lt;/b&gt; cut &amp;lt;again&amp;gt;</title>
    <updated>2026-11-24T08:00:00Z</updated></entry>
  <entry><id>4</id><title>Why &lt;video&gt; tags still matter</title>
    <updated>2026-11-24T08:00:00Z</updated></entry>
</feed>
"""
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Web &lt;dev&gt; news</title>
  <item><title>Why &lt;script&gt; tags still block rendering</title><link>https://e.com/1</link></item>
  <item><title>Why &lt;video&gt; tags still matter</title><link>https://e.com/2</link></item>
  <item><title>AT&amp;amp;T &amp;amp; more</title><link>https://e.com/3</link></item>
  <item><title><![CDATA[<b>Rates</b> cut]]></title><link>https://e.com/4</link></item>
</channel></rss>
"""


def _titles(document: str) -> list[str]:
    articles = parse_feed(document.encode(), origin="titles.xml", default_tz=UTC)
    return [article.title for article in articles]


def test_atom_titles_are_decoded_by_their_declared_type() -> None:
    assert _titles(ATOM) == [
        "Why <script> tags still block rendering",
        "Fish & chips, twice",
        "Rates cut <again>",
        "Why <video> tags still matter",
    ]


def test_rss_titles_without_markup_keep_their_tag_like_words() -> None:
    assert _titles(RSS) == [
        "Why <script> tags still block rendering",
        "Why <video> tags still matter",
        "AT&T & more",
        "Rates cut",
    ]


def test_a_feeds_own_plain_text_title_keeps_its_words() -> None:
    assert feed_metadata(ATOM.encode()).title == "Notes on <canvas> & friends"
    assert feed_metadata(RSS.encode()).title == "Web <dev> news"
