"""The monitoring profile (compose.yaml, monitoring/): Prometheus scrapes the bot's /metrics and
Grafana shows the provisioned dashboard. Without Docker here, the dashboard's queries are
checked against a live scrape of a running bot: a metric renamed in the code and not in the
dashboard (or the reverse) fails here, not on an operator's screen."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.observability.metrics import Metrics
from bot.services.context import Runtime
from bot.telegram.app import BotApplication
from tests.conftest import running_bot
from tests.conversation import say
from tests.fakebot import FakeBotApi
from tests.scraping import scrape
from tests.test_docker_files import COMPOSE

ROOT = Path(__file__).parent.parent
MONITORING = ROOT / "monitoring"
DASHBOARD = json.loads((MONITORING / "grafana/dashboards/newsdigest.json").read_text("utf-8"))
# A metric in PromQL: a name, then a selector, a range, a closing parenthesis or a space.
METRIC_NAME = re.compile(r"\b((?:newsdigest|process)_[a-z_]+)\b(?!\s*\()")


def _expressions() -> list[str]:
    return [target["expr"] for panel in DASHBOARD["panels"] for target in panel.get("targets", [])]


def _queried() -> set[str]:
    return {name for expr in _expressions() for name in METRIC_NAME.findall(expr)}


@pytest.fixture
async def metered_bot(runtime: Runtime, fake_api: FakeBotApi) -> AsyncIterator[BotApplication]:
    runtime.settings = runtime.settings.model_copy(update={"metrics_port": 0})
    async with running_bot(runtime, fake_api) as application:
        yield application


async def test_every_metric_the_dashboard_queries_is_in_a_live_scrape(
    fake_api: FakeBotApi, metered_bot: BotApplication
) -> None:
    await say(fake_api, "/help")  # a command's histogram has a series once one was handled
    scraped = await scrape(metered_bot)
    queried = _queried()
    assert len(queried) >= 15
    assert sorted(queried - scraped.names()) == []


def test_the_dashboard_shows_every_metric_of_the_bot() -> None:
    families = {
        family.name for family in Metrics().registry.collect() if family.name.startswith("news")
    }
    queried = _queried()
    shown = {f for f in families if any(name.startswith(f"{f}_") or name == f for name in queried)}
    assert sorted(families - shown) == []


def test_the_metric_pattern_tells_metrics_from_functions() -> None:
    expr = "histogram_quantile(0.95, sum by (le) (rate(newsdigest_send_seconds_bucket[5m])))"
    assert METRIC_NAME.findall(expr) == ["newsdigest_send_seconds_bucket"]


def _yaml(path: Path) -> Any:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(path.read_text("utf-8"))


def test_compose_runs_prometheus_and_grafana_only_in_the_monitoring_profile() -> None:
    services = COMPOSE["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
        assert all(port.startswith("127.0.0.1:") for port in services[name]["ports"])
    for name in ("db", "bot"):
        assert "profiles" not in services[name]  # `docker compose up` alone runs them


def test_prometheus_scrapes_the_port_the_bot_serves_its_metrics_on() -> None:
    bot = COMPOSE["services"]["bot"]["environment"]
    assert bot["METRICS_LISTEN"] == "0.0.0.0"  # noqa: S104 - in its container, not published
    config = _yaml(MONITORING / "prometheus.yml")
    [job] = config["scrape_configs"]
    assert job["static_configs"][0]["targets"] == [f"bot:{bot['METRICS_PORT']}"]
    volumes = COMPOSE["services"]["prometheus"]["volumes"]
    assert "./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in volumes


def test_grafana_is_provisioned_with_the_data_source_and_dashboard_of_the_repo() -> None:
    mounts = dict(
        volume.split(":")[:2]
        for volume in COMPOSE["services"]["grafana"]["volumes"]
        if volume.startswith("./")
    )
    provisioning = MONITORING / "grafana/provisioning"
    assert mounts["./monitoring/grafana/provisioning"] == "/etc/grafana/provisioning"
    [provider] = _yaml(provisioning / "dashboards/newsdigest.yml")["providers"]
    assert mounts["./monitoring/grafana/dashboards"] == provider["options"]["path"]
    [source] = _yaml(provisioning / "datasources/prometheus.yml")["datasources"]
    assert source["url"] == "http://prometheus:9090"
    used = {
        target["datasource"]["uid"]
        for panel in DASHBOARD["panels"]
        for target in panel.get("targets", [])
    }
    assert used == {source["uid"]}
