from shopgraph.migrations import run_env
from subgraphs.reviews.models import metadata

run_env(metadata)
