"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import type { CombinedError } from "urql";
import { describeRequestError } from "@/lib/errors";

/** A failed request as people expect it: what happened, and a retry when retrying can help. */
export function RequestProblemAlert({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  const problem = describeRequestError(error);
  return (
    <Alert
      severity="error"
      role="alert"
      action={problem.retryable && onRetry ? <Button color="inherit" onClick={onRetry}>Try again</Button> : undefined}
    >
      {problem.message}
    </Alert>
  );
}
