from shopgraph.migrations import run_env
from subgraphs.payments.models import metadata

run_env(metadata)
