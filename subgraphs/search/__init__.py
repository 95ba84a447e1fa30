"""The search subgraph: full-text product search with facets (issue #9)."""
