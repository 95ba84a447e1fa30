"""Router server plugins: request limits, CSRF, rate limits, edge authentication, reload.

Each plugin is a small object the server is given (no global state), so tests swap them.
"""
