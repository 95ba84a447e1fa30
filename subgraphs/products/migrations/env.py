from shopgraph.migrations import run_env
from subgraphs.products.models import metadata

run_env(metadata)
