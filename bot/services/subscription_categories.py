"""A chat's digest categories as replies name them and as its subscription stores them:
the names given to /subscribe and /unsubscribe, resolved; those followed, or every
category but some."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Caller
from bot.texts.messages import Html, listing, raw, say
from digest.categories import english_label, known_category
from digest.followed_categories import FollowedCategories
from digest.scripts import in_script
from storage.articles import category_counts
from storage.models import Subscription
from storage.subscriptions import join_categories, split_categories


def category_names(caller: Caller, names: Sequence[str]) -> str:
    """Category names as replies show them (in English labels to English readers)."""
    shown = [
        english_label(n) if caller.language == "en" else in_script(n, caller.script) for n in names
    ]
    return listing(caller.language, shown)


def followed_labels(caller: Caller, followed: FollowedCategories) -> str:
    """The categories a chat follows, as replies name them."""
    if followed.names:
        return category_names(caller, followed.names)
    if followed.excluded:
        return Html(
            say(
                caller.language,
                "subscribe.all_except",
                names=category_names(caller, followed.excluded),
            )
        )
    return raw(caller.language, "subscribe.all")


def followed_categories(subscription: Subscription) -> FollowedCategories:
    """What the subscription follows, as stored."""
    return FollowedCategories(
        tuple(split_categories(subscription.categories)),
        tuple(split_categories(subscription.excluded_categories)),
    )


def follow(subscription: Subscription, followed: FollowedCategories) -> None:
    """Store what the subscription follows."""
    subscription.categories = join_categories(followed.names)
    subscription.excluded_categories = join_categories(followed.excluded)


async def resolve_categories(
    session: AsyncSession, names: list[str]
) -> tuple[list[str], list[str]]:
    """(canonical names, unknown names): a name is known from the table or from the store."""
    stored = {name for name, _count in await category_counts(session)}
    resolved, unknown = [], []
    for name in names:
        found = known_category(name)
        if found is not None:
            resolved.append(found.name)
        elif name in stored:
            resolved.append(name)
        else:
            unknown.append(name)
    return resolved, unknown
