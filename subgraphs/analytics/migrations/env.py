from shopgraph.migrations import run_env
from subgraphs.analytics.models import metadata

run_env(metadata)
