import Typography from "@mui/material/Typography";
import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <Typography variant="h4" component="h1">Not found</Typography>
      <p>We could not find that page. <Link href="/">Back to the shop</Link></p>
    </>
  );
}
