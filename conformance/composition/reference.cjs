// Reference composer for tests only: reads [{name, url, sdl}] as JSON on stdin and writes
// {"supergraphSdl": ...} or {"errors": [{"message", "code"}]} as JSON on stdout.
// NODE_PATH must point at a node_modules holding @theguild/federation-composition and graphql.
"use strict";
const { composeServices } = require("@theguild/federation-composition");
const { parse } = require("graphql");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const subgraphs = JSON.parse(input);
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  const errors = result.errors || [];
  if (errors.length) {
    const out = errors.map((e) => ({ message: e.message, code: (e.extensions || {}).code }));
    process.stdout.write(JSON.stringify({ errors: out }));
    return;
  }
  process.stdout.write(JSON.stringify({ supergraphSdl: result.supergraphSdl }));
});
