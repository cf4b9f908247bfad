"""Canonical URLs: what identifies the page is kept; the shortcut for plain URLs agrees with
urllib's parsing on every URL."""

from __future__ import annotations

import random

import pytest

from digest.dedup import _canonical_parsed_url, canonical_url

# Pieces of URLs, with those where a shortcut could go wrong: case, "www.", ports, users,
# IPv6 hosts, trailing slashes, percent-encoding, "+", "=" in values, blank and repeated
# parameters, tracking parameters in any case, fragments, spaces and control characters.
SCHEMES = ["http://", "https://", "HTTPS://", "Http://", "ftp://", "mailto:", "//", "https:/"]
HOSTS = [
    "example.com",
    "www.Example.COM",
    "WWW.news.cn",
    "a-b.example.org",
    "xn--fiqs8s.cn",
    "example.com:8080",
    "example.com:443",
    "example.com:80",
    "user@example.com",
    "[::1]",
    "例子.中国",
    "",
    "www.",
    "exa mple.com",
    "example.com:abc",
]
PATHS = [
    "",
    "/",
    "/a",
    "/a/",
    "/a//",
    "/2026/01/02/news.html",
    "/A/B/",
    "/p;q=1",
    "/%E4%B8%AD/",
    "/a+b",
    "/~user/",
    "/a:b@c",
    "/中文",
    "/a b",
    "/a\tb",
    "/a?",
    "/a#",
]
PARAMS = [
    "id=7",
    "utm_source=feed",
    "UTM_Medium=x",
    "spm=a.b",
    "from=timeline",
    "page=2",
    "a=",
    "b",
    "=",
    "",
    "q=a+b",
    "q=%E4%B8%AD",
    "x=a=b",
    "Ref=x",
    "z=1;y=2",
    "k=中",
    "utm_=1",
    "s=~._-",
]
FRAGMENTS = ["", "#", "#top", "#a?b=1", "#\nx", "#中"]
SPACES = ["", " ", "\t", "\n", "\u3000", "\x00"]


def random_urls(count: int) -> list[str]:
    rng = random.Random(20260101)
    urls = []
    for _ in range(count):
        params = rng.sample(PARAMS, rng.randint(0, 4))
        query = rng.choice(["", "?"]) + "&".join(params) if params else rng.choice(["", "?"])
        urls.append(
            rng.choice(SPACES)
            + rng.choice(SCHEMES)
            + rng.choice(HOSTS)
            + rng.choice(PATHS)
            + query
            + rng.choice(FRAGMENTS)
            + rng.choice(SPACES)
        )
    return urls


def test_the_plain_url_shortcut_agrees_with_urllib_on_random_urls() -> None:
    urls = random_urls(20000)
    assert [canonical_url(url) for url in urls] == [_canonical_parsed_url(url) for url in urls]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.Example.com/a/?utm_source=x&id=7#top", "example.com/a?id=7"),
        ("http://example.com:8080/a?b=2&a=1", "example.com:8080/a?a=1&b=2"),
        ("https://example.com/?x=a=b&spm=1&y", "example.com?x=a%3Db&y="),
        ("ftp://example.com/a", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url_keeps_what_identifies_the_page(
    url: str | None, canonical: str | None
) -> None:
    assert canonical_url(url) == canonical
