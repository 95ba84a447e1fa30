import { graphql } from "@/gql";

// Catalog reads, rendered on the server.

export const ProductCardFields = graphql(`
  fragment ProductCardFields on Product {
    id
    name
    slug
    price { amount currency }
    images { url altText }
    stock { inStock available }
    rating { average count }
  }
`);

export const HomePageQuery = graphql(`
  query HomePage($first: Int!) {
    products(first: $first, filter: { status: ACTIVE }, sort: { field: CREATED_AT, direction: DESC }) {
      edges { node { ...ProductCardFields } }
    }
    categories(flat: true) { id name slug description }
  }
`);

export const CategoryPageQuery = graphql(`
  query CategoryPage($slug: String!) {
    category(slug: $slug) {
      id
      name
      slug
      description
      breadcrumbs { id name slug }
      children { id name slug }
    }
  }
`);

export const CategoryProductsQuery = graphql(`
  query CategoryProducts($categoryId: ID!, $first: Int!, $after: String) {
    products(first: $first, after: $after, filter: { categoryId: $categoryId, status: ACTIVE }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ...ProductCardFields } }
    }
  }
`);

export const ProductPageQuery = graphql(`
  query ProductPage($slug: String!) {
    product(slug: $slug) {
      id
      name
      slug
      sku
      description
      status
      price { amount currency }
      images { url altText }
      attributes { name value }
      stock { inStock available }
      rating { average count histogram { stars count } }
      category { id name slug }
    }
  }
`);

// The reviews are deferred: the router answers with the product at once and the reviews in a
// later part of a multipart response (urql reads it), so a slow reviews subgraph never holds
// up the rest of the page's browser reads.
export const ProductReviewsQuery = graphql(`
  query ProductReviews($id: ID!) {
    product(id: $id) {
      id
      ... on Product @defer(label: "reviews") {
        reviews(first: 20) {
          totalCount
          edges { node { id rating title body verifiedPurchase createdAt author { firstName } } }
        }
      }
    }
  }
`);

export const ProductStockQuery = graphql(`
  query ProductStock($id: ID!) {
    product(id: $id) { id stock { inStock available } }
  }
`);
