export function Rating({ average, count }: { average: number | null; count: number }) {
  if (count === 0 || average === null) return <p className="muted">No reviews yet</p>;
  const stars = Math.round(average);
  return (
    <p aria-label={`Rated ${average.toFixed(1)} out of 5 from ${count} review${count === 1 ? "" : "s"}`}>
      <span aria-hidden="true">{"★".repeat(stars)}{"☆".repeat(5 - stars)}</span> {average.toFixed(1)} ({count})
    </p>
  );
}
