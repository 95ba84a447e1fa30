"""payments subgraph: charges orders through a provider port, records payments and refunds."""
