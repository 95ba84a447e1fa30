"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import Tab from "@mui/material/Tab";
import Tabs from "@mui/material/Tabs";
import TextField from "@mui/material/TextField";
import { useState } from "react";
import { useClient, useMutation } from "urql";
import { mergeGuestCart } from "@/lib/cart/merge";
import { formErrors } from "@/lib/errors";
import { LoginMutation, RegisterMutation } from "@/operations/account";
import { MergeCartMutation } from "@/operations/cart";
import type { AuthFieldsFragment } from "@/gql/graphql";
import { RequestProblemAlert } from "../RequestProblemAlert";
import { useShop } from "../ShopProvider";

type Mode = "sign-in" | "register";

const FIELDS = {
  "sign-in": [
    { name: "email", label: "Email", type: "email", autoComplete: "email" },
    { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
  ],
  register: [
    { name: "firstName", label: "First name", type: "text", autoComplete: "given-name" },
    { name: "lastName", label: "Last name", type: "text", autoComplete: "family-name" },
    { name: "email", label: "Email", type: "email", autoComplete: "email" },
    { name: "password", label: "Password", type: "password", autoComplete: "new-password" },
  ],
} as const;

/** Sign in or register; a guest cart is merged into the account right after. */
export function AuthForms({ onSignedIn }: { onSignedIn: () => void }) {
  const { keeper, cartTokens, resetClient } = useShop();
  const client = useClient();
  const [mode, setMode] = useState<Mode>("sign-in");
  const [values, setValues] = useState({ email: "", password: "", firstName: "", lastName: "" });
  const [login, loginMutation] = useMutation(LoginMutation);
  const [register, registerMutation] = useMutation(RegisterMutation);
  const current = mode === "sign-in" ? login : register;
  const payload: AuthFieldsFragment | undefined = mode === "sign-in" ? login.data?.login : register.data?.register;
  const errors = formErrors(payload?.errors ?? [], FIELDS[mode].map((f) => f.name));

  const submit = async () => {
    const response =
      mode === "sign-in"
        ? (await loginMutation({ input: { email: values.email, password: values.password } })).data?.login
        : (await registerMutation({ input: values })).data?.register;
    if (!response || response.errors.length > 0 || !response.accessToken) return;
    keeper.signIn(response);
    await mergeGuestCart(cartTokens, async (cartToken) => {
      const merged = await client.mutation(MergeCartMutation, { cartToken }).toPromise();
      if (merged.error || !merged.data) throw merged.error ?? new Error("mergeCart returned nothing");
      return merged.data.mergeCart;
    });
    resetClient();
    onSignedIn();
  };

  return (
    <>
      <Tabs value={mode} onChange={(_e, value: Mode) => setMode(value)} aria-label="Sign in or register">
        <Tab value="sign-in" label="Sign in" />
        <Tab value="register" label="Create account" />
      </Tabs>
      <form
        aria-label={mode === "sign-in" ? "Sign in" : "Create account"}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack spacing={2} sx={{ maxWidth: 420, mt: 2 }}>
          {errors.general.map((m) => <Alert key={m} severity="error" role="alert">{m}</Alert>)}
          {FIELDS[mode].map((field) => (
            <TextField
              key={`${mode}-${field.name}`}
              name={field.name}
              label={field.label}
              type={field.type}
              autoComplete={field.autoComplete}
              required
              value={values[field.name]}
              onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
              error={!!errors.byField[field.name]}
              helperText={errors.byField[field.name]}
            />
          ))}
          {current.error && <RequestProblemAlert error={current.error} onRetry={() => void submit()} />}
          <Button type="submit" variant="contained" disabled={current.fetching}>
            {mode === "sign-in" ? "Sign in" : "Create account"}
          </Button>
        </Stack>
      </form>
    </>
  );
}
