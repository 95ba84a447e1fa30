from shopgraph.migrations import run_env
from workers.notifications.models import metadata

run_env(metadata)
