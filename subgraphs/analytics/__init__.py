"""The analytics subgraph: sales, top products and conversion from the platform's events."""
