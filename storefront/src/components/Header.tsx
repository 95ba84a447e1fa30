import Link from "next/link";
import { Suspense } from "react";
import { SearchBox } from "./SearchBox";
import { CartLink } from "./CartLink";
import { AccountLink } from "./AccountLink";

// Plain HTML and CSS (globals.css): the header is on every page, so it sends no UI library code.
export function Header() {
  return (
    <header className="site-header">
      <a href="#main" className="skip-link">Skip to content</a>
      <Link href="/" className="brand">ShopGraph</Link>
      <Suspense fallback={null}>
        <SearchBox />
      </Suspense>
      <nav aria-label="Your shop" className="site-nav">
        <CartLink />
        <AccountLink />
      </nav>
    </header>
  );
}
