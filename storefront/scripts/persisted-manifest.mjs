// Writes (with --check: verifies) the Apollo persisted query manifest of every operation the
// storefront sends (persisted-query-manifest.json), for the router's safelist
// ([persisted_queries] in router/README.md). The operations are the documents GraphQL Code Generator generated in
// src/gql/graphql.ts (`npm run codegen`); each is listed in every form the storefront puts on
// the wire: printed by the server-side calls (`print`) and by urql, whose normalized cache
// adds `__typename` to every selection (`formatDocument`).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatDocument, stringifyDocument } from "urql";
import { print } from "graphql";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const generated = readFileSync(join(root, "src/gql/graphql.ts"), "utf8");
const DOCUMENT = /^export const (\w+)Document = (\{.*\}) as unknown as DocumentNode<.*>;$/gm;

function operationOf(document) {
  const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
  if (operations.length !== 1 || !operations[0].name) {
    throw new Error(`expected one named operation, found ${operations.length}`);
  }
  return { name: operations[0].name.value, type: operations[0].operation };
}

const operations = new Map();
for (const [, constant, json] of generated.matchAll(DOCUMENT)) {
  const document = JSON.parse(json);
  const { name, type } = operationOf(document);
  for (const body of [print(document), stringifyDocument(formatDocument(document))]) {
    const id = createHash("sha256").update(body).digest("hex");
    operations.set(id, { id, body, name, type, constant });
  }
}
if (operations.size === 0) throw new Error("no documents in src/gql/graphql.ts: run npm run codegen");

const manifest = {
  format: "apollo-persisted-query-manifest",
  version: 1,
  operations: [...operations.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.body.length - b.body.length)
    .map(({ id, body, name, type }) => ({ id, body, name, type })),
};
const out = join(root, "persisted-query-manifest.json");
const text = `${JSON.stringify(manifest, null, 2)}\n`;
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(out, "utf8");
  } catch {
    // missing: reported below like any other difference
  }
  if (current !== text) {
    console.error(`${out} is not the manifest of src/gql: run npm run persisted-manifest`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${manifest.operations.length} operations to ${out}`);
}
