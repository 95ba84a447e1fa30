"use client";

export default function PageError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="alert alert-error">
      The shop is having trouble loading this page. Please try again in a moment.{" "}
      <button type="button" className="button" onClick={reset}>Try again</button>
    </div>
  );
}
