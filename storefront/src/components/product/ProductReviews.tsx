"use client";

import { useQuery } from "urql";
import { Rating } from "@/components/catalog/Rating";
import { describeRequestError } from "@/lib/errors";
import { ProductReviewsQuery } from "@/operations/catalog";

/**
 * Approved reviews, read by the browser after the page arrives: the server-rendered part of
 * the product page is cached for a few seconds, reviews are always current (one approved a
 * moment ago shows up), and they cost the page's server render nothing. Plain HTML, no UI library.
 * The query defers them (`@defer`): they arrive in a later part of the router's multipart answer.
 */
export function ProductReviews({ productId }: { productId: string }) {
  const [{ data, error }, reload] = useQuery({
    query: ProductReviewsQuery,
    variables: { id: productId },
    requestPolicy: "cache-and-network",
    // Not during the server render: there is no browser session there, and the page must not wait.
    pause: typeof window === "undefined",
  });
  const edges = data?.product?.reviews?.edges;
  if (error && !edges) {
    const problem = describeRequestError(error);
    return (
      <p className="alert alert-error" role="alert">
        {problem.message}{" "}
        {problem.retryable && <button type="button" onClick={() => reload({ requestPolicy: "network-only" })}>Try again</button>}
      </p>
    );
  }
  if (!edges) return <p aria-busy="true">Loading reviews…</p>;
  if (edges.length === 0) return <p>No reviews yet.</p>;
  return (
    <ul>
      {edges.map(({ node }) => (
        <li key={node.id}>
          <h3>{node.title}</h3>
          <Rating average={node.rating} count={1} />
          <p>{node.body}</p>
          <p className="muted">
            {node.author.firstName}{node.verifiedPurchase ? " · verified purchase" : ""}
          </p>
        </li>
      ))}
    </ul>
  );
}
