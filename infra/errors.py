"""The one error type of infra: what a user is told when a service cannot be handled."""


class InfraError(Exception):
    """A service could not be installed, started or stopped."""
