"""Method parameters as Telegram reads them: form fields are strings, nested objects JSON.

python-telegram-bot 22 posts ``application/x-www-form-urlencoded`` (multipart when uploading)
where every value is a string: ``str`` values as they are, anything else ``json.dumps``-ed,
so ints arrive as ``"123"``, booleans as ``"true"`` and ``reply_markup`` as a JSON text. A JSON
body (``application/json``) carries native values instead; both are accepted here.
"""

import json
from typing import Any

from .records import bad_request


class Params:
    """Typed access to one call's parameters; a wrong type answers 400 like Telegram."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a Number') from None

    def flag(self, name: str) -> bool | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1")

    def json(self, name: str) -> Any:
        """A nested object: JSON text in form data, a native value in a JSON body."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
