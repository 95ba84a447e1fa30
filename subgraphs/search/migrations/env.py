from shopgraph.migrations import run_env
from subgraphs.search.models import metadata

run_env(metadata)
