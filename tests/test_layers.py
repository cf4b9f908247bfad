"""The rooms keep their layering: front ends (bot/telegram, bot/cli) → services → storage →
digest, with nothing pointing back up. A module that imports against it fails here, named."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

# What each room may not import (a name, or the start of one followed by a dot).
FORBIDDEN = {
    "digest": ("bot", "storage", "telegram", "sqlalchemy"),
    "storage": ("bot", "telegram"),
    "bot/services": ("bot.telegram", "bot.cli", "telegram"),
    "bot/observability": ("bot.telegram", "bot.cli", "bot.services", "storage", "telegram"),
    "bot/fetching": ("bot.telegram", "bot.cli", "bot.services", "storage", "telegram"),
    "bot/texts": ("bot.telegram", "bot.cli", "bot.services", "storage", "telegram"),
}


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _breaks(module: str, forbidden: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in forbidden)


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_a_room_imports_nothing_from_the_rooms_above_it(room: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / room).rglob("*.py"))
        for module in _imported_modules(path)
        if _breaks(module, FORBIDDEN[room])
    ]
    assert wrong == []


def test_the_check_sees_a_forbidden_import() -> None:
    assert _breaks("bot.telegram.app", FORBIDDEN["bot/services"])
    assert not _breaks("bot.telegraphy", FORBIDDEN["bot/services"])
