"""Webhook mode: Telegram POSTs each update to a public HTTPS URL; a reverse proxy in front
terminates TLS and forwards to python-telegram-bot's webhook server on ``listen:port``."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.settings import Settings
from digest.errors import ConfigError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookConfig:
    """Where Telegram posts (``url``), where we listen, and the secret every request carries
    in ``X-Telegram-Bot-Api-Secret-Token`` (python-telegram-bot answers 403 without it)."""

    url: str
    listen: str
    port: int
    secret_token: str = field(repr=False)

    @property
    def url_path(self) -> str:
        """The local path: the public URL's, since a proxy forwards the path unchanged."""
        return urlsplit(self.url).path.strip("/")

    def server_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``Application.run_webhook`` and ``Updater.start_webhook``
        (one source, so tests start exactly the server production does)."""
        return {
            "listen": self.listen,
            "port": self.port,
            "url_path": self.url_path,
            "webhook_url": self.url,
            "secret_token": self.secret_token,
            "allowed_updates": Update.ALL_TYPES,
        }


def check_webhook_url(url: str) -> str:
    """The URL when Telegram would accept it for a webhook; ConfigError naming the rule if not."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(
            f"the webhook URL must be https://host/path (Telegram only posts to HTTPS), "
            f"not {url!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigError("the webhook URL takes no ?query or #fragment: put it all in the path")
    return url.strip()


def webhook_config(
    settings: Settings,
    url: str | None = None,
    *,
    listen: str | None = None,
    port: int | None = None,
) -> WebhookConfig | None:
    """The webhook to serve: ``url`` (``--webhook``) or WEBHOOK_URL; None means long polling.

    Without WEBHOOK_SECRET_TOKEN a random secret is made for this run; setWebhook hands it to
    Telegram at each start, which is enough for one process. Several processes behind one URL
    need the same secret, so they must set it.
    """
    url = url or settings.webhook_url
    if not url:
        return None
    url = check_webhook_url(url)
    if settings.webhook_secret_token is not None:
        secret = settings.webhook_secret_token.get_secret_value()
    else:
        secret = secrets.token_urlsafe(32)  # 43 characters of A-Z a-z 0-9 _ -
        logger.info("WEBHOOK_SECRET_TOKEN is not set: using a random secret for this run")
    return WebhookConfig(
        url=url,
        listen=listen or settings.webhook_listen,
        port=port or settings.webhook_port,
        secret_token=secret,
    )
