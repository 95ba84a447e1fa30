# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The reviews subgraph's GraphQL schema (docs/architecture.md §4, §5).

* ``Review @key(fields: "id")`` — owned here.
* ``Product @key(fields: "id")`` gains ``reviews`` (APPROVED only, Relay connection with
  NEWEST/OLDEST/HIGHEST/LOWEST keyset cursors) and ``rating`` (aggregates over APPROVED
  reviews, one grouped query per batch).
* ``User @key(fields: "id")`` gains ``reviews`` (every status for the user themself and
  moderators, APPROVED only for anyone else).

Every list and entity field goes through a per-request DataLoader, so ``_entities`` with
many representations costs a constant number of queries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import HasScope, Scope, principal_of, require_user
from shopgraph.errors import BadUserInput, UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.pagination import Connection, Edge, PageInfo, connection_list_size, page_size
from shopgraph.settings import Settings
from subgraphs.reviews.records import RatingSummary, ReviewPage, ReviewRecord, ReviewSort, Status
from subgraphs.reviews.repository import ListKey
from subgraphs.reviews.service import Edit, ReviewService, Viewer

SERVICE_KEY = "reviews.service"

GqlInfo = Info[RequestContext, None]

ReviewStatus = strawberry.enum(Status, name="ReviewStatus", description="Moderation state.")
ReviewSortEnum = strawberry.enum(ReviewSort, name="ReviewSort", description="Review list order.")
APPROVED_ONLY = (Status.APPROVED,)


def service_of(info: GqlInfo) -> ReviewService:
    service: ReviewService = info.context.extra[SERVICE_KEY]
    return service


def viewer_of(info: GqlInfo) -> Viewer:
    principal = principal_of(info)
    return Viewer(
        user_id=principal.subject if principal.is_user else None,
        moderator=principal.has_scope(Scope.REVIEWS_MODERATE)
        or principal.has_scope(Scope.INTERNAL),
    )


def _page(loaded: ReviewPage | BadUserInput) -> ReviewPage:
    """A loaded page (DataLoaders raise returned exceptions; this narrows the type)."""
    if isinstance(loaded, BadUserInput):
        raise loaded
    return loaded


def _page_connection(page: ReviewPage, total_count: int | None = None) -> Connection[Review]:
    edges = [
        Edge(cursor=cursor, node=Review.from_record(record))
        for record, cursor in zip(page.items, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total_count=total_count,
    )


@strawberry.type(description="How many approved reviews gave this many stars.")
class RatingBucket:
    stars: int
    count: int


@strawberry.type(description="Aggregates over a product's approved reviews.")
class ProductRating:
    average: float | None = strawberry.field(
        description="Mean stars, rounded to 2 decimals; null when there are no reviews."
    )
    count: int
    histogram: list[RatingBucket] = strawberry.field(description="One bucket per star, 1 to 5.")

    @classmethod
    def from_summary(cls, summary: RatingSummary) -> ProductRating:
        average = None
        if summary.count:
            exact = Decimal(summary.total) / Decimal(summary.count)
            average = float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return cls(
            average=average,
            count=summary.count,
            histogram=[
                RatingBucket(stars=stars, count=summary.histogram[stars]) for stars in range(1, 6)
            ],
        )


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_extra: Any) -> Product:
        return cls(id=id)

    @strawberry.field(
        directives=[connection_list_size()],
        description="Approved reviews only; totalCount is how many there are.",
    )
    async def reviews(
        self,
        info: GqlInfo,
        first: int | None = None,
        after: str | None = None,
        sort: ReviewSortEnum = ReviewSort.NEWEST,  # type: ignore[valid-type]
    ) -> Connection[Review]:
        key = ListKey(str(self.id), page_size(first), after, ReviewSort(sort), APPROVED_ONLY)
        service = service_of(info)
        loader = info.context.loader("reviews.by_product", service.by_product)
        ratings = info.context.loader("reviews.rating_by_product", service.ratings)
        page = _page(await loader.load(key))
        return _page_connection(page, total_count=(await ratings.load(str(self.id))).count)

    @strawberry.field(description="Aggregates over the approved reviews.")
    async def rating(self, info: GqlInfo) -> ProductRating:
        loader = info.context.loader("reviews.rating_by_product", service_of(info).ratings)
        return ProductRating.from_summary(await loader.load(str(self.id)))


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_extra: Any) -> User:
        return cls(id=id)

    @strawberry.field(
        directives=[connection_list_size()],
        description="Newest first. Every status for the user themself and moderators; "
        "approved reviews only for anyone else.",
    )
    async def reviews(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Review]:
        statuses = () if viewer_of(info).sees_everything_of(str(self.id)) else APPROVED_ONLY
        key = ListKey(str(self.id), page_size(first), after, ReviewSort.NEWEST, statuses)
        loader = info.context.loader("reviews.by_author", service_of(info).by_author)
        return _page_connection(_page(await loader.load(key)))


@strawberry.federation.type(keys=["id"], description="A customer's review of a product.")
class Review:
    id: strawberry.ID
    rating: int
    title: str
    body: str
    status: ReviewStatus  # type: ignore[valid-type]
    verified_purchase: bool = strawberry.field(
        description="The author bought the product (a paid order of theirs contained it)."
    )
    created_at: datetime
    updated_at: datetime
    _record: strawberry.Private[ReviewRecord]

    @classmethod
    def from_record(cls, record: ReviewRecord) -> Review:
        return cls(
            id=strawberry.ID(record.id),
            rating=record.rating,
            title=record.title,
            body=record.body,
            status=record.status,
            verified_purchase=record.verified_purchase,
            created_at=record.created_at,
            updated_at=record.updated_at,
            _record=record,
        )

    @classmethod
    async def resolve_reference(
        cls, info: GqlInfo, id: strawberry.ID, **_extra: Any
    ) -> Review | None:
        record = await _load_review(info, str(id))
        return None if record is None else cls.from_record(record)

    @strawberry.field
    def product(self) -> Product:
        return Product(id=strawberry.ID(self._record.product_id))

    @strawberry.field
    def author(self) -> User:
        return User(id=strawberry.ID(self._record.author_id))

    @strawberry.field(description="Why staff rejected it; only the author and moderators see it.")
    def rejection_reason(self, info: GqlInfo) -> str | None:
        if not viewer_of(info).sees_everything_of(self._record.author_id):
            return None
        return self._record.rejection_reason

    @strawberry.field(
        description="Why moderation holds it (PENDING); only the author and moderators see it."
    )
    def hold_reason(self, info: GqlInfo) -> str | None:
        if not viewer_of(info).sees_everything_of(self._record.author_id):
            return None
        return self._record.hold_reason


async def _load_review(info: GqlInfo, review_id: str) -> ReviewRecord | None:
    """The review if this caller may see it: approved, or theirs, or they moderate."""
    loader = info.context.loader("reviews.by_id", service_of(info).get_many)
    record = await loader.load(review_id)
    if record is None or not viewer_of(info).may_see(record):
        return None
    return record


@strawberry.input
class AddReviewInput:
    product_id: strawberry.ID
    rating: int = strawberry.field(description="1 to 5 stars.")
    title: str = strawberry.field(description="1 to 120 characters, trimmed.")
    body: str = strawberry.field(description="1 to 5000 characters, trimmed.")


@strawberry.input(description="Fields to change; omitted ones keep their value.")
class EditReviewInput:
    rating: int | None = None
    title: str | None = None
    body: str | None = None


@strawberry.type
class ReviewPayload:
    review: Review | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def ok(cls, record: ReviewRecord) -> ReviewPayload:
        return cls(review=Review.from_record(record))


@strawberry.type
class DeleteReviewPayload:
    deleted_review_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field(description="A review, if it is approved, yours, or you moderate.")
    async def review(self, info: GqlInfo, id: strawberry.ID) -> Review | None:
        record = await _load_review(info, str(id))
        return None if record is None else Review.from_record(record)

    @strawberry.federation.field(
        directives=[connection_list_size()],
        requires_scopes=[[Scope.REVIEWS_MODERATE.value]],
        permission_classes=[HasScope(Scope.REVIEWS_MODERATE)],
        description="Reviews held for moderation, oldest first (staff: reviews:moderate).",
    )
    async def moderation_queue(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Review]:
        page = await service_of(info).moderation_queue(size=page_size(first), after=after)
        return _page_connection(page)


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        authenticated=True, description="One review per user and product (signed-in users)."
    )
    @errors_as_data(ReviewPayload)
    async def add_review(self, info: GqlInfo, input: AddReviewInput) -> ReviewPayload:
        principal = require_user(info)
        record = await service_of(info).add_review(
            author_id=principal.subject,
            product_id=str(input.product_id),
            rating=input.rating,
            title=input.title,
            body=input.body,
        )
        return ReviewPayload.ok(record)

    @strawberry.federation.mutation(
        authenticated=True, description="The author edits their review; moderation runs again."
    )
    @errors_as_data(ReviewPayload)
    async def edit_review(
        self, info: GqlInfo, id: strawberry.ID, input: EditReviewInput
    ) -> ReviewPayload:
        principal = require_user(info)
        record = await service_of(info).edit_review(
            actor_id=principal.subject,
            review_id=str(id),
            edit=Edit(rating=input.rating, title=input.title, body=input.body),
        )
        return ReviewPayload.ok(record)

    @strawberry.federation.mutation(
        authenticated=True, description="The author deletes their review."
    )
    @errors_as_data(DeleteReviewPayload)
    async def delete_review(self, info: GqlInfo, id: strawberry.ID) -> DeleteReviewPayload:
        principal = require_user(info)
        record = await service_of(info).delete_review(actor_id=principal.subject, review_id=str(id))
        return DeleteReviewPayload(deleted_review_id=strawberry.ID(record.id))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.REVIEWS_MODERATE.value]],
        permission_classes=[HasScope(Scope.REVIEWS_MODERATE)],
    )
    @errors_as_data(ReviewPayload)
    async def approve_review(self, info: GqlInfo, id: strawberry.ID) -> ReviewPayload:
        record = await service_of(info).approve(review_id=str(id))
        return ReviewPayload.ok(record)

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.REVIEWS_MODERATE.value]],
        permission_classes=[HasScope(Scope.REVIEWS_MODERATE)],
    )
    @errors_as_data(ReviewPayload)
    async def reject_review(self, info: GqlInfo, id: strawberry.ID, reason: str) -> ReviewPayload:
        record = await service_of(info).reject(review_id=str(id), reason=reason)
        return ReviewPayload.ok(record)


def build_schema(settings: Settings) -> Any:
    """The reviews subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(
        settings, query=Query, mutation=Mutation, types=[Review, Product, User]
    )
