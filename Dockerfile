# The dashboard as a container, after Streamlit's deployment guidance: the package
# installed with `pip install .` (not editable), run by an unprivileged user, a
# health check on /_stcore/health, production settings (deploy/config.toml).
#
#   docker build -t all-dashboard .
#   docker run -p 8501:8501 \
#     -e DASHBOARD_DATABASE_URL=postgresql://dashboard:…@db:5432/dashboard \
#     -e STREAMLIT_SERVER_COOKIE_SECRET=… \
#     -v ./secrets.toml:/app/.streamlit/secrets.toml:ro all-dashboard
#
# Settings: see the README's "Deploy" section.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app

# The package, its SQL files and locales; the sources go once installed, so the
# server runs the installed package.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard
COPY sql ./sql
RUN pip install --no-cache-dir . \
    && rm -rf /src

# What `streamlit run` needs beside the package: the entry point, the pages, the
# project's settings, the demo data (used when no database is set).
WORKDIR /app
COPY streamlit_app.py ./
COPY app_pages ./app_pages
COPY .streamlit/config.toml ./.streamlit/config.toml
COPY deploy/healthcheck.py ./deploy/healthcheck.py
COPY --chown=app:app data ./data
COPY --chown=app:app deploy/config.toml /home/app/.streamlit/config.toml

ENV DASHBOARD_DATA_DIR=/app/data \
    DASHBOARD_CACHE_DIR=/tmp/dashboard-cache \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_BASE_URL_PATH=""

USER 10001:10001
EXPOSE 8501
# Checks /${STREAMLIT_SERVER_BASE_URL_PATH}/_stcore/health on the server's port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]
ENTRYPOINT ["streamlit", "run", "streamlit_app.py"]
