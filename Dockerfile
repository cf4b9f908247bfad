# syntax=docker/dockerfile:1
# newsdigest: a small, non-root image. Build: docker build -t newsdigest .
# Run it with PostgreSQL: docker compose up -d (see compose.yaml and the README).

# One pinned base for both stages, so the virtualenv built in the first runs in the second.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY digest ./digest
COPY storage ./storage
# constraints.txt pins every dependency to the versions the tests ran with; every one of
# them ships wheels, so the build needs no compiler.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c constraints.txt '.[postgres]'

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="newsdigest" \
      org.opencontainers.image.description="Telegram news bot: summaries, categories, search, daily digests"
# In a container the webhook server must listen beyond loopback; publish the port only to
# the reverse proxy (compose.yaml binds it to the host's 127.0.0.1).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8443
RUN groupadd --system --gid 10001 newsdigest \
    && useradd --system --uid 10001 --gid newsdigest --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin newsdigest \
    && mkdir -p /app/data \
    && chown newsdigest:newsdigest /app/data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER newsdigest
# Without DATABASE_URL the bot keeps a SQLite file in /app/data: mount a volume there
# (docker run -v newsdigest-data:/app/data ...). compose.yaml uses PostgreSQL instead.
EXPOSE 8443
# Database reachable, migrations current, jobs' heartbeats fresh. The start period covers
# the migrations `newsdigest run` applies first.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["newsdigest", "health"]
# `docker stop` sends SIGTERM: the bot stops polling (or serving the webhook), lets running
# jobs and the delivery worker's batch finish, and exits 0.
STOPSIGNAL SIGTERM
CMD ["newsdigest", "run"]
