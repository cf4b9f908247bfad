"""Text a feed repeats in its items is not evidence that two items are one story.

Some feeds give every item the same description (the site's slogan, a subscription
notice, a channel's blurb of 250 characters) or append the same sentences to each. Dedup
keys made of such bodies are equal for every item, so three items with three titles
ingested as one story and two duplicates. ``mark_shared_text`` finds the sentences that
two or more items of one feed share and gives each item ``key_paragraphs``: its body
without them. The keys of what is left then decide, with the title joining them when
little is left (``digest.neardup.SHORT_BODY``, ``digest.dedup.hash_of_keys``), so items
whose bodies are mostly shared text are told apart by their titles.

Only one feed's items are compared: within a feed, one sentence in two items is the feed's
template, not a story told twice. Across feeds and files, shared text is what copies are
made of. The stored text and summary keep every sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from digest.article import ParsedArticle
from digest.dedup import normalised_text

# A sentence ends at a full stop, a question or exclamation mark, a semicolon or a line's
# end; its closing quotes and brackets stay with it.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+(?:[。！？!?；;]+[”’」』）)】》\"']*)?")
# Shorter shared sentences ("图片来源：网络", "Read more.") change no key much; leaving
# them in keeps two items that open with the same short phrase comparable by the rest.
MIN_SHARED_CHARS = 8


def mark_shared_text(articles: Sequence[ParsedArticle]) -> None:
    """Set each article's ``key_paragraphs`` to its paragraphs without the sentences that
    another article of ``articles`` (one feed's items) has too; nothing when none share."""
    if len(articles) < 2:
        return
    sentences = [_sentence_keys(article.paragraphs) for article in articles]
    counts = Counter(key for keys in sentences for key in set(keys.values()))
    shared = {key for key, count in counts.items() if count >= 2}
    if not shared:
        return
    for article, keys in zip(articles, sentences, strict=True):
        if shared.isdisjoint(keys.values()):
            continue
        article.key_paragraphs = [
            kept for paragraph in article.paragraphs if (kept := _without(paragraph, shared, keys))
        ]


def _sentence_keys(paragraphs: Sequence[str]) -> dict[str, str]:
    """Each sentence of the paragraphs long enough to count, with its normalised text."""
    keys: dict[str, str] = {}
    for paragraph in paragraphs:
        for sentence in _SENTENCE.findall(paragraph):
            key = normalised_text(sentence)
            if len(key) >= MIN_SHARED_CHARS:
                keys[sentence] = key
    return keys


def _without(paragraph: str, shared: set[str], keys: dict[str, str]) -> str:
    """The paragraph with its shared sentences taken out."""
    kept = [
        sentence for sentence in _SENTENCE.findall(paragraph) if keys.get(sentence) not in shared
    ]
    return "".join(kept).strip()
