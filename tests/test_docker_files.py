"""The container files, checked statically (no Docker engine runs here), and the lock.

When a Docker engine is reachable, one more test builds the image and runs it.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from bot.settings import Settings

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# -- a YAML reader for the subset compose.yaml uses (PyYAML is not a dependency) ------------


@dataclass
class _Line:
    indent: int
    text: str


def _scalar(text: str) -> Any:
    if text.startswith(("[", '"')):
        return json.loads(text)  # flow sequences of double-quoted strings, quoted strings
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return {"true": True, "false": False, "null": None, "~": None}.get(text, text)


def _block(lines: list[_Line], index: int) -> tuple[Any, int]:
    indent = lines[index].indent
    if lines[index].text.startswith("- "):
        items = []
        while index < len(lines) and lines[index].indent == indent:
            items.append(_scalar(lines[index].text[2:].strip()))
            index += 1
        return items, index
    mapping: dict[str, Any] = {}
    while index < len(lines) and lines[index].indent == indent:
        key, _, rest = lines[index].text.partition(":")
        index += 1
        if rest.strip():
            mapping[key] = _scalar(rest.strip())
        elif index < len(lines) and lines[index].indent > indent:
            mapping[key], index = _block(lines, index)
        else:
            mapping[key] = None
    return mapping, index


def read_yaml(text: str) -> Any:
    """Block mappings and sequences, plain/quoted scalars, JSON-style flow sequences, and
    whole-line comments: what compose.yaml uses, no more."""
    lines = [
        _Line(len(raw) - len(raw.lstrip(" ")), raw.strip())
        for raw in text.splitlines()
        if raw.strip() and not raw.lstrip().startswith("#")
    ]
    value, end = _block(lines, 0)
    assert end == len(lines), f"unsupported YAML at {lines[end].text!r}"
    return value


COMPOSE = read_yaml((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_the_yaml_reader_agrees_with_pyyaml_when_installed() -> None:
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8")) == COMPOSE


# -- Dockerfile ----------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n(?:[ \t]*#[^\n]*\n)*", " ", DOCKERFILE)
    found = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, _, arguments = line.partition(" ")
            found.append((name.upper(), arguments.strip()))
    return found


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def test_dockerfile_is_multi_stage_on_a_pinned_slim_base() -> None:
    instructions = _instructions()
    stages = [arguments for name, arguments in instructions if name == "FROM"]
    assert len(stages) >= 2
    [base] = [arguments for name, arguments in instructions if name == "ARG"]
    assert base == "PYTHON_IMAGE=python:3.11-slim-bookworm"
    assert all(stage.startswith("${PYTHON_IMAGE}") for stage in stages)
    assert any("COPY --from=build /opt/venv" in f"{n} {a}" for n, a in _final_stage())


def test_dockerfile_installs_the_project_with_the_lock() -> None:
    runs = [arguments for name, arguments in _instructions() if name == "RUN"]
    assert any("pip install -c constraints.txt '.[postgres]'" in run for run in runs)
    copied = " ".join(arguments for name, arguments in _instructions() if name == "COPY")
    for needed in ("pyproject.toml", "README.md", "constraints.txt"):
        assert needed in copied
    for package in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert f"{package.rstrip('*')} " in copied + " "


def test_image_runs_as_a_non_root_user_with_run_and_health() -> None:
    stage = _final_stage()
    users = [arguments for name, arguments in stage if name == "USER"]
    assert users
    assert users[-1] not in {"root", "0", "0:0"}
    names = [name for name, _ in stage]
    assert names.index("USER") < names.index("CMD")
    [healthcheck] = [arguments for name, arguments in stage if name == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["newsdigest", "health"]')
    [command] = [arguments for name, arguments in stage if name == "CMD"]
    assert json.loads(command) == ["newsdigest", "run"]
    env = " ".join(arguments for name, arguments in stage if name == "ENV")
    assert "WEBHOOK_LISTEN=0.0.0.0" in env


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for line in patterns:
        negate = line.startswith("!")
        pattern = line.removeprefix("!").removeprefix("**/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/"):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_secrets_out_and_sources_in() -> None:
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    patterns = [line.strip() for line in text.splitlines() if line.strip()[:1] not in {"", "#"}]
    for kept_out in (".env", ".venv", ".git", "data"):
        assert _ignored(kept_out, patterns), kept_out
    for name, arguments in _instructions():
        if name == "COPY" and not arguments.startswith("--from"):
            *sources, _target = arguments.split()
            for source in sources:
                assert not _ignored(source, patterns), source


# -- compose.yaml ----------------------------------------------------------------------------


def test_compose_runs_postgres_15_with_a_named_volume_and_a_healthcheck() -> None:
    db = COMPOSE["services"]["db"]
    assert db["image"] == "postgres:15"
    [volume] = db["volumes"]
    name, _, mount = volume.partition(":")
    assert mount == "/var/lib/postgresql/data"
    assert name in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_bot_waits_for_the_database_and_reaches_it_with_asyncpg() -> None:
    bot = COMPOSE["services"]["bot"]
    db = COMPOSE["services"]["db"]
    assert bot["build"] == "."
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["env_file"] == ".env"
    url = bot["environment"]["DATABASE_URL"]
    user, database = db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]
    assert url.startswith(f"postgresql+asyncpg://{user}:${{POSTGRES_PASSWORD")
    assert url.endswith(f"@db:5432/{database}")
    assert bot["healthcheck"]["test"] == ["CMD", "newsdigest", "health"]
    assert bot["environment"]["WEBHOOK_LISTEN"] == "0.0.0.0"  # noqa: S104 - in its container
    assert bot["ports"] == [f"127.0.0.1:8443:{bot['environment']['WEBHOOK_PORT']}"]


# -- settings, lock --------------------------------------------------------------------------


def test_env_example_documents_every_setting_and_the_compose_password() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert {name.upper() for name in Settings.model_fields} <= documented
    assert "POSTGRES_PASSWORD" in documented


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"not an exact pin: {line!r}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = pinned.strip()
    return pins


def test_the_lock_pins_every_dependency_inside_its_range() -> None:
    locked = _locked()
    project = PYPROJECT["project"]
    requirements = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += extra
    for text in requirements:
        requirement = Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in locked, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(locked[name]), (text, locked[name])


def test_the_lock_is_what_this_environment_runs() -> None:
    stale = {}
    for name, pinned in _locked().items():
        try:
            running = installed_version(name)
        except PackageNotFoundError:
            continue
        if running != pinned:
            stale[name] = (pinned, running)
    assert not stale, f"regenerate constraints.txt (see its header): {stale}"


# -- the image, where Docker runs -------------------------------------------------------------


def _docker_engine() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    info = subprocess.run([docker, "info"], capture_output=True, timeout=30, check=False)  # noqa: S603
    return docker if info.returncode == 0 else None


DOCKER = _docker_engine()


@pytest.mark.skipif(DOCKER is None, reason="no Docker engine: the files are checked statically")
def test_image_builds_and_runs_as_non_root() -> None:
    assert DOCKER is not None
    tag = "newsdigest:smoke-test"

    def docker(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [DOCKER, *args], capture_output=True, text=True, timeout=timeout, check=False
        )

    build = docker("build", "--tag", tag, str(ROOT), timeout=1200)
    assert build.returncode == 0, build.stderr[-3000:]
    version = docker("run", "--rm", tag, "newsdigest", "--version")
    assert version.stdout.startswith("newsdigest "), version
    user = docker("run", "--rm", tag, "id", "-u")
    assert user.stdout.strip() not in {"", "0"}, user
    health = docker("run", "--rm", tag, "newsdigest", "health")
    assert health.returncode == 1, health
    assert "pending" in health.stdout
    assert "Traceback" not in health.stderr
