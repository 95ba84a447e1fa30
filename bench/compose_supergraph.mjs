// Composes the supergraph every gateway of make bench serves, with the public composer
// @theguild/federation-composition (the one Hive Gateway uses), from the running subgraphs'
// own SDL (`_service { sdl }`). run.py copies this file into bench/.work.
//   node compose_supergraph.mjs OUT_FILE NAME=URL...
// Exits 1 with the composition errors on stderr, writing nothing.
import { writeFileSync } from "node:fs";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

const [outFile, ...subgraphs] = process.argv.slice(2);
const services = [];
for (const pair of subgraphs) {
  const separator = pair.indexOf("=");
  const name = pair.slice(0, separator);
  const url = pair.slice(separator + 1);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const { data } = await response.json();
  services.push({ name, url, typeDefs: parse(data._service.sdl) });
}
const result = composeServices(services);
if (result.errors?.length) {
  console.error(result.errors.map((error) => error.message).join("\n"));
  process.exit(1);
}
writeFileSync(outFile, result.supergraphSdl);
