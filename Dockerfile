# A slim, non-root image of the assistant; the SQLite database lives on the /data volume.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY knowledge ./knowledge
RUN pip install --no-cache-dir --disable-pip-version-check --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SME_ADVISOR_DB=/data/advisor.db
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin advisor \
    && mkdir -p /data && chown advisor /data
USER advisor
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8443
RUN sme-advisor kb check
CMD ["sme-advisor", "run"]
