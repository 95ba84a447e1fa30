from shopgraph.migrations import run_env
from subgraphs.users.models import metadata

run_env(metadata)
