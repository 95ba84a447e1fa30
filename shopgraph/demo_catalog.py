"""The demo catalog ``make dev`` seeds, shared by the products, inventory and reviews seeds.

IDs are UUIDv5 of the SKU (categories: of the slug), so each service seeds its own database
with the same ids without reading another's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

NAMESPACE = uuid.UUID("6f1c1d2e-8b4a-4c36-9a57-5d0f3b9e2a10")


def demo_id(natural_key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, natural_key))


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    parent_slug: str | None

    @property
    def id(self) -> str:
        return demo_id(f"category:{self.slug}")


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    category_slug: str
    price_minor: int
    weight_grams: int
    stock: int
    description: str

    @property
    def id(self) -> str:
        return demo_id(f"product:{self.sku}")

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-").replace("'", "")

    @property
    def image_url(self) -> str:
        return f"https://images.shopgraph.dev/products/{self.slug}.jpg"


@dataclass(frozen=True)
class DemoReview:
    product_sku: str
    author_email: str
    rating: int
    title: str
    body: str


CURRENCY = "USD"

CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory("apparel", "Apparel", None),
    DemoCategory("t-shirts", "T-Shirts", "apparel"),
    DemoCategory("hoodies", "Hoodies", "apparel"),
    DemoCategory("shoes", "Shoes", "apparel"),
    DemoCategory("electronics", "Electronics", None),
    DemoCategory("audio", "Audio", "electronics"),
    DemoCategory("accessories", "Accessories", "electronics"),
    DemoCategory("home", "Home", None),
    DemoCategory("kitchen", "Kitchen", "home"),
    DemoCategory("outdoors", "Outdoors", None),
)

_LINES: tuple[tuple[str, str, int, int, tuple[str, ...]], ...] = (
    # category, noun, base price (minor), weight g, variants
    ("t-shirts", "Tee", 1900, 180, ("Classic", "Organic", "Pocket", "Vintage", "Graphic",
                                    "Striped", "Heavyweight")),
    ("hoodies", "Hoodie", 5400, 650, ("Zip", "Pullover", "Fleece", "Tech", "Oversized")),
    ("shoes", "Sneaker", 8900, 900, ("Runner", "Court", "Trail", "Canvas", "Slip-On")),
    ("audio", "Headphones", 12900, 280, ("Studio", "Wireless", "Noise-Cancelling", "Sport",
                                         "Kids")),
    ("audio", "Speaker", 7900, 700, ("Mini", "Party", "Shower", "Smart", "Bookshelf")),
    ("accessories", "Cable", 1200, 60, ("USB-C", "Lightning", "HDMI", "Braided")),
    ("accessories", "Charger", 2900, 150, ("Wall", "Car", "Wireless", "Travel")),
    ("kitchen", "Mug", 1400, 350, ("Ceramic", "Enamel", "Travel", "Espresso", "Glass")),
    ("kitchen", "Knife", 4900, 220, ("Chef's", "Paring", "Bread")),
    ("outdoors", "Tent", 19900, 2400, ("Dome", "Ultralight", "Family")),
    ("outdoors", "Bottle", 2400, 300, ("Steel", "Insulated", "Filter", "Collapsible")),
)  # fmt: skip


def _products() -> tuple[DemoProduct, ...]:
    products: list[DemoProduct] = []
    for category, noun, base_price, weight, variants in _LINES:
        for index, variant in enumerate(variants):
            name = f"{variant} {noun}"
            sku = f"{noun[:3].upper()}-{index + 1:03d}"
            products.append(
                DemoProduct(
                    sku=sku,
                    name=name,
                    category_slug=category,
                    price_minor=base_price + 500 * index,
                    weight_grams=weight + 25 * index,
                    stock=(7 * (len(products) + 3)) % 60 + (0 if index == 2 else 5),
                    description=f"The {name.lower()}: a ShopGraph demo product.",
                )
            )
    return tuple(products)


PRODUCTS: tuple[DemoProduct, ...] = _products()

REVIEWERS: tuple[tuple[str, str, str], ...] = (
    ("grace@shopgraph.dev", "Grace", "Hopper"),
    ("alan@shopgraph.dev", "Alan", "Turing"),
    ("barbara@shopgraph.dev", "Barbara", "Liskov"),
)
REVIEWER_PASSWORD = "demo-customer-pass"

REVIEWS: tuple[DemoReview, ...] = tuple(
    DemoReview(
        product_sku=product.sku,
        author_email=REVIEWERS[i % len(REVIEWERS)][0],
        rating=(i % 5) + 1 if i % 3 else 5,
        title=f"{('Great', 'Solid', 'Okay', 'Love it')[i % 4]} {product.name.lower()}",
        body=f"Used the {product.name.lower()} for a month. "
        + ("Would buy again." if i % 2 else "Does what it says."),
    )
    for i, product in enumerate(PRODUCTS[::3])
)


def reviewer_id(email: str) -> str:
    """The users-service id of a demo reviewer (the users seed creates them with it)."""
    return demo_id(f"user:{email}")
