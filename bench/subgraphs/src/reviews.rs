//! reviews: `Review` by `id`, the reviews of a `Product` (by `upc`) and of a `User` (by `id`),
//! and `Review.author`, which provides the author's `username`.

use async_graphql::{
    ComplexObject, EmptyMutation, EmptySubscription, Object, Schema, SimpleObject, ID,
};

use crate::data::{self, ReviewRow};

#[derive(SimpleObject)]
#[graphql(complex)]
struct Review {
    id: ID,
    body: Option<String>,
    #[graphql(skip)]
    row: &'static ReviewRow,
}

impl From<&'static ReviewRow> for Review {
    fn from(row: &'static ReviewRow) -> Self {
        Review { id: ID(row.id.clone()), body: Some(row.body.clone()), row }
    }
}

#[ComplexObject]
impl Review {
    async fn product(&self) -> Option<Product> {
        Some(Product { upc: self.row.product_upc.to_owned() })
    }

    #[graphql(provides = "username")]
    async fn author(&self) -> Option<User> {
        User::by_id(self.row.author_id)
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
struct User {
    id: ID,
    #[graphql(external)]
    username: Option<String>,
}

impl User {
    fn by_id(id: &str) -> Option<User> {
        data::user_by_id(id).map(|row| User {
            id: ID(row.id.to_owned()),
            username: Some(row.username.to_owned()),
        })
    }
}

#[ComplexObject]
impl User {
    async fn reviews(&self) -> Option<Vec<Option<Review>>> {
        let rows = data::reviews_of_user(&self.id)?;
        Some(rows.iter().map(|row| Some(Review::from(row))).collect())
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
struct Product {
    upc: String,
}

#[ComplexObject]
impl Product {
    async fn reviews(&self) -> Option<Vec<Option<Review>>> {
        Some(data::reviews_of_product(&self.upc).map(|row| Some(Review::from(row))).collect())
    }
}

pub struct Query;

#[Object]
impl Query {
    #[graphql(entity)]
    async fn review_by_id(&self, id: ID) -> Option<Review> {
        data::review_by_id(&id).map(Review::from)
    }

    #[graphql(entity)]
    async fn user_by_id(&self, id: ID) -> Option<User> {
        User::by_id(&id)
    }

    #[graphql(entity)]
    async fn product_by_upc(&self, upc: String) -> Option<Product> {
        data::product_by_upc(&upc).map(|row| Product { upc: row.upc.to_owned() })
    }
}

pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription).enable_federation().finish()
}
