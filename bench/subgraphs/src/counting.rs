//! How many requests each subgraph has answered, so that `make bench` can report how many
//! subgraph fetches a gateway makes per query: `GET /requests` gives them as JSON.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;

pub const SUBGRAPHS: [&str; 4] = ["accounts", "inventory", "products", "reviews"];
static ANSWERED: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

pub async fn count(request: Request, next: Next) -> Response {
    let path = request.uri().path().trim_start_matches('/');
    if let Some(index) = SUBGRAPHS.iter().position(|name| *name == path) {
        ANSWERED[index].fetch_add(1, Ordering::Relaxed);
    }
    next.run(request).await
}

pub async fn answered() -> Json<std::collections::BTreeMap<&'static str, u64>> {
    Json(
        SUBGRAPHS
            .iter()
            .zip(&ANSWERED)
            .map(|(name, counter)| (*name, counter.load(Ordering::Relaxed)))
            .collect(),
    )
}
