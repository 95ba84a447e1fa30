//! The static data every subgraph answers from, generated at start-up.
//!
//! Sizes follow the public gateway benchmark (graphql-hive/graphql-gateways-benchmark) so that
//! its TestQuery answers about 87.6 KB: 6 users, 9 products, 11 reviews with bodies of the
//! same lengths, every review written by user 1 and every user listing reviews 1 and 2.

use std::sync::LazyLock;

pub struct UserRow {
    pub id: &'static str,
    pub name: &'static str,
    pub username: &'static str,
    pub birthday: i32,
}

pub struct ProductRow {
    pub upc: &'static str,
    pub name: &'static str,
    pub price: i32,
    pub weight: i32,
    pub in_stock: bool,
}

pub struct ReviewRow {
    pub id: String,
    pub body: String,
    pub product_upc: &'static str,
    pub author_id: &'static str,
}

pub const USERS: [UserRow; 6] = [
    user("1", "Ada Lovelace", "ada"),
    user("2", "Alan Turing", "alan"),
    user("3", "Grace Hopper", "grace"),
    user("4", "Edsger Dijkstra", "edsger"),
    user("5", "Barbara Liskov", "barbara"),
    user("6", "Donald Knuth", "donald"),
];

pub const PRODUCTS: [ProductRow; 9] = [
    product("1", "Table", 899, 100, true),
    product("2", "Couch", 1299, 1000, false),
    product("3", "Glass", 15, 20, false),
    product("4", "Chair", 499, 100, false),
    product("5", "TV", 1299, 1000, true),
    product("6", "Lamp", 6999, 300, true),
    product("7", "Grill", 3999, 2000, true),
    product("8", "Fridge", 100000, 6000, false),
    product("9", "Sofa", 9999, 800, true),
];

/// Review bodies are generated text of these lengths, reviewing these products.
const REVIEW_BODY_LENGTHS: [usize; 11] = [445, 289, 275, 143, 445, 289, 275, 143, 143, 143, 844];
const REVIEWED_PRODUCTS: [&str; 11] = ["1", "1", "1", "1", "2", "2", "2", "2", "3", "4", "4"];
const AUTHOR_OF_EVERY_REVIEW: &str = "1";
const REVIEWS_OF_EVERY_USER: usize = 2;

pub static REVIEWS: LazyLock<Vec<ReviewRow>> = LazyLock::new(|| {
    REVIEW_BODY_LENGTHS
        .iter()
        .zip(REVIEWED_PRODUCTS)
        .enumerate()
        .map(|(index, (&length, upc))| ReviewRow {
            id: (index + 1).to_string(),
            body: generated_text(index, length),
            product_upc: upc,
            author_id: AUTHOR_OF_EVERY_REVIEW,
        })
        .collect()
});

pub fn user_by_id(id: &str) -> Option<&'static UserRow> {
    USERS.iter().find(|row| row.id == id)
}

pub fn product_by_upc(upc: &str) -> Option<&'static ProductRow> {
    PRODUCTS.iter().find(|row| row.upc == upc)
}

pub fn review_by_id(id: &str) -> Option<&'static ReviewRow> {
    REVIEWS.iter().find(|row| row.id == id)
}

pub fn reviews_of_product(upc: &str) -> impl Iterator<Item = &'static ReviewRow> + '_ {
    REVIEWS.iter().filter(move |row| row.product_upc == upc)
}

/// The reviews listed on a user; `None` for an id that is not a user.
pub fn reviews_of_user(id: &str) -> Option<&'static [ReviewRow]> {
    user_by_id(id).map(|_| &REVIEWS[..REVIEWS_OF_EVERY_USER])
}

const fn user(id: &'static str, name: &'static str, username: &'static str) -> UserRow {
    UserRow { id, name, username, birthday: 1_234_567_890 }
}

const fn product(
    upc: &'static str,
    name: &'static str,
    price: i32,
    weight: i32,
    in_stock: bool,
) -> ProductRow {
    ProductRow { upc, name, price, weight, in_stock }
}

/// Deterministic words (no two reviews alike), cut to exactly `length` bytes.
fn generated_text(seed: usize, length: usize) -> String {
    const WORDS: [&str; 12] = [
        "sturdy", "delivery", "arrived", "quickly", "finish", "solid", "would", "recommend",
        "value", "packaging", "assembly", "easy",
    ];
    let mut text = format!("Review {} says:", seed + 1);
    let mut index = seed;
    while text.len() < length {
        text.push(' ');
        text.push_str(WORDS[index % WORDS.len()]);
        index = (index * 7 + 3) % 1009;
    }
    text.truncate(length);
    text
}
