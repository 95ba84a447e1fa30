//! inventory: `Product.inStock` by `upc`, and `Product.shippingEstimate`, which requires the
//! product's `price` and `weight` from the products subgraph (sent in the representation).

use async_graphql::{
    ComplexObject, EmptyMutation, EmptySubscription, Object, Schema, SimpleObject,
};

use crate::data;

#[derive(SimpleObject)]
#[graphql(complex)]
struct Product {
    upc: String,
    #[graphql(external)]
    price: Option<i32>,
    #[graphql(external)]
    weight: Option<i32>,
    in_stock: Option<bool>,
}

#[ComplexObject]
impl Product {
    /// Free above 1000, otherwise half the weight; unknown without a price and a weight.
    #[graphql(requires = "price weight")]
    async fn shipping_estimate(&self) -> Option<i32> {
        let price = self.price?;
        if price > 1000 {
            return Some(0);
        }
        self.weight.map(|weight| weight / 2)
    }
}

pub struct Query;

#[Object]
impl Query {
    #[graphql(entity)]
    async fn product_by_upc(
        &self,
        #[graphql(key)] upc: String,
        price: Option<i32>,
        weight: Option<i32>,
    ) -> Option<Product> {
        data::product_by_upc(&upc).map(|row| Product {
            upc: row.upc.to_owned(),
            price,
            weight,
            in_stock: Some(row.in_stock),
        })
    }
}

pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription).enable_federation().finish()
}
