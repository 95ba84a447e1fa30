import { routerUrl } from "@/lib/graphql/router";

// The browser talks to the router through this same-origin proxy, so every header the
// storefront needs (the guest cart's X-Cart-Token among them) reaches the router without
// depending on its CORS allow-list.
const FORWARDED = ["authorization", "content-type", "accept", "x-cart-token", "x-request-id", "traceparent"];

export async function POST(request: Request): Promise<Response> {
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  try {
    const upstream = await fetch(routerUrl(), { method: "POST", headers, body: await request.text(), cache: "no-store" });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  } catch {
    const error = { message: "The shop's API is unreachable", extensions: { code: "ROUTER_UNREACHABLE" } };
    return Response.json({ errors: [error] }, { status: 502 });
  }
}
