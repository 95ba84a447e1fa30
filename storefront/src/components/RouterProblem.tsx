import Alert from "@mui/material/Alert";

/** What a catalog page shows instead of its content when the API failed. */
export function RouterProblem({ message }: { message: string }) {
  return (
    <Alert severity="error" role="alert">
      {message} <a href="">Try again</a>
    </Alert>
  );
}
