"""Whether a page's canonical link (or og:url, or JSON-LD url) plausibly names this
article: sites also put their home page or a section there, on every page, and trusting it
made all of a site's pages one article linked to its home page."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# Second-level labels under a country's code that are not a site's own name (com.cn, co.uk).
_GENERIC_SECOND = frozenset({"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne"})
# A path of only this file is the site's root.
_INDEX_FILES = frozenset({"index.html", "index.htm", "index.shtml", "index.php", "default.aspx"})


def plausible_canonical(candidate: str, *, fetched: str | None) -> bool:
    """Whether ``candidate`` (absolute) may name the article fetched from ``fetched``.

    Never the root of a site; with a fetched URL known, only one of the same site (its
    registrable domain: ``m.news.example.cn`` and ``example.cn`` are one site) whose path is
    not a section above the page fetched (``/world/`` for ``/world/2026/story.html``). An
    AMP copy (``…/story/amp/``) may name the story (``…/story/``).
    """
    parts = urlsplit(candidate)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    path = _segments(parts.path)
    if not path and not parts.query:
        return False  # the site's home page
    if fetched is None:
        return True
    page = urlsplit(fetched)
    if page.hostname is None or _site(parts.hostname) != _site(page.hostname):
        return False
    fetched_path = _segments(page.path)
    if fetched_path[-1:] == ["amp"]:
        fetched_path = fetched_path[:-1]
    above = len(path) < len(fetched_path) and fetched_path[: len(path)] == path
    return not above


def _segments(path: str) -> list[str]:
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) == 1 and segments[0].lower() in _INDEX_FILES:
        return []
    return segments


def _site(host: str) -> str:
    """The part of a host name one site owns: ``m.news.example.cn`` → ``example.cn``,
    ``www.example.com.cn`` → ``example.com.cn``; an IP address is its own site."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        generic = len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND
        return ".".join(labels[-3:] if generic else labels[-2:])
    return host
