"""The queries ``make bench`` sends."""

# The public gateway benchmark's TestQuery (graphql-hive/graphql-gateways-benchmark, k6.js):
# users and topProducts, each three levels deep through reviews, products and authors, across
# all four subgraphs, with @requires (shippingEstimate) and @provides (author username).
TEST_QUERY = """fragment User on User {
  id
  username
  name
}

fragment Review on Review {
  id
  body
}

fragment Product on Product {
  inStock
  name
  price
  shippingEstimate
  upc
  weight
}

query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }
  }
  topProducts {
    ...Product
    reviews {
      ...Review
      author {
        ...User
        reviews {
          ...Review
          product {
            ...Product
          }
        }
      }
    }
  }
}"""

# ShopGraph's own subgraphs: products, then inventory and reviews in parallel via _entities.
PRODUCTS_PAGE = """query ProductsPage {
  products(first: 10) {
    edges { node { id name sku price { amount currency }
      stock { available inStock }
      rating { average count } } }
  }
}"""
