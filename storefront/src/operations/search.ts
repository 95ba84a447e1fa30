import { graphql } from "@/gql";

// Issue #9's search API (see schema/search.graphql until it is in the supergraph).

export const SearchPageQuery = graphql(`
  query SearchPage($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {
    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      correctedQuery
      pageInfo { hasNextPage endCursor }
      facets { field label values { value label count selected } }
      edges { highlights node { ...ProductCardFields } }
    }
  }
`);

export const SearchSuggestionsQuery = graphql(`
  query SearchSuggestions($prefix: String!) {
    searchSuggestions(prefix: $prefix, first: 8) { text product { id slug name } }
  }
`);
