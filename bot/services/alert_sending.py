"""The alert job's sending: the alerts whose time has come, one message a chat through the
outbox (at most ``MAX_ALERTS_PER_MESSAGE`` articles, the rest wait for its digest), and
the deliveries ledger, so that the next digest does not list them again."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.alert_matching import MAX_ALERTS_PER_MESSAGE
from bot.services.context import Runtime
from bot.services.languages import reading_script
from bot.services.story_buttons import keyboard_json, number_buttons
from bot.services.zones import zone_or_default
from bot.texts.messages import raw, say
from digest.article import StoredArticle
from digest.categories import english_label
from digest.render import pack_blocks, render_article
from digest.reply import Button
from digest.scripts import in_script
from digest.text import clipped
from storage.alert_queue import (
    AlertChat,
    DueAlert,
    alert_chats,
    delivered_since,
    queue_alert_messages,
    record_alert_deliveries,
    take_due_alerts,
)
from storage.articles import articles_by_ids
from storage.claims import hold_subscriptions

# Chats whose due alerts a run sends (one message each; a run every 10 s): two thirds of
# what Telegram accepts in that time (30 a second), the rest left for digests and replies.
# The others wait their turn in the waiting table, at most ten alerts a chat.
ALERT_CHATS_PER_RUN = 200
# Telegram shows a button's text on one line and cuts what does not fit: a phrase (up to
# 100 characters) is clipped so that the label stays short and says where it was cut.
UNWATCH_LABEL_PHRASE_CHARS = 24


def _unwatch_label(language: str, phrase: str) -> str:
    """The unwatch button's text. A button's text is plain, not HTML: the phrase goes in as
    written (``say`` would escape it, and ``&`` would show as ``&amp;``)."""
    return raw(language, "alert.unwatch").format(
        phrase=clipped(phrase, UNWATCH_LABEL_PHRASE_CHARS)
    )


def _render_alert(
    alerts: list[DueAlert],
    articles: dict[int, StoredArticle],
    chat: AlertChat,
    runtime: Runtime,
    rendered: dict[tuple[int, int, str, str | None, str, tuple[str, ...]], str],
) -> tuple[list[str], list[str | None]]:
    """One chat's alert: its messages and the buttons under each (the numbers of the
    articles it lists; under the last, the unwatch button of the first alert's watch too).
    An article rendered for one chat is reused for the next with the same number, language,
    zone and words."""
    language = chat.language
    script = reading_script(language, chat.script_variant)
    zone = zone_or_default(chat.timezone, runtime.settings.zone)
    blocks = []
    for number, alert in enumerate(alerts, start=1):
        key = (alert.article_id, number, language, script, zone.key, tuple(alert.phrases))
        if key not in rendered:
            article = articles[alert.article_id]
            rendered[key] = render_article(
                article,
                zone=zone,
                category_label=english_label(article.category) if language == "en" else None,
                number=number,
                highlight=alert.phrases,
                script=script,
            )
        blocks.append(rendered[key])
    phrases = sorted({p for a in alerts for p in a.phrases})
    header = say(
        language, "alert.header", phrases="、".join(in_script(p, script) for p in phrases)
    )
    packed = pack_blocks(blocks, header=header)
    keyboards = list(number_buttons([[alerts[i].article_id for i in held] for _, held in packed]))
    first = alerts[0]
    keyboards[-1] = [
        *keyboards[-1],
        [
            Button(
                _unwatch_label(language, in_script(first.phrases[0], script)),
                f"uw:{first.watch_id}",
            )
        ],
    ]
    return [message for message, _ in packed], [keyboard_json(rows) for rows in keyboards]


async def send_due_alerts(session: AsyncSession, runtime: Runtime, now: datetime) -> int:
    """Queue one message per chat for its due alerts; the number of messages queued.

    An article the chat already got (a digest sent it while the alert waited out quiet
    hours) is dropped; a chat gets at most ``MAX_ALERTS_PER_MESSAGE``, the rest wait for
    its digest. Every statement covers all the chats at once."""
    due = await take_due_alerts(session, now=now, chats=ALERT_CHATS_PER_RUN)
    if not due:
        return 0
    # Their digests are held before the ledger is read, as the tick and /digest hold them:
    # a digest being composed meanwhile is waited for, and its articles are then not sent.
    await hold_subscriptions(session, {a.chat_id for a in due})
    sent = await delivered_since(
        session, {a.chat_id for a in due}, first_article_id=min(a.article_id for a in due)
    )
    by_chat: dict[int, list[DueAlert]] = defaultdict(list)
    for alert in due:
        listed = by_chat[alert.chat_id]
        if (alert.chat_id, alert.article_id) not in sent and len(listed) < MAX_ALERTS_PER_MESSAGE:
            listed.append(alert)
    # Each article once: popular words send the same ones to many chats.
    wanted = sorted({a.article_id for alerts in by_chat.values() for a in alerts})
    articles = {a.id: a for a in await articles_by_ids(session, wanted)}
    chats = await alert_chats(session, by_chat)
    rendered: dict[tuple[int, int, str, str | None, str, tuple[str, ...]], str] = {}
    messages: list[tuple[int, list[str], list[str | None], int | None]] = []
    delivered: list[tuple[int, int]] = []
    for chat_id, alerts in by_chat.items():
        chat = chats.get(chat_id)
        listed = [a for a in alerts if a.article_id in articles]  # not pruned meanwhile
        if chat is None or not listed:
            continue
        texts, buttons = _render_alert(listed, articles, chat, runtime, rendered)
        messages.append((chat_id, texts, buttons, chat.thread_id))
        delivered.extend((chat_id, a.article_id) for a in listed)
    await queue_alert_messages(session, messages, now=now)
    await record_alert_deliveries(session, delivered, now=now)
    return len(messages)
