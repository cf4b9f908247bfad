"""One canonical name per category, with the aliases sources and users write.

Extend ``CATEGORY_ALIASES``: the first name of each entry is the canonical one (it is what
is stored and shown), the English label is shown to English-speaking users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.scripts import fold_script


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    english: str
    aliases: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "国际",
        "World",
        ("国际新闻", "国际资讯", "世界", "全球", "world", "international", "global", "world news"),
    ),
    Category(
        "国内", "China", ("国内新闻", "中国", "时政", "china", "domestic", "national", "politics")
    ),
    Category(
        "财经",
        "Business",
        (
            "经济",
            "金融",
            "商业",
            "股票",
            "股市",
            "finance",
            "economy",
            "business",
            "markets",
            "money",
        ),
    ),
    Category("科技", "Tech", ("科学", "互联网", "数码", "tech", "technology", "science", "it")),
    Category("体育", "Sports", ("运动", "足球", "篮球", "sport", "sports")),
    Category("娱乐", "Entertainment", ("明星", "影视", "entertainment", "showbiz", "celebrity")),
    Category("军事", "Military", ("国防", "military", "defense", "defence")),
    Category("社会", "Society", ("社会新闻", "民生", "society", "social", "local")),
    Category("健康", "Health", ("医疗", "养生", "health", "medicine")),
    Category("教育", "Education", ("education", "school")),
    Category("汽车", "Auto", ("auto", "autos", "cars")),
    Category("文化", "Culture", ("历史", "culture", "history", "arts")),
)

UNCATEGORISED = "综合"
_SUFFIXES = ("新闻", "资讯", "频道", "news")
_SPACES = re.compile(r"\s+")
_BY_ALIAS: dict[str, Category] = {}
for _category in CATEGORIES:
    for _alias in (_category.name, _category.english, *_category.aliases):
        _BY_ALIAS[_alias.casefold()] = _category


def _lookup(key: str) -> Category | None:
    key = fold_script(key)  # 國際 is 国际
    found = _BY_ALIAS.get(key)
    if found is not None:
        return found
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            found = _BY_ALIAS.get(key[: -len(suffix)].strip())
            if found is not None:
                return found
    return None


def normalise_category(raw: str | None) -> str:
    """The canonical name for ``raw``; unknown names are kept (trimmed), never dropped."""
    if raw is None:
        return UNCATEGORISED
    cleaned = _SPACES.sub(" ", raw).strip()
    if not cleaned:
        return UNCATEGORISED
    found = _lookup(cleaned.casefold())
    # An unknown name in either script is one category (stored as its Simplified fold).
    return found.name if found is not None else fold_script(cleaned)[:64]


def known_category(raw: str) -> Category | None:
    """The category ``raw`` names, or ``None`` when it is not one of the table's."""
    return _lookup(_SPACES.sub(" ", raw).strip().casefold())


def english_label(name: str) -> str:
    found = _BY_ALIAS.get(fold_script(name).casefold())
    return found.english if found is not None else name
