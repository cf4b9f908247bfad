"""Every user-facing text, one catalogue per language. Placeholders are str.format fields.

Values are HTML: placeholders that carry user or article text must be escaped by the caller
(``say`` escapes every argument it is given).
"""

from __future__ import annotations

from html import escape

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
    ("help", "/help", "显示这份说明", "show this help"),
)

CATALOGUES = {"zh": ZH, "en": EN}


def language_for(language_code: str | None) -> str:
    """English for users whose Telegram language is English, Simplified Chinese otherwise."""
    return "en" if language_code and language_code.lower().startswith("en") else "zh"


def say(language: str, key: str, **values: object) -> str:
    """The catalogue text, with every value HTML-escaped."""
    template = CATALOGUES.get(language, ZH)[key]
    return template.format(
        **{name: escape(str(value), quote=False) for name, value in values.items()}
    )


def raw(language: str, key: str) -> str:
    """A catalogue text with no placeholders (button labels, one-liners)."""
    return CATALOGUES.get(language, ZH)[key]


def command_list(language: str) -> str:
    english = language == "en"
    return "\n".join(
        f"<code>{escape(example)}</code> — {escape(en if english else zh)}"
        for _name, example, zh, en in COMMAND_HELP
    )


def menu_commands(language: str) -> list[tuple[str, str]]:
    """(command, description) pairs for Telegram's setMyCommands."""
    english = language == "en"
    return [(name, en if english else zh) for name, _example, zh, en in COMMAND_HELP]
