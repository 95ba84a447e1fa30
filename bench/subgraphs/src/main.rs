//! The four subgraphs of `make bench` in one process on one port, one path each:
//! `/accounts`, `/inventory`, `/products`, `/reviews` (POST GraphQL, Federation 2).
//!
//!     bench-subgraphs [PORT]      (default 4200, listens on 127.0.0.1 only)

mod accounts;
mod data;
mod inventory;
mod products;
mod reviews;

use async_graphql_axum::GraphQL;
use axum::routing::post_service;
use axum::Router;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() {
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("PORT must be a number between 1 and 65535"),
        None => 4200,
    };
    let app = Router::new()
        .route("/accounts", post_service(GraphQL::new(accounts::schema())))
        .route("/inventory", post_service(GraphQL::new(inventory::schema())))
        .route("/products", post_service(GraphQL::new(products::schema())))
        .route("/reviews", post_service(GraphQL::new(reviews::schema())));
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|error| panic!("cannot listen on 127.0.0.1:{port}: {error}"));
    println!("bench subgraphs listening on http://127.0.0.1:{port}/{{accounts,inventory,products,reviews}}");
    axum::serve(listener, app).await.expect("server stopped");
}
