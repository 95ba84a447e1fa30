import AppBar from "@mui/material/AppBar";
import Toolbar from "@mui/material/Toolbar";
import Link from "next/link";
import { Suspense } from "react";
import { SearchBox } from "./SearchBox";
import { CartLink } from "./CartLink";
import { AccountLink } from "./AccountLink";

export function Header() {
  return (
    <AppBar position="static" color="primary" component="header">
      <Toolbar sx={{ gap: 2, flexWrap: "wrap" }}>
        <a href="#main" className="skip-link">Skip to content</a>
        <Link href="/" style={{ color: "inherit", fontWeight: 700, fontSize: "1.25rem", textDecoration: "none" }}>
          ShopGraph
        </Link>
        <Suspense fallback={null}>
          <SearchBox />
        </Suspense>
        <nav aria-label="Your shop" style={{ display: "flex", gap: 16, marginLeft: "auto" }}>
          <CartLink />
          <AccountLink />
        </nav>
      </Toolbar>
    </AppBar>
  );
}
