//! products: the catalog (`topProducts`), and the `Product` entity by `upc`.

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, SimpleObject};

use crate::data::{self, ProductRow};

#[derive(SimpleObject)]
struct Product {
    upc: String,
    name: Option<String>,
    price: Option<i32>,
    weight: Option<i32>,
}

impl From<&ProductRow> for Product {
    fn from(row: &ProductRow) -> Self {
        Product {
            upc: row.upc.to_owned(),
            name: Some(row.name.to_owned()),
            price: Some(row.price),
            weight: Some(row.weight),
        }
    }
}

pub struct Query;

#[Object]
impl Query {
    async fn top_products(
        &self,
        #[graphql(default = 5)] first: Option<i32>,
    ) -> Option<Vec<Option<Product>>> {
        let count = usize::try_from(first.unwrap_or(5)).unwrap_or(0);
        Some(data::PRODUCTS.iter().take(count).map(|row| Some(Product::from(row))).collect())
    }

    #[graphql(entity)]
    async fn product_by_upc(&self, upc: String) -> Option<Product> {
        data::product_by_upc(&upc).map(Product::from)
    }
}

pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription).enable_federation().finish()
}
