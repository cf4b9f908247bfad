"""The English message catalogue: every user-facing text, by key (see bot.texts.messages).

Values are HTML; placeholders are str.format fields, escaped by ``say``.
"""

# ruff: noqa: E501 - catalogue texts read better on one line

from __future__ import annotations

EN: dict[str, str] = {
    "help": (
        "<b>newsdigest</b>\n"
        "News, summarised: browse by time and category, search, and get a daily digest.\n\n"
        "{commands}"
    ),
    "latest.header": "<b>Latest {count}</b>",
    "latest.empty": "No articles yet. An admin can add some with <code>newsdigest ingest</code>.",
    "category.header": "<b>{category}</b> · latest {count}",
    "category.empty": "No articles in {category} yet.",
    "category.list": "<b>Categories</b> (tap one):",
    "category.list_largest": (
        "<b>Categories</b> (the {shown} largest of {total}; send /category NAME for the others):"
    ),
    "category.list_empty": "No categories yet: ingest some articles first.",
    "category.unknown": "There is no category “{name}”. Categories: {names}",
    "search.usage": "Usage: <code>/search WORDS</code>, for example <code>/search 央行</code>",
    "search.header": "<b>Search “{words}”</b> · {count} results",
    "search.empty": "Nothing found for “{words}”.",
    "count.invalid": "Give a number from 1 to {maximum}, for example <code>/{command} 10</code>.",
    "count.too_many": "At most {maximum}, for example <code>/{command} {maximum}</code>.",
    "older": "Older »",
    "unknown_command": "I don't know that command. Send /help to see them all.",
    "error": "Sorry, something went wrong. Please try again later.",
    "flood.skipped": "Commands came here faster than I can answer them, so I skipped some. Please wait for a reply before sending more.",
    "button.expired": "This button has expired; send the command again.",
    "digest.header": "<b>Daily digest</b> · {date} · {count} new",
    "digest.more": "{count} more not listed: see /latest or /category.",
    "digest.nothing": "Nothing new since the last digest.",
    "subscribe.done": "Subscribed to the daily digest ({categories}), every day at {time} ({zone}). Next: {next}.",
    "subscribe.all": "all categories",
    "subscribe.unknown": "There is no category “{names}”. Categories: {known}",
    "unsubscribe.done": "Daily digest stopped. /subscribe brings it back any time.",
    "unsubscribe.some": "Removed: {removed}. Still subscribed to: {categories}.",
    "unsubscribe.none": "This chat has no subscription. /subscribe starts the daily digest.",
    "list.more": "… ({count} in all)",
    "time.usage": "Usage: <code>/time 08:00</code> (24-hour clock, in this chat's zone {zone})",
    "time.done": "Digest time set to {time} ({zone}) every day. Next: {next}.",
    "timezone.usage": "Usage: <code>/timezone Europe/London</code>, <code>/timezone UTC-5</code> or <code>/timezone UTC</code>",
    "timezone.unknown": "Unknown time zone “{name}”. {suggestion}",
    "timezone.suggest": "Did you mean <code>{names}</code>?",
    "timezone.done": "Time zone set to {zone}; the time there is now {now}. Next digest: {next}.",
    "settings": (
        "<b>This chat's settings</b>\nDigest: {state}\nCategories: {categories}\n"
        "Time: {time} every day\nTime zone: {zone}\nNext digest: {next}"
    ),
    "settings.on": "on",
    "settings.off": "off",
    "settings.paused": "paused ({reason}); send any command to resume",
    "settings.never": "—",
    "admins_only": "Only the group's admins can change its settings.",
    "watch.usage": 'Usage: <code>/watch rates</code>; a phrase in quotes: <code>/watch "interest rate"</code>; one category: <code>/watch 降准 in:finance</code>',
    "watch.added": "Watching: {phrases}{category}. A matching new article is sent at once.",
    "watch.in_category": " (in {category} only)",
    "watch.too_short": "Too short to watch: {words} (2 characters or letters at least).",
    "watch.too_long": "Too long to watch: {words} ({limit} characters at most).",
    "watch.limit": "A chat can watch {limit} phrases at most; /unwatch some first.",
    "watch.exists": "Already watching: {phrases}.",
    "watch.unknown_category": "There is no category “{name}”.",
    "watches.header": "<b>Watched phrases</b> (/unwatch ID to stop)",
    "watches.line": "#{id} {phrase}{category} · {count} matched",
    "watches.empty": "No watches yet. Try <code>/watch 降准</code>.",
    "unwatch.usage": "Usage: <code>/unwatch ID</code> or <code>/unwatch WORDS</code> (/watches lists the ids)",
    "unwatch.done": "Stopped watching: {phrases}.",
    "unwatch.unknown": "No watch “{what}”. /watches lists them.",
    "alert.header": "🔔 <b>Watch alert</b> · {phrases}",
    "alert.unwatch": "Unwatch “{phrase}”",
    "quiet.usage": "Usage: <code>/quiet 23:00-07:00</code> for quiet hours, <code>/quiet off</code> to end them.",
    "quiet.done": "Quiet hours: {start}–{end} every day ({zone}). Alerts then wait and come as one message.",
    "quiet.off": "Quiet hours off: alerts come at once.",
    "admin.refused": "Sorry, only the bot's admins can use this command.",
    "admin.help": "<b>Admin commands</b>",
    "addfeed.usage": "Usage: <code>/addfeed URL [CATEGORY]</code>, for example <code>/addfeed https://example.com/rss.xml World</code>",
    "addfeed.done": "Added feed #{id} “{title}” ({category}): {items} items found, {new} new.",
    "addfeed.duplicate": "That feed is already there as #{id}. See /feeds.",
    "addfeed.failed": "Not added: the fetch failed. {reason}",
    "feeds.empty": "No feeds yet. Add one with <code>/addfeed URL</code>.",
    "feeds.header": "<b>Feeds</b> · {count}",
    "feeds.item": "<b>#{id}</b> {title} · {category}\n{url}\nState: {state}\nLast success: {success} · items last time {items} · added in all {added}",
    "feeds.error": "Last error ({when}): {error}",
    "feeds.ok": "OK, next poll {next}",
    "feeds.pending": "waiting for its first poll",
    "feeds.failing": "failed {failures} times in a row, retry {next}",
    "feeds.broken": "broken ({failures} failures in a row), next try {next}",
    "feeds.never": "never",
    "feeds.any_category": "items' own categories",
    "removefeed.usage": "Usage: <code>/removefeed ID</code>, the ID as /feeds shows it",
    "removefeed.done": "Removed feed #{id} ({url}). The articles it brought stay.",
    "removefeed.missing": "There is no feed #{id}. See /feeds.",
    "stats": "<b>Statistics</b>\nArticles: {articles}\nFeeds: {feeds} ({broken} broken)\nSubscribers: {subscribers}\nDigests sent today (UTC): {digests}",
    "stats.errors": "<b>Latest errors</b>",
    "stats.error": "#{id} {when}: {error}",
    "stats.no_errors": "No feed errors lately.",
    "feed.broken_notice": "⚠️ Feed #{id} “{title}” has failed {failures} times in a row since {since} and is marked broken. Last error: {error}\nIt is still retried every few hours; see /feeds, or remove it with <code>/removefeed {id}</code>.",
}
