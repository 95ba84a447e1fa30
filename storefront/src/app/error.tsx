"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";

export default function PageError({ reset }: { error: Error; reset: () => void }) {
  return (
    <Alert severity="error" role="alert" action={<Button color="inherit" onClick={reset}>Try again</Button>}>
      The shop is having trouble loading this page. Please try again in a moment.
    </Alert>
  );
}
