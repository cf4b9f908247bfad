"""`newsdigest chat`: the bot's commands in a terminal, through the same services.

Replies are Telegram HTML; they are shown with rich styles. Buttons are listed with a
number: type the number to press one.
"""

from __future__ import annotations

import asyncio
import sys
from html.parser import HTMLParser

from rich.console import Console
from rich.style import Style
from rich.text import Text

from bot.services.commands import make_caller, press_button, run_command, split_command
from bot.services.context import Runtime
from digest.reply import Reply

CONSOLE_CHAT_ID = 0
_STYLES: dict[str, Style] = {
    "b": Style(bold=True),
    "strong": Style(bold=True),
    "i": Style(italic=True),
    "em": Style(italic=True),
    "code": Style(color="cyan"),
    "u": Style(underline=True),
}


class _HtmlToText(HTMLParser):
    """Telegram's small HTML subset to rich Text (links keep their address)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = Text()
        self._styles: list[Style] = []
        self._links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self._links.append(href)
            self._styles.append(Style(link=href) if href else Style())
        else:
            self._styles.append(_STYLES.get(tag, Style()))

    def handle_endtag(self, tag: str) -> None:
        if self._styles:
            self._styles.pop()
        if tag == "a" and self._links:
            href = self._links.pop()
            if href:
                self.text.append(f" <{href}>", style="dim")

    def handle_data(self, data: str) -> None:
        self.text.append(data, style=Style.combine(self._styles) if self._styles else Style())


def html_to_text(html: str) -> Text:
    parser = _HtmlToText()
    parser.feed(html)
    parser.close()
    return parser.text


def show(console: Console, reply: Reply) -> list[str]:
    """Print a reply, each message with its buttons numbered on from the message before
    (a listing's story buttons come first: typing a story's number opens it); return the
    callback data of the buttons, in the numbers shown."""
    pressed: list[str] = []
    for index, message in enumerate(reply.messages):
        console.print(html_to_text(message))
        for row in reply.keyboard(index):
            labels = []
            for button in row:
                pressed.append(button.callback_data)
                labels.append(f"[{len(pressed)}] {button.text}")
            console.print("   ".join(labels), style="magenta", markup=False)
        console.print()
    return pressed


async def answer(
    runtime: Runtime, line: str, buttons: list[str], language_code: str
) -> Reply | None:
    """The reply to one typed line: a command, a button number, or nothing."""
    caller = await make_caller(runtime, chat_id=CONSOLE_CHAT_ID, language_code=language_code)
    line = line.strip()
    if line.isdigit() and 0 < int(line) <= len(buttons):
        return await press_button(runtime, caller, buttons[int(line) - 1])
    parsed = split_command(line if line.startswith("/") else f"/{line}") if line else None
    if parsed is None:
        return None
    name, _target, args = parsed
    return await run_command(runtime, caller, name, args)


async def chat_loop(
    runtime: Runtime, *, language_code: str = "zh", console: Console | None = None
) -> None:
    """Read commands until end of input or /quit."""
    console = console or Console()
    console.print("newsdigest chat · /help lists the commands, /quit leaves", style="dim")
    buttons: list[str] = []
    while True:
        if console.is_terminal:
            console.print("> ", style="bold green", end="")
        try:
            line = await asyncio.to_thread(sys.stdin.readline)
        except KeyboardInterrupt:
            line = ""
        if not line:  # end of input
            console.print()
            return
        if line.strip() in {"/quit", "/exit", "quit", "exit"}:
            return
        reply = await answer(runtime, line, buttons, language_code)
        if reply is not None:
            buttons = show(console, reply)
