"""The planner's one error."""


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph."""
