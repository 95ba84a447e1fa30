"""Demand-control metadata of a schema element: ``@cost`` and ``@listSize``.

Federation 2.9 takes them from IBM's GraphQL cost directive specification: ``@cost(weight:)``
on fields, arguments, input fields, objects, scalars and enums; ``@listSize`` on list fields
(``assumedSize``, or the value of one ``slicingArguments`` argument, applied to the
``sizedFields`` children when the list sits inside a connection object).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListSize:
    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()
    require_one_slicing_argument: bool = True

    def merged(self, other: ListSize) -> ListSize:
        """Two subgraphs' sizes as one: the larger assumption, every slicing argument and
        sized field, and one slicing argument required only when both require it."""
        sizes = [s for s in (self.assumed_size, other.assumed_size) if s is not None]
        return ListSize(
            max(sizes) if sizes else None,
            tuple(dict.fromkeys((*self.slicing_arguments, *other.slicing_arguments))),
            tuple(dict.fromkeys((*self.sized_fields, *other.sized_fields))),
            self.require_one_slicing_argument and other.require_one_slicing_argument,
        )


def list_size_from(args: dict[str, object]) -> ListSize:
    """A ``@listSize`` directive's arguments (plain values) as a :class:`ListSize`."""
    assumed = args.get("assumedSize")
    require = args.get("requireOneSlicingArgument", True)
    return ListSize(
        assumed if isinstance(assumed, int) and not isinstance(assumed, bool) else None,
        _names(args.get("slicingArguments")),
        _names(args.get("sizedFields")),
        require is not False,
    )


def cost_from(args: dict[str, object]) -> int | None:
    weight = args.get("weight")
    return weight if isinstance(weight, int) and not isinstance(weight, bool) else None


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(item) for item in value)
