"""reply_markup as Telegram checks it: inline buttons need text and one action, data ≤ 64 bytes."""

from typing import Any

from .records import bad_request

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")
# Telegram refuses an inline keyboard of more buttons (undocumented, long observed).
MAX_INLINE_BUTTONS = 100


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_EMPTY")
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(_URL_SCHEMES)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """The reply_markup as Telegram would accept it, or raise its 400."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for key in ("inline_keyboard", "keyboard"):
        if key not in markup:
            continue
        rows = markup[key]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(f"can't parse reply keyboard markup: field {key} must be an Array")
        if key == "inline_keyboard" and sum(map(len, rows)) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                if key == "inline_keyboard":
                    _check_button(button)
                elif not isinstance(button, str | dict):
                    raise bad_request("can't parse keyboard button")
    return markup
