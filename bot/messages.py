"""Every user-facing text, one catalogue per language. Placeholders are str.format fields.

Values are HTML: placeholders that carry user or article text must be escaped by the caller
(``say`` escapes every argument it is given).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from digest.text import clipped

ZH: dict[str, str] = {
    "help": (
        "<b>newsdigest 新闻摘要机器人</b>\n"
        "把新闻整理成摘要：按时间、按分类浏览，搜索，每天定时推送摘要。\n\n"
        "{commands}"
    ),
    "latest.header": "<b>最新 {count} 条</b>",
    "latest.empty": "还没有文章。管理员可以用 <code>newsdigest ingest</code> 导入。",
    "category.header": "<b>{category}</b> · 最新 {count} 条",
    "category.empty": "「{category}」分类下还没有文章。",
    "category.list": "<b>分类</b>（点按查看）：",
    "category.list_empty": "还没有任何分类，先导入一些文章吧。",
    "category.unknown": "没有「{name}」这个分类。现有分类：{names}",
    "search.usage": "用法：<code>/search 关键词</code>，例如 <code>/search 央行</code>",
    "search.header": "<b>搜索「{words}」</b> · {count} 条结果",
    "search.empty": "没有找到包含「{words}」的文章。",
    "count.invalid": "条数要写成 1 到 {maximum} 之间的数字，例如 <code>/{command} 10</code>。",
    "count.too_many": "最多显示 {maximum} 条，例如 <code>/{command} {maximum}</code>。",
    "older": "更早 »",
    "unknown_command": "不认识这个命令。发送 /help 查看全部命令。",
    "error": "抱歉，处理时出错了，请稍后再试。",
    "button.expired": "这个按钮已失效，请重新发送命令。",
    "digest.header": "<b>每日摘要</b> · {date} · {count} 条新文章",
    "digest.more": "还有 {count} 条未列出，可用 /latest 或 /category 查看。",
    "digest.nothing": "自上次摘要以来没有新文章。",
    "subscribe.done": "已订阅每日摘要（{categories}），每天 {time}（{zone}）推送。下一次：{next}。",
    "subscribe.all": "全部分类",
    "subscribe.unknown": "没有「{names}」这个分类。现有分类：{known}",
    "unsubscribe.done": "已取消每日摘要。随时可以用 /subscribe 重新订阅。",
    "unsubscribe.some": "已取消这些分类：{removed}。仍然订阅：{categories}。",
    "unsubscribe.none": "本聊天还没有订阅。用 /subscribe 订阅每日摘要。",
    "list.more": "……共 {count} 个",
    "time.usage": "用法：<code>/time 08:00</code>（24 小时制，本聊天时区 {zone}）",
    "time.done": "摘要时间改为每天 {time}（{zone}）。下一次：{next}。",
    "timezone.usage": "用法：<code>/timezone Asia/Shanghai</code> 或 <code>/timezone UTC</code>",
    "timezone.unknown": "不认识时区「{name}」。{suggestion}",
    "timezone.suggest": "是不是 <code>{names}</code>？",
    "timezone.done": "时区改为 {zone}。下一次摘要：{next}。",
    "settings": (
        "<b>本聊天的设置</b>\n订阅：{state}\n分类：{categories}\n"
        "时间：每天 {time}\n时区：{zone}\n下一次摘要：{next}"
    ),
    "settings.on": "已订阅",
    "settings.off": "未订阅",
    "settings.paused": "已暂停（{reason}），发送任意命令即可恢复",
    "settings.never": "—",
    "admins_only": "只有群管理员可以修改本群的设置。",
    "watch.usage": '用法：<code>/watch 降准</code>；短语加引号：<code>/watch "人工智能 芯片"</code>；限定分类：<code>/watch 降准 in:财经</code>',
    "watch.added": "已关注：{phrases}{category}。有匹配的新文章会立即提醒。",
    "watch.in_category": "（仅{category}）",
    "watch.too_short": "关键词太短：{words}（至少 2 个字或 2 个字母）。",
    "watch.too_long": "关键词太长：{words}（最多 {limit} 个字）。",
    "watch.limit": "每个聊天最多关注 {limit} 个关键词，请先用 /unwatch 取消一些。",
    "watch.exists": "已经在关注：{phrases}。",
    "watch.unknown_category": "没有「{name}」这个分类。",
    "watches.header": "<b>关注的关键词</b>（/unwatch 编号 取消）",
    "watches.line": "#{id} {phrase}{category} · 已匹配 {count} 篇",
    "watches.empty": "还没有关注任何关键词。试试 <code>/watch 降准</code>。",
    "unwatch.usage": "用法：<code>/unwatch 编号</code> 或 <code>/unwatch 关键词</code>（/watches 查看编号）",
    "unwatch.done": "已取消关注：{phrases}。",
    "unwatch.unknown": "没有找到「{what}」这个关注。发送 /watches 查看。",
    "alert.header": "🔔 <b>关注提醒</b> · {phrases}",
    "alert.unwatch": "取消关注「{phrase}」",
    "quiet.usage": "用法：<code>/quiet 23:00-07:00</code> 设置免打扰时间，<code>/quiet off</code> 关闭。",
    "quiet.done": "免打扰：每天 {start}–{end}（{zone}）。期间的提醒在结束时合并为一条发送。",
    "quiet.off": "已关闭免打扰，提醒会立即发送。",
    "admin.refused": "抱歉，这个命令只有机器人的管理员可以使用。",
    "admin.help": "<b>管理员命令</b>",
    "addfeed.usage": "用法：<code>/addfeed 网址 [分类]</code>，例如 <code>/addfeed https://example.com/rss.xml 国际</code>",
    "addfeed.done": "已添加订阅源 #{id}「{title}」（{category}）：找到 {items} 条，新增 {new} 条。",
    "addfeed.duplicate": "这个订阅源已经添加过了，编号 #{id}。用 /feeds 查看。",
    "addfeed.failed": "没有添加：抓取失败。{reason}",
    "feeds.empty": "还没有订阅源。用 <code>/addfeed 网址</code> 添加。",
    "feeds.header": "<b>订阅源</b> · {count} 个",
    "feeds.item": "<b>#{id}</b> {title} · {category}\n{url}\n状态：{state}\n上次成功：{success} · 上次条目 {items} · 累计新增 {added}",
    "feeds.error": "上次错误（{when}）：{error}",
    "feeds.ok": "正常，下次抓取 {next}",
    "feeds.pending": "等待首次抓取",
    "feeds.failing": "连续失败 {failures} 次，{next} 重试",
    "feeds.broken": "已失效（连续失败 {failures} 次），{next} 再试",
    "feeds.never": "从未",
    "feeds.any_category": "按条目分类",
    "removefeed.usage": "用法：<code>/removefeed 编号</code>，编号见 /feeds",
    "removefeed.done": "已删除订阅源 #{id}（{url}）。它带来的文章仍然保留。",
    "removefeed.missing": "没有编号为 #{id} 的订阅源。用 /feeds 查看。",
    "stats": "<b>统计</b>\n文章：{articles}\n订阅源：{feeds}（失效 {broken}）\n订阅者：{subscribers}\n今天（UTC）已发送摘要：{digests}",
    "stats.errors": "<b>最近的错误</b>",
    "stats.error": "#{id} {when}：{error}",
    "stats.no_errors": "订阅源最近没有出错。",
    "feed.broken_notice": "⚠️ 订阅源 #{id}「{title}」自 {since} 起连续失败 {failures} 次，已标记为失效。最后的错误：{error}\n它仍会每隔几小时重试；用 /feeds 查看，或用 <code>/removefeed {id}</code> 删除。",
}

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
    "timezone.usage": "Usage: <code>/timezone Europe/London</code> or <code>/timezone UTC</code>",
    "timezone.unknown": "Unknown time zone “{name}”. {suggestion}",
    "timezone.suggest": "Did you mean <code>{names}</code>?",
    "timezone.done": "Time zone set to {zone}. Next digest: {next}.",
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

# (command, argument example, Chinese description, English description), in /help order.
COMMAND_HELP: tuple[tuple[str, str, str, str], ...] = (
    (
        "latest",
        "/latest 10",
        "最新文章（默认 5 条，最多 20 条）",
        "newest articles (5 by default, 20 at most)",
    ),
    (
        "category",
        "/category 国际",
        "分类列表，或某个分类的最新文章",
        "the categories, or one category's newest",
    ),
    ("search", "/search 央行 降准", "搜索标题和正文", "search titles and text"),
    (
        "subscribe",
        "/subscribe 国际 财经",
        "订阅每日摘要（不写分类即全部）",
        "daily digest (all categories when none named)",
    ),
    (
        "unsubscribe",
        "/unsubscribe 财经",
        "取消订阅（全部或部分分类）",
        "stop the digest, or some categories",
    ),
    ("time", "/time 08:00", "每天推送摘要的时间", "when the digest comes each day"),
    ("timezone", "/timezone Asia/Shanghai", "本聊天的时区", "this chat's time zone"),
    (
        "settings",
        "/settings",
        "查看订阅、分类、时间和时区",
        "subscription, categories, time and zone",
    ),
    (
        "digest",
        "/digest",
        "立即获取上次摘要以来的新文章",
        "what is new since the last digest, now",
    ),
    (
        "watch",
        "/watch 降准",
        "关注关键词，新文章出现时立即提醒",
        "alert me at once when a new article matches",
    ),
    ("watches", "/watches", "关注的关键词和匹配数", "the watched phrases and their matches"),
    ("unwatch", "/unwatch 3", "取消关注（编号或关键词）", "stop a watch (id or words)"),
    (
        "quiet",
        "/quiet 23:00-07:00",
        "免打扰时间，期间提醒合并发送",
        "quiet hours: alerts wait and come as one",
    ),
    ("help", "/help", "显示这份说明", "show this help"),
)

# The same, for commands only admins (ADMIN_IDS) may use: listed in /help for them alone.
ADMIN_COMMAND_HELP: tuple[tuple[str, str, str, str], ...] = (
    (
        "addfeed",
        "/addfeed https://example.com/rss.xml 国际",
        "添加订阅源（立即抓取一次）",
        "add a feed (fetched once right away)",
    ),
    ("feeds", "/feeds", "订阅源及其状态", "the feeds and how they are doing"),
    ("removefeed", "/removefeed 3", "删除订阅源", "remove a feed"),
    (
        "stats",
        "/stats",
        "文章、订阅源、订阅者、今天的摘要",
        "articles, feeds, subscribers, digests",
    ),
)

CATALOGUES = {"zh": ZH, "en": EN}
# Characters of names (escaped) a list in a reply shows, and of one name or of what a user
# typed, shown back: two lists and the text around them stay within a message's 4096.
LISTED_CHARS = 1_200
MAX_NAME_CHARS = 100


def language_for(language_code: str | None) -> str:
    """English for users whose Telegram language is English, Simplified Chinese otherwise."""
    return "en" if language_code and language_code.lower().startswith("en") else "zh"


class Html(str):
    """Text that is already HTML (a catalogue text, a rendered fragment): not escaped again."""

    __slots__ = ()


def say(language: str, key: str, **values: object) -> str:
    """The catalogue text, with every value HTML-escaped unless it is ``Html``."""
    template = CATALOGUES.get(language, ZH)[key]
    return template.format(
        **{
            name: value if isinstance(value, Html) else escape(str(value), quote=False)
            for name, value in values.items()
        }
    )


def shortened(text: str, limit: int = 300) -> str:
    """``text``, or its start and its end around "…" when longer than ``limit``: a feed's
    URL or error is shown whole enough to tell it, and an error's reason is at its end,
    after the URL it names."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return f"{text[:head]}…{text[len(text) - (limit - 1 - head) :]}"


def echoed(typed: str) -> str:
    """What a user typed, as a reply shows it back: a message holds up to 4096 characters,
    and a reply saying it is unknown must still fit with it, escaped."""
    return clipped(typed, MAX_NAME_CHARS)


def listing(language: str, names: Sequence[str]) -> str:
    """Names joined with 、 as far as ``LISTED_CHARS`` (escaped) goes, then how many in all:
    a store can hold hundreds of categories, and a reply lists up to two such lists."""
    shown: list[str] = []
    used = 0
    for name in names:
        short = clipped(name, MAX_NAME_CHARS)
        used += len(escape(short, quote=False)) + 1
        if used > LISTED_CHARS:
            return "、".join(shown) + raw(language, "list.more").format(count=len(names))
        shown.append(short)
    return "、".join(shown)


def raw(language: str, key: str) -> str:
    """A catalogue text with no placeholders (button labels, one-liners)."""
    return CATALOGUES.get(language, ZH)[key]


def command_list(language: str) -> str:
    english = language == "en"
    return "\n".join(
        f"<code>{escape(example)}</code> — {escape(en if english else zh)}"
        for _name, example, zh, en in COMMAND_HELP
    )


def admin_command_list(language: str) -> str:
    """The admin commands with examples, under their heading (for admins' /help)."""
    english = language == "en"
    lines = (
        f"<code>{escape(example)}</code> — {escape(en if english else zh)}"
        for _name, example, zh, en in ADMIN_COMMAND_HELP
    )
    return "\n".join([raw(language, "admin.help"), *lines])


def menu_commands(language: str) -> list[tuple[str, str]]:
    """(command, description) pairs for Telegram's setMyCommands."""
    english = language == "en"
    return [(name, en if english else zh) for name, _example, zh, en in COMMAND_HELP]
