"""The base of every router config section (:mod:`router.config`), in its own module so a
plugin can define its section without importing the whole config (no import cycle)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)
