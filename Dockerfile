# syntax=docker/dockerfile:1
# The admin console is built in a node stage and the project installed in a build stage; the final
# stage has Python and the installed virtualenv only (no compilers, no node, no pip cache) and runs
# as an unprivileged user, configured only through the environment: see docs/production.md.

FROM node:20-bookworm-slim AS console
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# The locked dependencies (exact versions, hashes checked), then the project itself without any.
COPY requirements/lock.txt requirements/
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes -r requirements/lock.txt
COPY pyproject.toml README.md ./
COPY backend/ backend/
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2 \
    DATA_DIR=/var/lib/app \
    FRONTEND_DIST=/app/frontend/dist \
    MIGRATIONS_DIR=/app/migrations
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /var/lib/app && chown app:app /var/lib/app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=console /src/frontend/dist frontend/dist
COPY migrations/ migrations/
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/readyz\", timeout=2)"]
# Migrations are applied on start. With several replicas, run `python -m backend migrate` once as a
# release step instead (`docker compose run --rm app python -m backend migrate`) and start the
# replicas with `python -m backend serve`.
CMD ["sh", "-c", "python -m backend migrate && exec python -m backend serve"]
