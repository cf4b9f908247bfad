"""The database refusing some articles, as a full disk or a constraint would: a trigger that
raises on insert, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import text

from bot.services.context import Runtime


async def refuse_articles_where(runtime: Runtime, column: str, value: str) -> None:
    """From now on the database refuses to insert articles whose ``column`` is ``value``
    (both test-given: never user input)."""
    async with runtime.db.transaction() as session:
        if runtime.db.dialect == "sqlite":
            await session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON articles "
                    f"WHEN NEW.{column} = '{value}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
            return
        await session.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$"
            )
        )
        await session.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON articles "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        )


async def allow_articles_again(runtime: Runtime) -> None:
    async with runtime.db.transaction() as session:
        await session.execute(
            text(
                "DROP TRIGGER refuse" + (" ON articles" if runtime.db.dialect != "sqlite" else "")
            )
        )
