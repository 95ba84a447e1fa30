# One image for every ShopGraph process: a subgraph, the router or a worker group.
# Build stage: install the production lock (hash-checked, no dev tools) into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/shopgraph
COPY requirements-prod.lock ./
RUN /opt/shopgraph/bin/pip install --require-hashes -r requirements-prod.lock
COPY pyproject.toml README.md ./
COPY bootstrap ./bootstrap
COPY shopgraph ./shopgraph
COPY subgraphs ./subgraphs
COPY router ./router
COPY workers ./workers
RUN /opt/shopgraph/bin/pip install --no-deps . && /opt/shopgraph/bin/pip check

# Run stage: the virtualenv, the composed schema and a non-root user; no compilers, no pip cache.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin shopgraph
WORKDIR /app
COPY --from=build /opt/shopgraph /opt/shopgraph
COPY schema ./schema
COPY deploy/healthcheck.py ./deploy/healthcheck.py
RUN mkdir -p /app/var && chown shopgraph:shopgraph /app/var
ENV PATH=/opt/shopgraph/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SHOPGRAPH_HOST=0.0.0.0 \
    SHOPGRAPH_ENVIRONMENT=production
USER shopgraph
# Subgraphs and the router: SHOPGRAPH_HEALTH_URL=http://127.0.0.1:<port>/healthz (compose sets it).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]
ENTRYPOINT ["shopgraph"]
