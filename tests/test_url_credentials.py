"""A feed URL's password is never shown: URLs are shown and logged with it masked."""

from __future__ import annotations

import pytest

from bot.url_credentials import shown_url, url_without_credentials


@pytest.mark.parametrize(
    ("url", "shown", "bare"),
    [
        (
            "https://user:secret@host.example/feed",
            "https://user:***@host.example/feed",
            "https://host.example/feed",
        ),
        (
            "http://user:p%40ss:word@host.example:8080/a?b=c@d",
            "http://user:***@host.example:8080/a?b=c@d",
            "http://host.example:8080/a?b=c@d",
        ),
        ("https://user@host.example/feed", "https://user@host.example/feed", None),
        ("https://host.example/a@b", "https://host.example/a@b", "https://host.example/a@b"),
        ("not a URL", "not a URL", "not a URL"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str, bare: str | None) -> None:
    assert shown_url(url) == shown
    assert url_without_credentials(url) == (bare or "https://host.example/feed")
