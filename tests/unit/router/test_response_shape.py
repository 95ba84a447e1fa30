"""The response shaper: what a client gets back from the merged subgraph data.

Every case is also checked against graphql-core's executor run over the same data (what the
router did before the shaper), so the shaper changes speed, not answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    ExecutionResult,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    build_schema,
    execute,
    parse,
)

from router.response_shape import ResponseShaper

SCHEMA = build_schema(
    """
    interface Node { id: ID! }
    type Book implements Node { id: ID! title: String! year: Int author: Author }
    type Author implements Node { id: ID! name: String books: [Book!] }
    union SearchResult = Book | Author
    type Query {
      node(id: ID!): Node
      search: [SearchResult]
      book: Book!
      books: [Book!]!
      count: Int
    }
    """
)


def _type_of(value: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


def _shape(query: str, data: dict[str, Any], variables: dict[str, Any] | None = None) -> Any:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    shaper = ResponseShaper(SCHEMA, document, operation, _type_of)
    shaped, errors = shaper.shape(data, variables or {})
    assert (shaped, errors) == _executed(query, data, variables), "differs from graphql-core"
    return shaped, errors


def _executed(query: str, data: dict[str, Any], variables: dict[str, Any] | None) -> Any:
    def field(source: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
        return source.get(str(info.path.key)) if isinstance(source, dict) else None

    result = execute(
        SCHEMA,
        parse(query),
        root_value=data,
        variable_values=variables,
        field_resolver=field,
        type_resolver=lambda value, *_: _type_of(value),
    )
    assert isinstance(result, ExecutionResult)
    return result.data, [dict(e.formatted) for e in result.errors or ()]


def test_aliases_and_typename_follow_the_clients_selection_order() -> None:
    shaped, errors = _shape(
        "{ first: book { t: title __typename kind: __typename } count }",
        {"first": {"t": "Dune", "extra": "dropped"}, "count": 3},
    )
    assert shaped == {"first": {"t": "Dune", "__typename": "Book", "kind": "Book"}, "count": 3}
    assert list(shaped["first"]) == ["t", "__typename", "kind"]
    assert errors == []


def test_fragments_on_abstract_types_keep_only_the_matching_fields() -> None:
    query = """
    { search { __typename ... on Book { title } ...Named ...Identified } }
    fragment Named on Author { name }
    fragment Identified on Node { id }
    """
    data = {
        "search": [
            {"__typename": "Book", "title": "Dune", "id": "b1", "name": "stray"},
            {"__typename": "Author", "name": "Frank", "id": "a1", "title": "stray"},
            None,
        ]
    }
    shaped, errors = _shape(query, data)
    assert shaped == {
        "search": [
            {"__typename": "Book", "title": "Dune", "id": "b1"},
            {"__typename": "Author", "name": "Frank", "id": "a1"},
            None,
        ]
    }
    assert errors == []


def test_an_interface_field_completes_each_object_as_its_own_type() -> None:
    query = "{ node(id: 1) { id ... on Author { books { title } } } }"
    data = {"node": {"__typename": "Author", "id": "a1", "books": [{"title": "Dune"}]}}
    shaped, _ = _shape(query, data)
    assert shaped == {"node": {"id": "a1", "books": [{"title": "Dune"}]}}


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"withYear": True, "noTitle": False}, {"title": "Dune", "year": 1965}),
        ({"withYear": False, "noTitle": True}, {}),
        ({"noTitle": False}, {"title": "Dune"}),  # withYear defaults to false
    ],
)
def test_skip_and_include_are_evaluated_with_each_requests_variables(
    variables: dict[str, Any], expected: dict[str, Any]
) -> None:
    query = """
    query ($withYear: Boolean = false, $noTitle: Boolean!) {
      book {
        title @skip(if: $noTitle)
        ... @include(if: $withYear) { year }
        author @include(if: false) { name }
      }
    }
    """
    data = {"book": {"title": "Dune", "year": 1965, "author": {"name": "Frank"}}}
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    shaper = ResponseShaper(SCHEMA, document, operation, _type_of)
    coerced = {"withYear": False, **variables}  # what graphql-core's coercion yields
    shaped, errors = shaper.shape(data, coerced)
    assert shaped == {"book": expected}
    assert errors == []
    assert (shaped, errors) == _executed(query, data, variables)


def test_null_in_a_non_null_field_nulls_the_nearest_nullable_parent_with_its_path() -> None:
    query = "{ search { ... on Book { title } } count }"
    data = {"search": [{"__typename": "Book", "title": "Dune"}, {"__typename": "Book"}], "count": 1}
    shaped, errors = _shape(query, data)
    assert shaped == {"search": [{"title": "Dune"}, None], "count": 1}
    assert errors == [
        {
            "message": "Cannot return null for non-nullable field Book.title.",
            "locations": [{"line": 1, "column": 26}],
            "path": ["search", 1, "title"],
        }
    ]


def test_null_propagates_through_non_null_lists_up_to_data() -> None:
    shaped, errors = _shape("{ books { title } }", {"books": [{"title": "Dune"}, {"title": None}]})
    assert shaped is None
    assert [e["path"] for e in errors] == [["books", 1, "title"]]


def test_a_value_of_the_wrong_type_is_an_error_at_its_field() -> None:
    shaped, errors = _shape(
        "{ book { title year } count }", {"book": {"title": "Dune", "year": "old"}, "count": 2}
    )
    assert shaped == {"book": {"title": "Dune", "year": None}, "count": 2}
    assert errors[0]["path"] == ["book", "year"]
    assert errors[0]["message"] == "Int cannot represent non-integer value: 'old'"


def test_an_object_of_a_type_outside_the_union_is_an_error() -> None:
    shaped, errors = _shape(
        "{ search { __typename } }", {"search": [{"__typename": "Query"}, {"__typename": "Book"}]}
    )
    assert shaped == {"search": [None, {"__typename": "Book"}]}
    assert errors[0]["path"] == ["search", 0]


def test_introspection_is_left_to_graphql_core() -> None:
    document = parse("{ __schema { queryType { name } } }")
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    assert not ResponseShaper(SCHEMA, document, operation, _type_of).handles()
    document = parse("{ book { __typename } }")
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    assert ResponseShaper(SCHEMA, document, operation, _type_of).handles()
