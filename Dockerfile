# One image for every ShopGraph process: a subgraph, the router or a worker group.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shopgraph ./shopgraph
COPY subgraphs ./subgraphs
COPY router ./router
COPY workers ./workers
COPY schema ./schema
RUN pip install --no-cache-dir .
ENV SHOPGRAPH_HOST=0.0.0.0
ENTRYPOINT ["shopgraph"]
