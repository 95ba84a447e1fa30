"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { ThemeProvider } from "@mui/material/styles";
import { theme } from "../theme";
import { useState } from "react";
import { useMutation } from "urql";
import { formErrors } from "@/lib/errors";
import { AddReviewMutation } from "@/operations/reviews";
import { RequestProblemAlert } from "../RequestProblemAlert";

const FIELDS = ["rating", "title", "body"] as const;

/** Shown to signed-in shoppers only (see Reviewing). */
export function ReviewForm({ productId }: { productId: string }) {
  const [values, setValues] = useState({ rating: "5", title: "", body: "" });
  const [result, addReview] = useMutation(AddReviewMutation);
  const payload = result.data?.addReview;
  const errors = formErrors(payload?.errors ?? [], FIELDS);
  const submitted = payload?.review;
  const submit = () => addReview({ input: { productId, rating: Number(values.rating), title: values.title, body: values.body } });

  if (submitted) {
    return (
      <ThemeProvider theme={theme}><Alert severity="success" role="status">
        Thank you! Your review {submitted.status === "APPROVED" ? "is published." : "will appear once it has been approved."}
      </Alert></ThemeProvider>
    );
  }
  return (
    <ThemeProvider theme={theme}><form
      aria-labelledby="write-review"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Typography id="write-review" variant="h6" component="h3">Write a review</Typography>
      <Stack spacing={2} sx={{ maxWidth: 520, mt: 1 }}>
        {errors.general.map((m) => <Alert key={m} severity="error" role="alert">{m}</Alert>)}
        <TextField select label="Rating" value={values.rating} onChange={(e) => setValues({ ...values, rating: e.target.value })}
          error={!!errors.byField.rating} helperText={errors.byField.rating}>
          {[5, 4, 3, 2, 1].map((n) => <MenuItem key={n} value={String(n)}>{n} star{n > 1 ? "s" : ""}</MenuItem>)}
        </TextField>
        <TextField label="Title" value={values.title} onChange={(e) => setValues({ ...values, title: e.target.value })}
          error={!!errors.byField.title} helperText={errors.byField.title} />
        <TextField label="Review" multiline minRows={3} value={values.body} onChange={(e) => setValues({ ...values, body: e.target.value })}
          error={!!errors.byField.body} helperText={errors.byField.body} />
        {result.error && <RequestProblemAlert error={result.error} onRetry={() => void submit()} />}
        <Button type="submit" variant="contained" disabled={result.fetching}>Submit review</Button>
      </Stack>
    </form></ThemeProvider>
  );
}
