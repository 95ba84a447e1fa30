//! accounts: users, and the `User` entity by `id`.

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, SimpleObject, ID};

use crate::data::{self, UserRow};

#[derive(SimpleObject)]
struct User {
    id: ID,
    name: Option<String>,
    username: Option<String>,
    birthday: Option<i32>,
}

impl From<&UserRow> for User {
    fn from(row: &UserRow) -> Self {
        User {
            id: ID(row.id.to_owned()),
            name: Some(row.name.to_owned()),
            username: Some(row.username.to_owned()),
            birthday: Some(row.birthday),
        }
    }
}

pub struct Query;

#[Object]
impl Query {
    async fn me(&self) -> Option<User> {
        data::USERS.first().map(User::from)
    }

    async fn user(&self, id: ID) -> Option<User> {
        data::user_by_id(&id).map(User::from)
    }

    async fn users(&self) -> Option<Vec<Option<User>>> {
        Some(data::USERS.iter().map(|row| Some(User::from(row))).collect())
    }

    #[graphql(entity)]
    async fn user_by_id(&self, id: ID) -> Option<User> {
        data::user_by_id(&id).map(User::from)
    }
}

pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription).enable_federation().finish()
}
