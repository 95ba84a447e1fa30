"use client";

import Button from "@mui/material/Button";
import Typography from "@mui/material/Typography";
import { useRouter, useSearchParams } from "next/navigation";
import { useQuery, useMutation } from "urql";
import { safeNextPath } from "@/lib/safe-next";
import { LogoutMutation, MeQuery } from "@/operations/account";
import { AuthForms } from "./AuthForms";
import { OrderHistory } from "./OrderHistory";
import { useShop } from "../ShopProvider";

export function AccountView() {
  const { signedIn, keeper } = useShop();
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [{ data }] = useQuery({ query: MeQuery, pause: !signedIn });
  const [, logout] = useMutation(LogoutMutation);

  if (!signedIn) {
    return (
      <>
        <Typography variant="h4" component="h1" gutterBottom>Sign in</Typography>
        <AuthForms onSignedIn={() => router.push(safeNextPath(next))} />
      </>
    );
  }
  const signOut = async () => {
    const refreshToken = keeper.currentRefreshToken();
    if (refreshToken) await logout({ refreshToken });
    keeper.signOut();
  };
  return (
    <>
      <Typography variant="h4" component="h1" gutterBottom>
        {data?.me ? `Hello, ${data.me.firstName}` : "Your account"}
      </Typography>
      <Button variant="outlined" onClick={() => void signOut()}>Sign out</Button>
      <Typography variant="h5" component="h2" sx={{ mt: 3 }}>Order history</Typography>
      <OrderHistory />
    </>
  );
}
