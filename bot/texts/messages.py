"""Every user-facing text, one catalogue per language (bot.texts.zh_hans, bot.texts.zh_hant,
bot.texts.en), and how replies use them. Placeholders are str.format fields.

Values are HTML: placeholders that carry user or article text must be escaped by the caller
(``say`` escapes every argument it is given).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.texts.en import EN
from bot.texts.zh_hans import ZH
from bot.texts.zh_hant import HANT_COMMAND_HELP, ZH_HANT
from digest.text import clipped

# (command, argument example, Chinese description, English description), in /help order.
COMMAND_HELP: tuple[tuple[str, str, str, str], ...] = (
    (
        "latest",
        "/latest 10",
        "最新文章（默认 5 条，最多 20 条）",
        "newest articles (5 by default, 20 at most)",
    ),
    (
        "top",
        "/top 10",
        "最近 24 小时最重要的新闻（来源最多的在前）",
        "the most important stories of the last 24 hours (most sources first)",
    ),
    (
        "category",
        "/category 国际",
        "分类列表，或某个分类的最新文章",
        "the categories, or one category's newest",
    ),
    ("search", "/search 央行 降准", "搜索标题和正文", "search titles and text"),
    (
        "read",
        "/read 12345",
        "阅读一条新闻的全文（也可点按列表下的数字）",
        "a story in full (or press its number under a list)",
    ),
    (
        "subscribe",
        "/subscribe 国际 财经",
        "订阅每日摘要（不写分类即全部；写了则加入已订阅的分类）",
        "daily digest (all categories, or add the ones named)",
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
    (
        "language",
        "/language zh-Hans",
        "界面语言：zh-Hans 简体、zh-Hant 繁體、en English",
        "interface language: en, zh-Hans (简体), zh-Hant (繁體)",
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

# The chat languages: Simplified Chinese (the default), Traditional Chinese, English.
SIMPLIFIED, TRADITIONAL, ENGLISH = "zh", "zh-Hant", "en"
CATALOGUES = {SIMPLIFIED: ZH, TRADITIONAL: ZH_HANT, ENGLISH: EN}
# Telegram language codes of Traditional readers (a code is lower-cased first).
TRADITIONAL_CODES = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
# Characters of names (escaped) a list in a reply shows, and of one name or of what a user
# typed, shown back: two lists and the text around them stay within a message's 4096.
LISTED_CHARS = 1_200
MAX_NAME_CHARS = 100


def language_for(language_code: str | None) -> str:
    """The chat language of a user's Telegram language: Traditional Chinese for ``zh-hant``,
    ``zh-tw``, ``zh-hk`` and ``zh-mo`` (``zh-Hant-TW`` too), English for ``en*``,
    Simplified Chinese for other ``zh*`` and everyone else (the default)."""
    code = (language_code or "").lower().replace("_", "-")
    if code.startswith("en"):
        return ENGLISH
    if code.startswith(TRADITIONAL_CODES):
        return TRADITIONAL
    return SIMPLIFIED


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


def _command_lines(
    language: str, commands: tuple[tuple[str, str, str, str], ...]
) -> list[tuple[str, str, str]]:
    """(command, example, description) of each command in ``language``."""
    if language == TRADITIONAL:
        return [(name, *HANT_COMMAND_HELP[name]) for name, *_ in commands]
    english = language == ENGLISH
    return [(name, example, en if english else zh) for name, example, zh, en in commands]


def command_list(language: str) -> str:
    return "\n".join(
        f"<code>{escape(example)}</code> — {escape(description)}"
        for _name, example, description in _command_lines(language, COMMAND_HELP)
    )


def admin_command_list(language: str) -> str:
    """The admin commands with examples, under their heading (for admins' /help)."""
    lines = (
        f"<code>{escape(example)}</code> — {escape(description)}"
        for _name, example, description in _command_lines(language, ADMIN_COMMAND_HELP)
    )
    return "\n".join([raw(language, "admin.help"), *lines])


def menu_commands(language: str) -> list[tuple[str, str]]:
    """(command, description) pairs for Telegram's setMyCommands."""
    return [(name, text) for name, _example, text in _command_lines(language, COMMAND_HELP)]
