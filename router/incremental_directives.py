"""``@defer`` and ``@stream`` in the API schema: the router delivers them (incremental
delivery), so clients may use them whatever the subgraphs support."""

from __future__ import annotations

from graphql import GraphQLDeferDirective, GraphQLSchema, GraphQLStreamDirective

INCREMENTAL_DIRECTIVES = (GraphQLDeferDirective, GraphQLStreamDirective)


def with_incremental_directives(schema: GraphQLSchema) -> GraphQLSchema:
    """``schema`` with ``@defer`` and ``@stream`` defined (unchanged when it has them)."""
    known = {directive.name for directive in schema.directives}
    missing = [d for d in INCREMENTAL_DIRECTIVES if d.name not in known]
    if not missing:
        return schema
    kwargs = schema.to_kwargs()
    kwargs["directives"] = (*schema.directives, *missing)
    return GraphQLSchema(**kwargs)
