"""The users subgraph: accounts, sign-in, JWT issuing (JWKS), roles, password resets."""
