import Typography from "@mui/material/Typography";

export function Rating({ average, count }: { average: number | null; count: number }) {
  if (count === 0 || average === null) return <Typography variant="body2">No reviews yet</Typography>;
  return (
    <Typography variant="body2" aria-label={`Rated ${average.toFixed(1)} out of 5 from ${count} reviews`}>
      {"★".repeat(Math.round(average))}
      {"☆".repeat(5 - Math.round(average))} {average.toFixed(1)} ({count})
    </Typography>
  );
}
