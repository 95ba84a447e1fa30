import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The storefront is served by `make dev` next to the router; a standalone server is not
  // needed there, and docker-compose runs `next start` from the built image.
  experimental: { optimizePackageImports: ["@mui/material"] },
};

export default config;
