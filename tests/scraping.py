"""Reading a running bot's /metrics as Prometheus does."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.telegram.app import BotApplication, metrics_endpoint


class Scrape:
    """One scrape: each sample's value by its name and labels."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self.samples[(sample.name, frozenset(sample.labels.items()))] = sample.value

    def value(self, name: str, **labels: str) -> float:
        """The sample's value; KeyError naming it when the scrape has no such sample."""
        return self.samples[(name, frozenset(labels.items()))]

    def names(self) -> set[str]:
        return {name for name, _labels in self.samples}


async def scrape_port(port: int, host: str = "127.0.0.1") -> Scrape:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://{host}:{port}/metrics")
    response.raise_for_status()
    assert response.headers["content-type"].startswith("text/plain")
    return Scrape(response.text)


async def scrape(application: BotApplication) -> Scrape:
    endpoint = metrics_endpoint(application)
    assert endpoint is not None, "the bot serves no /metrics: set metrics_port"
    return await scrape_port(endpoint.port)
