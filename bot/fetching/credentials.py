"""Feed URLs may carry a user name and password (``https://user:secret@host/feed``): they
are fetched with it, and shown and logged without it.

Plain string work, no URL parser: a URL shown in an error may be one no parser accepts.
"""

from __future__ import annotations

import re

# The scheme (after ``feed:`` or ``feed://``, which stand for the URL they prefix), then
# the user information: the authority (up to the first /, ? or #) up to its last @, as URL
# parsers read it.
_USERINFO = re.compile(
    r"^(?P<scheme>(?:feed:(?://)?)?[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#]*)@",
    re.IGNORECASE,
)
MASK = "***"
# A URL's password anywhere in a text: after ``user:`` (a user name may hold an @, as an
# e-mail address does), up to the authority's last @.
_PASSWORD_IN_TEXT = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^/?#:\s]*):[^/?#\s]*@")


def shown_url(url: str) -> str:
    """``url`` with its password, if any, masked: ``https://user:***@host/feed``."""
    match = _USERINFO.match(url)
    if match is None or ":" not in match["userinfo"]:
        return url
    user = match["userinfo"].split(":", 1)[0]
    return f"{match['scheme']}{user}:{MASK}@{url[match.end() :]}"


def masked_passwords(text: str) -> str:
    """``text`` with the password of every URL in it masked (for log lines)."""
    return _PASSWORD_IN_TEXT.sub(rf"\g<head>:{MASK}@", text)


def url_without_credentials(url: str) -> str:
    """``url`` with no user information at all: what links found in the document it names
    are resolved against (an article's link must not carry the feed's password)."""
    match = _USERINFO.match(url)
    return url if match is None else f"{match['scheme']}{url[match.end() :]}"
