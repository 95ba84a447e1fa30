"""Composition carries the access-control and demand-control directives into the supergraph,
and the router's supergraph model keeps them by schema coordinate."""

from __future__ import annotations

from router.access_requirements import AccessRequirement
from router.compose import SubgraphSource, compose
from router.cost_directives import ListSize
from router.supergraph import parse_supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", '
    '"@shareable", "@authenticated", "@requiresScopes", "@policy", "@cost", "@listSize"])\n'
)
A = (
    LINK
    + """
type Query { users(first: Int = 5): [User!]! @listSize(slicingArguments: ["first"], assumedSize: 5)
             me: User @authenticated }
type User @key(fields: "id") @policy(policies: [["staff"]]) {
  id: ID!
  email: String @shareable @requiresScopes(scopes: [["a", "b"], ["c"]]) @cost(weight: 2)
}
"""
)
B = (
    LINK
    + """
type Query { audit: String }
type User @key(fields: "id") @authenticated {
  id: ID!
  email: String @shareable @requiresScopes(scopes: [["d"]]) @cost(weight: 7)
}
"""
)


def _supergraph() -> str:
    return compose([SubgraphSource("a", "http://a", A), SubgraphSource("b", "http://b", B)])


def test_requirements_of_several_subgraphs_all_apply_and_costs_take_the_largest() -> None:
    directives = parse_supergraph(_supergraph()).directives
    # both subgraphs' scopes must hold: (a and b and d) or (c and d)
    assert directives.access["User.email"] == AccessRequirement(
        scopes=(("a", "b", "d"), ("c", "d"))
    )
    assert directives.access["User"] == AccessRequirement(
        authenticated=True, policies=(("staff",),)
    )
    assert directives.access["Query.me"] == AccessRequirement(authenticated=True)
    assert "Query.users" not in directives.access
    assert directives.costs == {"User.email": 7}
    assert directives.list_sizes["Query.users"] == ListSize(5, ("first",), (), True)


def test_the_supergraph_links_only_the_specs_it_uses_and_hides_them_from_clients() -> None:
    sdl = _supergraph()
    assert '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)' in sdl
    assert (
        "@cost(weight: 7)" in sdl
        and '@listSize(assumedSize: 5, slicingArguments: ["first"])' in sdl
    )
    plain = compose([SubgraphSource("b", "http://b", B.replace("@authenticated", ""))])
    assert "specs.apollo.dev/authenticated" not in plain and "policy__Policy" not in plain
    api = parse_supergraph(sdl).api_schema
    assert "policy__Policy" not in api.type_map and "requiresScopes__Scope" not in api.type_map
    assert not api.get_directive("authenticated")


def test_directives_renamed_by_their_link_are_read_by_their_spec() -> None:
    renamed = (
        _supergraph()
        .replace(
            '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
            '@link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", '
            "for: SECURITY)",
        )
        .replace("@authenticated", "@signedIn")
    )
    directives = parse_supergraph(renamed).directives
    assert directives.access["Query.me"] == AccessRequirement(authenticated=True)
