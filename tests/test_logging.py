"""Logs for operators: JSON lines off a terminal, text on one, levels by setting, and no
secret (bot token, database password, webhook secret) in any line or error message."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot

from bot.logs import configure_logging, redact_also
from bot.settings import Settings
from tests.fakebot import FakeBotApi
from tests.test_cli import newsdigest

TOKEN = "123456:TEST-TOKEN"  # the fake Bot API's
PASSWORD = "p@ss:w0rd/x"  # characters that URL-encode, as operators' passwords do
DATABASE_URL = "postgresql+asyncpg://newsdigest:p%40ss%3Aw0rd%2Fx@db.internal:5432/newsdigest"
WEBHOOK_SECRET = "webhook-secret-0123456789"
SECRETS = (TOKEN, PASSWORD, "p%40ss%3Aw0rd%2Fx", WEBHOOK_SECRET)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handler; give pytest's logging back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ("httpx", "httpcore", "apscheduler", "alembic", "tornado.access", "trafilatura")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


def _settings(**values: object) -> Settings:
    defaults: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "database_url": DATABASE_URL,
        "webhook_secret_token": WEBHOOK_SECRET,
    }
    return Settings(_env_file=None, **(defaults | values))  # type: ignore[call-arg]


def _assert_no_secret(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output, f"{secret!r} leaked into:\n{output}"


def test_json_lines_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    configure_logging(_settings(), stream)
    logging.getLogger("newsdigest.test").info("polled %d feeds", 3)
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "newsdigest.test"
    assert entry["message"] == "polled 3 feeds"
    assert entry["time"].endswith("+00:00")


def test_readable_text_on_a_terminal() -> None:
    stream = Terminal()
    configure_logging(_settings(), stream)
    logging.getLogger("newsdigest.test").warning("feed %s failed", "https://example.org/rss")
    [line] = stream.getvalue().splitlines()
    assert not line.startswith("{")
    assert "WARNING newsdigest.test: feed https://example.org/rss failed" in line


@pytest.mark.parametrize(("log_format", "expect_json"), [("json", True), ("TEXT", False)])
def test_log_format_setting_overrides_the_terminal_check(
    log_format: str, expect_json: bool
) -> None:
    stream = Terminal() if expect_json else io.StringIO()
    configure_logging(_settings(log_format=log_format), stream)
    logging.getLogger("newsdigest.test").error("boom")
    assert stream.getvalue().startswith("{") is expect_json


def test_level_comes_from_the_setting() -> None:
    stream = io.StringIO()
    configure_logging(_settings(log_level="warning"), stream)
    logger = logging.getLogger("newsdigest.test")
    logger.info("routine")
    logger.warning("unusual")
    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == ["unusual"]


@pytest.mark.parametrize("stream_type", [io.StringIO, Terminal])
def test_no_secret_in_messages_arguments_tracebacks_or_stacks(
    stream_type: type[io.StringIO],
) -> None:
    stream = stream_type()
    configure_logging(_settings(log_level="DEBUG"), stream)
    logger = logging.getLogger("newsdigest.test")
    logger.info(f"token {TOKEN} in the message itself")  # noqa: G004 - what careless code does
    logger.debug("url %s, password %s", DATABASE_URL, PASSWORD)
    logger.warning("webhook secret %r", WEBHOOK_SECRET, stack_info=True)
    try:
        raise ConnectionError(f"POST https://api.telegram.org/bot{TOKEN}/getMe to {DATABASE_URL}")
    except ConnectionError:
        logger.exception("request failed")
    output = stream.getvalue()
    assert output.count("***") >= 5
    assert "request failed" in output
    assert "ConnectionError" in output
    _assert_no_secret(output)


def test_a_secret_made_after_start_up_is_redacted_too() -> None:
    stream = io.StringIO()
    configure_logging(_settings(webhook_secret_token=None), stream)
    redact_also("generated-secret-abcdef")
    logging.getLogger("newsdigest.test").info("secret_token=generated-secret-abcdef")
    assert "generated-secret-abcdef" not in stream.getvalue()


async def test_httpx_and_telegram_debug_logs_never_show_the_token(fake_api: FakeBotApi) -> None:
    stream = io.StringIO()
    configure_logging(_settings(log_level="DEBUG"), stream)
    # configure_logging quiets httpx; an operator debugging HTTP may turn it back on.
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{fake_api.base_url}{TOKEN}/getMe")
    assert response.status_code == 200
    async with Bot(TOKEN, base_url=fake_api.base_url) as bot:
        await bot.get_me()
    output = stream.getvalue()
    assert "HTTP Request: GET" in output  # httpx's request line, URL included
    assert "Set Bot API URL" in output  # python-telegram-bot's, token included
    _assert_no_secret(output)


async def test_a_refused_token_is_one_clear_line_without_the_token(
    database_url: str, tmp_path: Path, fake_api: FakeBotApi
) -> None:
    wrong_token = "654321:WRONG-TOKEN-abcdef"
    result = await newsdigest(
        "run",
        database_url=database_url,
        cwd=tmp_path,
        env={"TELEGRAM_BOT_TOKEN": wrong_token, "TELEGRAM_API_BASE_URL": fake_api.base_url},
    )
    assert result.code == 1, result
    *log, last = result.err.splitlines()
    assert last == "error: the Bot API refused TELEGRAM_BOT_TOKEN: check it with @BotFather"
    # No crash: everything before it is log records (python-telegram-bot logs its own).
    for line in log:
        json.loads(line)
    assert wrong_token not in result.out + result.err
    assert "WRONG-TOKEN" not in result.out + result.err


def test_a_url_password_is_masked_in_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    configure_logging(_settings(webhook_secret_token=None), stream)
    logger = logging.getLogger("newsdigest.test")
    logger.info("feed %s failed", "https://reader:s3cr%40t@feeds.example/rss.xml")
    try:
        raise ValueError("cannot read http://reader:s3cr@t@feeds.example:8080/a.xml?x=1")
    except ValueError:
        logger.exception("feed failed")
    output = stream.getvalue()
    assert "https://reader:***@feeds.example/rss.xml failed" in output
    assert "http://reader:***@feeds.example:8080/a.xml?x=1" in output
    assert "s3cr" not in output
