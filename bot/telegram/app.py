"""The python-telegram-bot Application, built in one place with every handler registered."""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.observability.endpoint import MetricsEndpoint
from bot.scheduler import Job, build_scheduler
from bot.services.alert_matching import AlertMatcher
from bot.services.alerts import alert_tick
from bot.services.backlog import refresh_backlog_gauges
from bot.services.context import Runtime
from bot.services.digest_tick import digest_tick
from bot.services.feed_polling import POLL_JOB_SECONDS
from bot.services.feeds import poll_due_feeds
from bot.services.prune import prune_if_configured
from bot.telegram import handlers, inline
from bot.telegram.delivery import DeliveryWorker
from bot.telegram.menus import register_menus
from bot.telegram.ordering import PerChatQueues
from bot.telegram.ratelimit import Limits, PriorityRateLimiter

logger = logging.getLogger(__name__)
WORKER_KEY, SCHEDULER_KEY, MATCHER_KEY = "delivery_worker", "scheduler", "alert_matcher"
METRICS_KEY = "metrics_endpoint"
DIGEST_TICK_SECONDS = 15
ALERT_TICK_SECONDS = 10
PRUNE_JOB_SECONDS = 24 * 3600  # PRUNE_OLDER_THAN_DAYS; does nothing when it is 0

BotApplication = Application[Any, Any, Any, Any, Any, Any]


def chat_queues(application: BotApplication) -> PerChatQueues:
    """The processor that queues each chat's updates (``bot.telegram.ordering``)."""
    processor = application.update_processor
    if not isinstance(processor, PerChatQueues):
        raise TypeError("the application was not built by build_application")
    return processor


def delivery_worker(application: BotApplication) -> DeliveryWorker:
    worker: DeliveryWorker = application.bot_data[WORKER_KEY]
    return worker


async def run_digest_tick(application: BotApplication) -> int:
    """The digest job: queue what is due, then wake this process's delivery worker."""
    queued = await digest_tick(handlers.runtime_of_app(application))
    if queued:
        delivery_worker(application).wake()
    return queued


async def run_alert_tick(application: BotApplication) -> int:
    """The alert job: match new articles against the watches, queue what is due, send."""
    matcher: AlertMatcher = application.bot_data[MATCHER_KEY]
    queued = await alert_tick(handlers.runtime_of_app(application), matcher)
    if queued:
        delivery_worker(application).wake()
    return queued


def periodic_jobs(application: BotApplication) -> dict[str, tuple[Job, float]]:
    async def digests() -> int:
        return await run_digest_tick(application)

    async def alerts() -> int:
        return await run_alert_tick(application)

    async def feeds() -> int:
        report = await poll_due_feeds(handlers.runtime_of_app(application))
        if report.notices:  # broken-feed notices to admins wait in the outbox
            delivery_worker(application).wake()
        return len(report.outcomes)

    async def prune() -> object:
        return await prune_if_configured(handlers.runtime_of_app(application))

    return {
        "digest_tick": (digests, DIGEST_TICK_SECONDS),
        "alert_tick": (alerts, ALERT_TICK_SECONDS),
        "feed_poll": (feeds, POLL_JOB_SECONDS),
        "prune": (prune, PRUNE_JOB_SECONDS),
    }


def metrics_endpoint(application: BotApplication) -> MetricsEndpoint | None:
    """The process's /metrics server, when METRICS_PORT is set."""
    endpoint: MetricsEndpoint | None = application.bot_data.get(METRICS_KEY)
    return endpoint


async def _start_metrics(application: BotApplication, runtime: Runtime) -> None:
    port = runtime.settings.metrics_port
    if port is None:
        return

    async def refresh() -> None:
        await refresh_backlog_gauges(runtime)

    listen = runtime.settings.metrics_listen
    endpoint = MetricsEndpoint(runtime.metrics.registry, refresh=refresh, listen=listen, port=port)
    await endpoint.start()
    application.bot_data[METRICS_KEY] = endpoint


async def _start(application: BotApplication) -> None:
    """After the bot is initialised: /metrics, the command menu, the delivery worker, the
    jobs."""
    runtime = handlers.runtime_of_app(application)
    await _start_metrics(application, runtime)  # first: it shows how the rest starts
    await register_menus(application.bot)
    if not application.bot.supports_inline_queries:
        logger.warning(
            "inline mode is off for @%s: @%s in a chat finds nothing until it is switched on "
            "(@BotFather, /setinline)",
            application.bot.username,
            application.bot.username,
        )
    worker = DeliveryWorker(runtime, cast(ExtBot[str], application.bot))
    worker.start()
    application.bot_data[WORKER_KEY] = worker
    if application.bot_data.get("run_jobs", True):
        scheduler = build_scheduler(runtime, periodic_jobs(application))
        scheduler.start()
        application.bot_data[SCHEDULER_KEY] = scheduler


async def _stop(application: BotApplication) -> None:
    """Before the bot stops: the updates chats queued are answered, no new jobs start, the
    messages in flight are finished, and /metrics is closed."""
    await chat_queues(application).finish()
    scheduler = application.bot_data.pop(SCHEDULER_KEY, None)
    if scheduler is not None:
        await scheduler.stop()  # lets running jobs finish; APScheduler alone cancels them
    worker = application.bot_data.pop(WORKER_KEY, None)
    if worker is not None:
        await worker.stop()
    endpoint = application.bot_data.pop(METRICS_KEY, None)
    if endpoint is not None:  # last: until then a scrape sees the messages in flight end
        await endpoint.stop()


async def _shutdown(application: BotApplication) -> None:
    await handlers.runtime_of_app(application).db.dispose()


def rate_limits(runtime: Runtime) -> Limits:
    """Telegram's limits, with ALLOW_PAID_BROADCAST's own for digests and alerts."""
    settings = runtime.settings
    return Limits(
        paid_per_second=settings.paid_broadcast_rate if settings.allow_paid_broadcast else None
    )


def build_application(runtime: Runtime, *, run_jobs: bool = True) -> BotApplication:
    """The bot for ``runtime``; ``run_jobs=False`` leaves the periodic jobs to the caller
    (tests run them with a controlled clock)."""
    token = runtime.settings.telegram_bot_token
    if token is None:
        raise ValueError("build_application needs TELEGRAM_BOT_TOKEN")
    chat_queues = PerChatQueues()
    application = (
        Application.builder()
        .token(token.get_secret_value())
        .base_url(runtime.settings.telegram_api_base_url)
        .rate_limiter(PriorityRateLimiter(rate_limits(runtime), metrics=runtime.metrics))
        .concurrent_updates(chat_queues)
        .post_init(_start)
        .post_stop(_stop)
        .post_shutdown(_shutdown)
        .build()
    )
    application.bot_data[handlers.RUNTIME_KEY] = runtime
    application.bot_data["run_jobs"] = run_jobs
    application.bot_data[MATCHER_KEY] = AlertMatcher()

    async def tell_flooding(update: Update) -> None:
        await handlers.tell_flooding(application.bot, update)

    chat_queues.on_overflow = tell_flooding
    # A channel's post that Telegram forwards into its linked discussion group is the
    # channel's, not a command to the group (a /subscribe there would get "admins only").
    commands = filters.COMMAND & ~filters.UpdateType.EDITED & ~filters.IS_AUTOMATIC_FORWARD
    application.add_handler(MessageHandler(commands, handlers.on_command))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migration))
    application.add_error_handler(handlers.on_error)
    return application
