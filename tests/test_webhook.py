"""Serving Telegram like a service: webhook mode with its secret, and a graceful stop on SIGTERM
in either mode. In-process tests run python-telegram-bot's real webhook server; the
subprocess tests run `newsdigest run` itself against the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import BotApplication, build_application
from bot.telegram.runner import serving
from bot.telegram.webhook import WebhookConfig, webhook_config
from digest.errors import ConfigError
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi
from tests.feeds_helpers import eventually
from tests.scraping import scrape_port

PUBLIC_URL = "https://bot.example.test/telegram/hook"
SECRET = "webhook-secret-for-tests_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ANY_ADDRESS = "0.0.0.0"  # noqa: S104 - a setting's value, nothing binds to it here
REPLIES_OK = "newsdigest_messages_sent_total"
START_TIMEOUT = 60  # a cold `python -m bot.cli.main` imports a lot, and migrates first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def post_update(
    config: WebhookConfig, update: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """What Telegram does: POST the Update JSON to the webhook (here, as the proxy forwards it)."""
    url = f"http://127.0.0.1:{config.port}/{config.url_path}"
    async with httpx.AsyncClient() as client:
        return await client.post(url, json=update, headers=headers)


@pytest.fixture
async def webhook_bot(
    runtime: Runtime, fake_api: FakeBotApi
) -> AsyncIterator[tuple[BotApplication, WebhookConfig]]:
    """The real Application serving its webhook on 127.0.0.1, talking to the fake Bot API."""
    runtime.settings = runtime.settings.model_copy(
        update={
            "telegram_api_base_url": fake_api.base_url,
            "telegram_bot_token": SecretStr(fake_api.token),
            "webhook_secret_token": SecretStr(SECRET),
            "webhook_port": free_port(),
        }
    )
    config = webhook_config(runtime.settings, PUBLIC_URL)
    assert config is not None
    application = build_application(runtime, run_jobs=False)

    async def start_webhook(updater: Any) -> object:
        return await updater.start_webhook(**config.server_arguments())

    async with serving(application, start_webhook):
        yield application, config


async def test_an_update_with_the_secret_is_answered(
    webhook_bot: tuple[BotApplication, WebhookConfig], fake_api: FakeBotApi
) -> None:
    application, config = webhook_bot
    info = await application.bot.get_webhook_info()
    assert info.url == PUBLIC_URL  # start_webhook registered it with setWebhook
    update = fake_api.send_text("/help")
    response = await post_update(config, update, {SECRET_HEADER: SECRET})
    assert response.status_code == 200
    [reply] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "/latest" in reply.plain_text


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong-secret"}], ids=["none", "wrong"])
async def test_an_update_without_the_right_secret_is_refused(
    webhook_bot: tuple[BotApplication, WebhookConfig],
    fake_api: FakeBotApi,
    headers: dict[str, str],
) -> None:
    _application, config = webhook_bot
    refused = await post_update(config, fake_api.send_text("/latest"), headers)
    assert refused.status_code == 403
    # Updates of one chat are handled in order: once the good one is answered, a refused one
    # that had slipped through would have been answered first.
    accepted = await post_update(config, fake_api.send_text("/help"), {SECRET_HEADER: SECRET})
    assert accepted.status_code == 200
    await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    [reply] = fake_api.messages()
    assert "/latest" in reply.plain_text  # /help's text, not /latest's answer


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_webhook_config_takes_the_path_and_makes_a_secret_when_none_is_set() -> None:
    config = webhook_config(_settings(webhook_port=9000), "https://example.org/tg/hook/")
    assert config is not None
    assert config.url_path == "tg/hook"
    assert (config.listen, config.port) == ("127.0.0.1", 9000)
    assert len(config.secret_token) >= 32
    assert config.secret_token not in repr(config)
    other = webhook_config(_settings(), "https://example.org/tg/hook/")
    assert other is not None
    assert other.secret_token != config.secret_token


def test_webhook_config_prefers_the_command_line_and_falls_back_to_polling() -> None:
    settings = _settings(webhook_url="https://a.example/x", webhook_listen=ANY_ADDRESS)
    config = webhook_config(settings, "https://b.example/y", listen="::1", port=8080)
    assert config is not None
    assert (config.url, config.listen, config.port) == ("https://b.example/y", "::1", 8080)
    from_settings = webhook_config(settings)
    assert from_settings is not None
    assert (from_settings.url, from_settings.listen) == ("https://a.example/x", ANY_ADDRESS)
    assert webhook_config(_settings(webhook_url="")) is None


@pytest.mark.parametrize(
    "url", ["http://example.org/hook", "example.org/hook", "https:///hook", "https://e.org/h?x=1"]
)
def test_webhook_url_must_be_https_with_a_host(url: str) -> None:
    with pytest.raises(ConfigError, match="webhook URL"):
        webhook_config(_settings(), url)


def test_a_webhook_secret_telegram_would_refuse_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="A-Z"):
        _settings(webhook_secret_token="has spaces and ü")


# -- `newsdigest run` as a process ---------------------------------------------------------


@asynccontextmanager
async def newsdigest_process(
    *args: str, database_url: str, api: FakeBotApi, cwd: Path, env: dict[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`newsdigest ARGS` running against the fake Bot API; killed if the test leaves it running."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_", "LOG_", "ADMIN_IDS"))
    }
    environment |= {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        **(env or {}),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        *args,
        cwd=cwd,
        env=environment,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def read_log_until(process: asyncio.subprocess.Process, message: str) -> list[str]:
    """Log lines (JSON: stderr is a pipe) up to the first whose message is ``message``."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(START_TIMEOUT):
        while True:
            raw = await process.stderr.readline()
            assert raw, f"exited ({await process.wait()}) before logging {message!r}:\n" + "".join(
                lines
            )
            lines.append(raw.decode())
            if json.loads(raw)["message"] == message:
                return lines


async def stop_with_sigterm(process: asyncio.subprocess.Process) -> list[dict[str, Any]]:
    """SIGTERM, as `docker stop` sends; the remaining log records once it has exited."""
    process.send_signal(signal.SIGTERM)
    _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    return [json.loads(line) for line in err.decode().splitlines()]


async def _replies_counted(metrics_port: int, command: str) -> None:
    """The process's own /metrics counted the reply to ``command`` (it counts a message
    once Telegram answered: just after the fake stored it)."""

    async def counted() -> bool:
        scraped = await scrape_port(metrics_port)
        return scraped.value(REPLIES_OK, kind="reply", outcome="ok") == 1

    await eventually(counted)
    scraped = await scrape_port(metrics_port)
    assert scraped.value("newsdigest_update_handling_seconds_count", command=command) == 1


async def test_polling_bot_stops_cleanly_on_sigterm(
    database_url: str, tmp_path: Path, fake_api: FakeBotApi
) -> None:
    metrics_port = free_port()
    async with newsdigest_process(
        "run",
        database_url=database_url,
        api=fake_api,
        cwd=tmp_path,
        env={"METRICS_PORT": str(metrics_port)},
    ) as process:
        fake_api.send_text("/help")
        await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, timeout=START_TIMEOUT)
        assert fake_api.stats.calls["getUpdates"] >= 1
        await _replies_counted(metrics_port, "help")
        records = await stop_with_sigterm(process)
    messages = [record["message"] for record in records]
    # PTB stopped the application (post_stop then finishes the delivery worker's batch), and
    # run_polling came back without an error.
    assert "Application.stop() complete" in messages
    assert messages[-1] == "stopped"
    failures = [record for record in records if record["level"] in {"ERROR", "CRITICAL"}]
    assert not failures, "\n".join(f"{r['message']}\n{r.get('exception')}" for r in failures)


async def test_webhook_bot_serves_and_stops_cleanly_on_sigterm(
    database_url: str, tmp_path: Path, fake_api: FakeBotApi
) -> None:
    port, metrics_port = free_port(), free_port()
    async with newsdigest_process(
        "run",
        "--webhook",
        PUBLIC_URL,
        "--port",
        str(port),
        database_url=database_url,
        api=fake_api,
        cwd=tmp_path,
        env={
            "WEBHOOK_SECRET_TOKEN": SECRET,
            "LOG_LEVEL": "DEBUG",
            "METRICS_PORT": str(metrics_port),
        },
    ) as process:
        started = await read_log_until(process, "Application started")
        config = WebhookConfig(url=PUBLIC_URL, listen="127.0.0.1", port=port, secret_token=SECRET)
        refused = await post_update(config, fake_api.send_text("/latest"), {})
        assert refused.status_code == 403
        response = await post_update(config, fake_api.send_text("/help"), {SECRET_HEADER: SECRET})
        assert response.status_code == 200
        [reply] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
        assert "/latest" in reply.plain_text
        assert fake_api.stats.calls["getUpdates"] == 0
        await _replies_counted(metrics_port, "help")
        records = await stop_with_sigterm(process)
    log = "".join(started) + json.dumps(records)
    assert "stopped" in [record["message"] for record in records]
    # DEBUG logs every Bot API call's parameters, setWebhook's secret_token included.
    assert "setWebhook" in log
    assert SECRET not in log
    assert fake_api.token not in log


def test_empty_values_copied_from_env_example_mean_unset() -> None:
    settings = _settings(telegram_bot_token="", webhook_url=" ", webhook_secret_token="")
    assert settings.telegram_bot_token is None
    assert settings.webhook_url is None
    assert settings.webhook_secret_token is None
