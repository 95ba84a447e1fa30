from shopgraph.migrations import run_env
from subgraphs.orders.models import metadata

run_env(metadata)
