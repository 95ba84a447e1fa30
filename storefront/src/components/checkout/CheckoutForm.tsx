"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useMutation } from "urql";
import { CheckoutAttempts } from "@/lib/checkout/attempt";
import { formErrors } from "@/lib/errors";
import { PlaceOrderMutation } from "@/operations/orders";
import { RequestProblemAlert } from "../RequestProblemAlert";
import { useShop } from "../ShopProvider";

const ADDRESS_FIELDS = [
  { name: "name", label: "Full name", autoComplete: "name", required: true },
  { name: "line1", label: "Address line 1", autoComplete: "address-line1", required: true },
  { name: "line2", label: "Address line 2", autoComplete: "address-line2", required: false },
  { name: "city", label: "City", autoComplete: "address-level2", required: true },
  { name: "postalCode", label: "Postal code", autoComplete: "postal-code", required: true },
  { name: "country", label: "Country code (e.g. GB)", autoComplete: "country", required: true },
  { name: "phone", label: "Phone", autoComplete: "tel", required: false },
] as const;

type AddressField = (typeof ADDRESS_FIELDS)[number]["name"];

// The payment sandbox's test cards (see the README's checkout section).
const TEST_CARDS = [
  { token: "pm_card_visa", label: "Test Visa (succeeds)" },
  { token: "pm_card_chargeDeclined", label: "Test card (declined)" },
  { token: "pm_card_flaky", label: "Test card (fails twice, then succeeds)" },
];

export function CheckoutForm() {
  const { signedIn } = useShop();
  const router = useRouter();
  const attempts = useRef(new CheckoutAttempts());
  const [address, setAddress] = useState<Record<AddressField, string>>({
    name: "", line1: "", line2: "", city: "", postalCode: "", country: "", phone: "",
  });
  const [paymentMethod, setPaymentMethod] = useState("pm_card_visa");
  const [result, placeOrder] = useMutation(PlaceOrderMutation);
  const [submitting, setSubmitting] = useState(false);

  if (!signedIn) {
    return (
      <Typography>
        Please <Link href="/account?next=/checkout">sign in or create an account</Link> to check out. Your cart is kept.
      </Typography>
    );
  }

  const errors = formErrors(result.data?.placeOrder.errors ?? [], [...ADDRESS_FIELDS.map((f) => f.name), "paymentMethod"]);

  const submit = async () => {
    if (submitting) return; // a double click submits once; a retry reuses the attempt's key
    setSubmitting(true);
    const shippingAddress = {
      ...address,
      line2: address.line2 || null,
      phone: address.phone || null,
    };
    const idempotencyKey = attempts.current.keyFor({ shippingAddress, paymentMethod });
    try {
      const response = await placeOrder({ input: { shippingAddress, paymentMethod, idempotencyKey } });
      const order = response.data?.placeOrder.order;
      if (order) router.push(`/orders/${order.id}`);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form
      aria-label="Checkout"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack spacing={2} sx={{ maxWidth: 520 }}>
        <Typography variant="h6" component="h2">Shipping address</Typography>
        {errors.general.map((m) => <Alert key={m} severity="error" role="alert">{m}</Alert>)}
        {ADDRESS_FIELDS.map((field) => (
          <TextField
            key={field.name}
            name={field.name}
            label={field.label}
            required={field.required}
            autoComplete={field.autoComplete}
            value={address[field.name]}
            onChange={(e) => setAddress({ ...address, [field.name]: e.target.value })}
            error={!!errors.byField[field.name]}
            helperText={errors.byField[field.name]}
          />
        ))}
        <Typography variant="h6" component="h2">Payment</Typography>
        <TextField select name="paymentMethod" label="Card" value={paymentMethod} onChange={(e) => setPaymentMethod(e.target.value)}
          error={!!errors.byField.paymentMethod} helperText={errors.byField.paymentMethod}>
          {TEST_CARDS.map((card) => <MenuItem key={card.token} value={card.token}>{card.label}</MenuItem>)}
        </TextField>
        {result.error && <RequestProblemAlert error={result.error} onRetry={() => void submit()} />}
        <Button type="submit" variant="contained" size="large" disabled={submitting}>Place order</Button>
      </Stack>
    </form>
  );
}
