"""The reviews subgraph: product reviews, ratings, moderation, verified purchases."""
