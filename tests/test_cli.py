"""The `newsdigest` command end to end, as a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_PAGE

SAMPLE_FILE = SAMPLE_PAGE


@dataclass
class Result:
    code: int
    out: str
    err: str


async def newsdigest(
    *args: str, database_url: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> Result:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_URL", "ADMIN_IDS", "DEFAULT_"))
    }
    environment |= {"DATABASE_URL": database_url, "COLUMNS": "200", **(env or {})}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        *args,
        cwd=cwd,
        env=environment,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=60)
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(SAMPLE_FILE, folder / "nested" / "sample.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (folder / "notes.txt").write_text("购物清单\n苹果\n香蕉\n", encoding="utf-8")
    return folder


async def test_ingest_reports_each_failed_input_and_exits_1(
    database_url: str, tmp_path: Path, inbox: Path
) -> None:
    missing = tmp_path / "missing.txt"
    result = await newsdigest(
        "ingest", str(inbox), str(missing), database_url=database_url, cwd=tmp_path
    )
    assert result.code == 1, result
    assert "new 1 · duplicate 0 · failed 4" in result.out
    failures = [line for line in result.err.splitlines() if line.startswith("failed")]
    assert len(failures) == 4, result.err
    for name in ("empty.txt", "image.png", "notes.txt", "missing.txt"):
        assert sum(name in line for line in failures) == 1
    assert "Traceback" not in result.err


async def test_reingesting_the_same_file_adds_nothing(database_url: str, tmp_path: Path) -> None:
    first = await newsdigest("ingest", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path)
    again = await newsdigest("ingest", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path)
    assert first.code == 0, first
    assert "new 1 · duplicate 0 · failed 0" in first.out
    assert again.code == 0, again
    assert "new 0 · duplicate 1 · failed 0" in again.out


async def test_ingest_if_empty_skips_a_database_with_articles(
    database_url: str, tmp_path: Path
) -> None:
    first = await newsdigest("ingest", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path)
    assert "new 1" in first.out, first
    skipped = await newsdigest(
        "ingest", "--if-empty", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path
    )
    assert skipped.code == 0
    assert "duplicate" not in skipped.out


async def test_chat_answers_latest_and_category(database_url: str, tmp_path: Path) -> None:
    await newsdigest("ingest", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path)
    result = await newsdigest(
        "chat",
        database_url=database_url,
        cwd=tmp_path,
        stdin="/latest\n/category 国际\n1\n/nonsense\n",
    )
    assert result.code == 0, result
    # Listed twice, then opened by typing its number: its title a third time, its text.
    assert result.out.count("坚定支持普京,白俄终于拿出实际行动") == 3
    assert "[1] 1" in result.out
    assert "伊斯坎德尔-M导弹" in result.out  # the story's text, past its summary
    assert "/help" in result.out  # the unknown command's pointer
    assert "Traceback" not in result.err


async def test_run_without_token_names_the_way_out(database_url: str, tmp_path: Path) -> None:
    result = await newsdigest("run", database_url=database_url, cwd=tmp_path)
    assert result.code != 0
    assert ".env.example" in result.err
    assert "newsdigest chat" in result.err


async def test_version_and_help(database_url: str, tmp_path: Path) -> None:
    version = await newsdigest("--version", database_url=database_url, cwd=tmp_path)
    usage = await newsdigest("--help", database_url=database_url, cwd=tmp_path)
    assert version.out.startswith("newsdigest 0.")
    for command in ("run", "chat", "ingest", "db"):
        assert command in usage.out


async def test_bad_settings_are_one_clear_line(database_url: str, tmp_path: Path) -> None:
    result = await newsdigest(
        "ingest",
        str(SAMPLE_FILE),
        database_url=database_url,
        cwd=tmp_path,
        env={"DEFAULT_TIMEZONE": "Mars/Base"},
    )
    assert result.code == 2
    assert "DEFAULT_TIMEZONE" in result.err
    assert "Traceback" not in result.err


async def test_digest_prints_what_would_be_sent_and_marks_nothing(
    database_url: str, tmp_path: Path
) -> None:
    ingested = await newsdigest(
        "ingest", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path
    )
    assert ingested.code == 0, ingested.err
    # The sample page was published in 2022, long before it was ingested: news only when
    # any age is (NEWS_MAX_AGE_HOURS=0).
    any_age = {"NEWS_MAX_AGE_HOURS": "0"}
    for _ in range(2):  # printed again: a preview sends and marks nothing
        shown = await newsdigest("digest", database_url=database_url, cwd=tmp_path, env=any_age)
        assert shown.code == 0, shown.err
        assert "坚定支持普京" in shown.out
        assert "<b>" not in shown.out  # text for people, not Telegram's HTML
    other = await newsdigest(
        "digest", "--category", "体育", database_url=database_url, cwd=tmp_path, env=any_age
    )
    assert other.code == 0, other.err
    assert "坚定支持普京" not in other.out
    by_default = await newsdigest("digest", database_url=database_url, cwd=tmp_path)
    assert "坚定支持普京" not in by_default.out


@pytest.mark.parametrize(
    ("option", "value"),
    [("--category", "[bold]体育新闻<&>"), ("--category", "Nonsense"), ("--chat", "42")],
)
async def test_digest_of_an_unknown_category_or_chat_says_so_in_one_line_and_exits_1(
    database_url: str, tmp_path: Path, option: str, value: str
) -> None:
    await newsdigest("ingest", str(SAMPLE_FILE), database_url=database_url, cwd=tmp_path)
    result = await newsdigest("digest", option, value, database_url=database_url, cwd=tmp_path)
    assert result.code == 1, result
    [line] = result.err.splitlines()
    assert value in line
    assert "Nothing new" not in result.out
