"""Fixtures for the feed tests: a feed server, and a runtime that lets feeds point at
127.0.0.1 and knows an admin. Test modules load them with
``pytest_plugins = ["tests.feeds_fixtures"]`` (and import nothing from here)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.services.context import Runtime
from tests.feeds_helpers import ADMIN_ID
from tests.feedserver import FeedServer


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


@pytest.fixture
def feed_runtime(runtime: Runtime) -> Runtime:
    """The runtime, with ``ADMIN_ID`` an admin and feeds allowed on 127.0.0.1.

    List it before ``bot`` in a test's arguments, so the bot starts with these settings.
    """
    runtime.settings = runtime.settings.model_copy(
        update={
            "admin_ids": frozenset({ADMIN_ID}),
            "allow_private_feed_urls": True,
            "feed_poll_interval": 900,
        }
    )
    return runtime
