from shopgraph.migrations import run_env
from subgraphs.inventory.models import metadata

run_env(metadata)
