"""Put ``null`` where the authorization filter removed a field, in the completed response.

Each :class:`~router.authorization_filter.MarkerSite` says which response keys lead from
``data`` to the objects that held the removed field; an object there that carries the marker
gets the field as ``null``. A non-null field's null propagates to the nearest nullable
parent, as GraphQL's execution rules say. The markers themselves are then removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import GraphQLOutputType, is_list_type, is_non_null_type

from router.authorization_filter import MARKER_PREFIX, MarkerSite

Steps = Sequence[tuple[str, GraphQLOutputType]]


def null_removed_fields(data: dict[str, Any] | None, sites: Sequence[MarkerSite]) -> Any:
    """``data`` with every removed field set to null (``None`` when the nulls reach it)."""
    if data is None:
        return None
    for site in sites:
        if _null_in_object(data, site.steps, site):
            return None
    _strip_markers(data)
    return data


def _null_in_object(obj: dict[str, Any], steps: Steps, site: MarkerSite) -> bool:
    """Apply the site under ``obj``; True when ``obj`` itself must become null."""
    if not steps:
        if site.marker.alias not in obj:
            return False
        _put_null_at_marker(obj, site.marker.alias, site.marker.key)
        return is_non_null_type(site.marker.type)
    key, field_type = steps[0]
    if key not in obj or obj[key] is None:
        return False
    if not _null_in_value(obj[key], field_type, steps[1:], site):
        return False
    obj[key] = None
    return is_non_null_type(field_type)


def _null_in_value(value: Any, value_type: Any, steps: Steps, site: MarkerSite) -> bool:
    """True when ``value`` (of ``value_type``) must become null."""
    inner = value_type.of_type if is_non_null_type(value_type) else value_type
    if value is None:
        return False
    if is_list_type(inner) and isinstance(value, list):
        item_type = inner.of_type
        broken = False
        for index, item in enumerate(value):
            if _null_in_value(item, item_type, steps, site):
                value[index] = None
                broken = broken or is_non_null_type(item_type)
        return broken
    if isinstance(value, dict):
        return _null_in_object(value, steps, site)
    return False


def _put_null_at_marker(obj: dict[str, Any], alias: str, key: str) -> None:
    """``obj[key] = None`` where the marker is, so the keys keep the operation's order."""
    if key in obj:
        obj[key] = None
        return
    items = list(obj.items())
    obj.clear()
    for name, value in items:
        obj[key if name == alias else name] = None if name == alias else value


def _strip_markers(value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _strip_markers(item)
    elif isinstance(value, dict):
        for key in [k for k in value if k.startswith(MARKER_PREFIX)]:
            del value[key]
        for item in value.values():
            _strip_markers(item)
