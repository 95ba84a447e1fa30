/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id email firstName }\n    errors { code field message }\n  }\n": typeof types.AuthFieldsFragmentDoc,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...AuthFields }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...AuthFields }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...AuthFields }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { ok errors { code message } }\n  }\n": typeof types.LogoutDocument,
    "\n  query Me {\n    me { id email firstName lastName }\n  }\n": typeof types.MeDocument,
    "\n  query OrderHistory($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id status createdAt total { amount currency } items { name quantity } } }\n      }\n    }\n  }\n": typeof types.OrderHistoryDocument,
    "\n  fragment CartFields on Cart {\n    id\n    itemCount\n    subtotal { amount currency }\n    lines {\n      productId\n      quantity\n      available\n      unitPrice { amount currency }\n      lineTotal { amount currency }\n      product { id name slug images { url altText } }\n    }\n  }\n": typeof types.CartFieldsFragmentDoc,
    "\n  query Cart {\n    cart { ...CartFields }\n  }\n": typeof types.CartDocument,
    "\n  mutation AddToCart($input: AddToCartInput!) {\n    addToCart(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n": typeof types.AddToCartDocument,
    "\n  mutation UpdateCartItem($input: UpdateCartItemInput!) {\n    updateCartItem(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n": typeof types.UpdateCartItemDocument,
    "\n  mutation MergeCart($cartToken: String!) {\n    mergeCart(cartToken: $cartToken) {\n      cart { ...CartFields }\n      errors { code field message }\n    }\n  }\n": typeof types.MergeCartDocument,
    "\n  fragment ProductCardFields on Product {\n    id\n    name\n    slug\n    price { amount currency }\n    images { url altText }\n    stock { inStock available }\n    rating { average count }\n  }\n": typeof types.ProductCardFieldsFragmentDoc,
    "\n  query HomePage($first: Int!) {\n    products(first: $first, filter: { status: ACTIVE }, sort: { field: CREATED_AT, direction: DESC }) {\n      edges { node { ...ProductCardFields } }\n    }\n    categories(flat: true) { id name slug description }\n  }\n": typeof types.HomePageDocument,
    "\n  query CategoryPage($slug: String!) {\n    category(slug: $slug) {\n      id\n      name\n      slug\n      description\n      breadcrumbs { id name slug }\n      children { id name slug }\n    }\n  }\n": typeof types.CategoryPageDocument,
    "\n  query CategoryProducts($categoryId: ID!, $first: Int!, $after: String) {\n    products(first: $first, after: $after, filter: { categoryId: $categoryId, status: ACTIVE }) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...ProductCardFields } }\n    }\n  }\n": typeof types.CategoryProductsDocument,
    "\n  query ProductPage($slug: String!) {\n    product(slug: $slug) {\n      id\n      name\n      slug\n      sku\n      description\n      status\n      price { amount currency }\n      images { url altText }\n      attributes { name value }\n      stock { inStock available }\n      rating { average count histogram { stars count } }\n      category { id name slug }\n    }\n  }\n": typeof types.ProductPageDocument,
    "\n  query ProductReviews($id: ID!) {\n    product(id: $id) {\n      id\n      ... on Product @defer(label: \"reviews\") {\n        reviews(first: 20) {\n          totalCount\n          edges { node { id rating title body verifiedPurchase createdAt author { firstName } } }\n        }\n      }\n    }\n  }\n": typeof types.ProductReviewsDocument,
    "\n  query ProductStock($id: ID!) {\n    product(id: $id) { id stock { inStock available } }\n  }\n": typeof types.ProductStockDocument,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order { id status }\n      errors { code field message }\n    }\n  }\n": typeof types.PlaceOrderDocument,
    "\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      paymentMethod\n      subtotal { amount currency }\n      shipping { amount currency }\n      total { amount currency }\n      shippingAddress { name line1 line2 city postalCode country }\n      items { productId name sku quantity unitPrice { amount currency } lineTotal { amount currency } }\n      history { status at reason }\n    }\n  }\n": typeof types.OrderDocument,
    "\n  subscription OrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) { orderId status previousStatus at }\n  }\n": typeof types.OrderStatusDocument,
    "\n  mutation AddReview($input: AddReviewInput!) {\n    addReview(input: $input) {\n      review { id status }\n      errors { code field message }\n    }\n  }\n": typeof types.AddReviewDocument,
    "\n  query SearchPage($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      correctedQuery\n      pageInfo { hasNextPage endCursor }\n      facets { field label values { value label count selected } }\n      edges { highlights node { ...ProductCardFields } }\n    }\n  }\n": typeof types.SearchPageDocument,
    "\n  query SearchSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) { text product { id slug name } }\n  }\n": typeof types.SearchSuggestionsDocument,
};
const documents: Documents = {
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id email firstName }\n    errors { code field message }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...AuthFields }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...AuthFields }\n  }\n": types.LoginDocument,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...AuthFields }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { ok errors { code message } }\n  }\n": types.LogoutDocument,
    "\n  query Me {\n    me { id email firstName lastName }\n  }\n": types.MeDocument,
    "\n  query OrderHistory($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id status createdAt total { amount currency } items { name quantity } } }\n      }\n    }\n  }\n": types.OrderHistoryDocument,
    "\n  fragment CartFields on Cart {\n    id\n    itemCount\n    subtotal { amount currency }\n    lines {\n      productId\n      quantity\n      available\n      unitPrice { amount currency }\n      lineTotal { amount currency }\n      product { id name slug images { url altText } }\n    }\n  }\n": types.CartFieldsFragmentDoc,
    "\n  query Cart {\n    cart { ...CartFields }\n  }\n": types.CartDocument,
    "\n  mutation AddToCart($input: AddToCartInput!) {\n    addToCart(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n": types.AddToCartDocument,
    "\n  mutation UpdateCartItem($input: UpdateCartItemInput!) {\n    updateCartItem(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n": types.UpdateCartItemDocument,
    "\n  mutation MergeCart($cartToken: String!) {\n    mergeCart(cartToken: $cartToken) {\n      cart { ...CartFields }\n      errors { code field message }\n    }\n  }\n": types.MergeCartDocument,
    "\n  fragment ProductCardFields on Product {\n    id\n    name\n    slug\n    price { amount currency }\n    images { url altText }\n    stock { inStock available }\n    rating { average count }\n  }\n": types.ProductCardFieldsFragmentDoc,
    "\n  query HomePage($first: Int!) {\n    products(first: $first, filter: { status: ACTIVE }, sort: { field: CREATED_AT, direction: DESC }) {\n      edges { node { ...ProductCardFields } }\n    }\n    categories(flat: true) { id name slug description }\n  }\n": types.HomePageDocument,
    "\n  query CategoryPage($slug: String!) {\n    category(slug: $slug) {\n      id\n      name\n      slug\n      description\n      breadcrumbs { id name slug }\n      children { id name slug }\n    }\n  }\n": types.CategoryPageDocument,
    "\n  query CategoryProducts($categoryId: ID!, $first: Int!, $after: String) {\n    products(first: $first, after: $after, filter: { categoryId: $categoryId, status: ACTIVE }) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...ProductCardFields } }\n    }\n  }\n": types.CategoryProductsDocument,
    "\n  query ProductPage($slug: String!) {\n    product(slug: $slug) {\n      id\n      name\n      slug\n      sku\n      description\n      status\n      price { amount currency }\n      images { url altText }\n      attributes { name value }\n      stock { inStock available }\n      rating { average count histogram { stars count } }\n      category { id name slug }\n    }\n  }\n": types.ProductPageDocument,
    "\n  query ProductReviews($id: ID!) {\n    product(id: $id) {\n      id\n      ... on Product @defer(label: \"reviews\") {\n        reviews(first: 20) {\n          totalCount\n          edges { node { id rating title body verifiedPurchase createdAt author { firstName } } }\n        }\n      }\n    }\n  }\n": types.ProductReviewsDocument,
    "\n  query ProductStock($id: ID!) {\n    product(id: $id) { id stock { inStock available } }\n  }\n": types.ProductStockDocument,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order { id status }\n      errors { code field message }\n    }\n  }\n": types.PlaceOrderDocument,
    "\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      paymentMethod\n      subtotal { amount currency }\n      shipping { amount currency }\n      total { amount currency }\n      shippingAddress { name line1 line2 city postalCode country }\n      items { productId name sku quantity unitPrice { amount currency } lineTotal { amount currency } }\n      history { status at reason }\n    }\n  }\n": types.OrderDocument,
    "\n  subscription OrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) { orderId status previousStatus at }\n  }\n": types.OrderStatusDocument,
    "\n  mutation AddReview($input: AddReviewInput!) {\n    addReview(input: $input) {\n      review { id status }\n      errors { code field message }\n    }\n  }\n": types.AddReviewDocument,
    "\n  query SearchPage($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      correctedQuery\n      pageInfo { hasNextPage endCursor }\n      facets { field label values { value label count selected } }\n      edges { highlights node { ...ProductCardFields } }\n    }\n  }\n": types.SearchPageDocument,
    "\n  query SearchSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) { text product { id slug name } }\n  }\n": types.SearchSuggestionsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id email firstName }\n    errors { code field message }\n  }\n"): (typeof documents)["\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id email firstName }\n    errors { code field message }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...AuthFields }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...AuthFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...AuthFields }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...AuthFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...AuthFields }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...AuthFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { ok errors { code message } }\n  }\n"): (typeof documents)["\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { ok errors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id email firstName lastName }\n  }\n"): (typeof documents)["\n  query Me {\n    me { id email firstName lastName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderHistory($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id status createdAt total { amount currency } items { name quantity } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OrderHistory($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id status createdAt total { amount currency } items { name quantity } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CartFields on Cart {\n    id\n    itemCount\n    subtotal { amount currency }\n    lines {\n      productId\n      quantity\n      available\n      unitPrice { amount currency }\n      lineTotal { amount currency }\n      product { id name slug images { url altText } }\n    }\n  }\n"): (typeof documents)["\n  fragment CartFields on Cart {\n    id\n    itemCount\n    subtotal { amount currency }\n    lines {\n      productId\n      quantity\n      available\n      unitPrice { amount currency }\n      lineTotal { amount currency }\n      product { id name slug images { url altText } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Cart {\n    cart { ...CartFields }\n  }\n"): (typeof documents)["\n  query Cart {\n    cart { ...CartFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddToCart($input: AddToCartInput!) {\n    addToCart(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation AddToCart($input: AddToCartInput!) {\n    addToCart(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCartItem($input: UpdateCartItemInput!) {\n    updateCartItem(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCartItem($input: UpdateCartItemInput!) {\n    updateCartItem(input: $input) {\n      cart { ...CartFields }\n      cartToken\n      errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MergeCart($cartToken: String!) {\n    mergeCart(cartToken: $cartToken) {\n      cart { ...CartFields }\n      errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation MergeCart($cartToken: String!) {\n    mergeCart(cartToken: $cartToken) {\n      cart { ...CartFields }\n      errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProductCardFields on Product {\n    id\n    name\n    slug\n    price { amount currency }\n    images { url altText }\n    stock { inStock available }\n    rating { average count }\n  }\n"): (typeof documents)["\n  fragment ProductCardFields on Product {\n    id\n    name\n    slug\n    price { amount currency }\n    images { url altText }\n    stock { inStock available }\n    rating { average count }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HomePage($first: Int!) {\n    products(first: $first, filter: { status: ACTIVE }, sort: { field: CREATED_AT, direction: DESC }) {\n      edges { node { ...ProductCardFields } }\n    }\n    categories(flat: true) { id name slug description }\n  }\n"): (typeof documents)["\n  query HomePage($first: Int!) {\n    products(first: $first, filter: { status: ACTIVE }, sort: { field: CREATED_AT, direction: DESC }) {\n      edges { node { ...ProductCardFields } }\n    }\n    categories(flat: true) { id name slug description }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CategoryPage($slug: String!) {\n    category(slug: $slug) {\n      id\n      name\n      slug\n      description\n      breadcrumbs { id name slug }\n      children { id name slug }\n    }\n  }\n"): (typeof documents)["\n  query CategoryPage($slug: String!) {\n    category(slug: $slug) {\n      id\n      name\n      slug\n      description\n      breadcrumbs { id name slug }\n      children { id name slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CategoryProducts($categoryId: ID!, $first: Int!, $after: String) {\n    products(first: $first, after: $after, filter: { categoryId: $categoryId, status: ACTIVE }) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...ProductCardFields } }\n    }\n  }\n"): (typeof documents)["\n  query CategoryProducts($categoryId: ID!, $first: Int!, $after: String) {\n    products(first: $first, after: $after, filter: { categoryId: $categoryId, status: ACTIVE }) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...ProductCardFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductPage($slug: String!) {\n    product(slug: $slug) {\n      id\n      name\n      slug\n      sku\n      description\n      status\n      price { amount currency }\n      images { url altText }\n      attributes { name value }\n      stock { inStock available }\n      rating { average count histogram { stars count } }\n      category { id name slug }\n    }\n  }\n"): (typeof documents)["\n  query ProductPage($slug: String!) {\n    product(slug: $slug) {\n      id\n      name\n      slug\n      sku\n      description\n      status\n      price { amount currency }\n      images { url altText }\n      attributes { name value }\n      stock { inStock available }\n      rating { average count histogram { stars count } }\n      category { id name slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductReviews($id: ID!) {\n    product(id: $id) {\n      id\n      ... on Product @defer(label: \"reviews\") {\n        reviews(first: 20) {\n          totalCount\n          edges { node { id rating title body verifiedPurchase createdAt author { firstName } } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProductReviews($id: ID!) {\n    product(id: $id) {\n      id\n      ... on Product @defer(label: \"reviews\") {\n        reviews(first: 20) {\n          totalCount\n          edges { node { id rating title body verifiedPurchase createdAt author { firstName } } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductStock($id: ID!) {\n    product(id: $id) { id stock { inStock available } }\n  }\n"): (typeof documents)["\n  query ProductStock($id: ID!) {\n    product(id: $id) { id stock { inStock available } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order { id status }\n      errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order { id status }\n      errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      paymentMethod\n      subtotal { amount currency }\n      shipping { amount currency }\n      total { amount currency }\n      shippingAddress { name line1 line2 city postalCode country }\n      items { productId name sku quantity unitPrice { amount currency } lineTotal { amount currency } }\n      history { status at reason }\n    }\n  }\n"): (typeof documents)["\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      paymentMethod\n      subtotal { amount currency }\n      shipping { amount currency }\n      total { amount currency }\n      shippingAddress { name line1 line2 city postalCode country }\n      items { productId name sku quantity unitPrice { amount currency } lineTotal { amount currency } }\n      history { status at reason }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) { orderId status previousStatus at }\n  }\n"): (typeof documents)["\n  subscription OrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) { orderId status previousStatus at }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddReview($input: AddReviewInput!) {\n    addReview(input: $input) {\n      review { id status }\n      errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation AddReview($input: AddReviewInput!) {\n    addReview(input: $input) {\n      review { id status }\n      errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchPage($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      correctedQuery\n      pageInfo { hasNextPage endCursor }\n      facets { field label values { value label count selected } }\n      edges { highlights node { ...ProductCardFields } }\n    }\n  }\n"): (typeof documents)["\n  query SearchPage($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      correctedQuery\n      pageInfo { hasNextPage endCursor }\n      facets { field label values { value label count selected } }\n      edges { highlights node { ...ProductCardFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) { text product { id slug name } }\n  }\n"): (typeof documents)["\n  query SearchSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) { text product { id slug name } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;