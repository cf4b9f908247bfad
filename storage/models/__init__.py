"""SQLAlchemy 2 models, a module per part of the schema. Times are stored as UTC and always
come back timezone-aware (``UTCDateTime``). Everything is importable from here."""

from storage.models.articles import (
    Article,
    ArticleBand,
    CategoryCount,
    StoryKey,
    StorySourceRow,
)
from storage.models.base import UNDATED_SORT_AT, Base, BigId, UTCDateTime
from storage.models.chats import Chat, Subscription
from storage.models.delivery import Delivery, OutboxMessage
from storage.models.feeds import Feed
from storage.models.jobs import AlertGap, Heartbeat, JobCursor
from storage.models.watches import PendingAlert, WatchRow

__all__ = [
    "UNDATED_SORT_AT",
    "AlertGap",
    "Article",
    "ArticleBand",
    "Base",
    "BigId",
    "CategoryCount",
    "Chat",
    "Delivery",
    "Feed",
    "Heartbeat",
    "JobCursor",
    "OutboxMessage",
    "PendingAlert",
    "StoryKey",
    "StorySourceRow",
    "Subscription",
    "UTCDateTime",
    "WatchRow",
]
