"""Alembic environment: runs on the connection handed over by ``storage.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from storage.models import Base

config = context.config
connection: Connection | None = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand without our runner
    raise RuntimeError("run migrations with `newsdigest db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
