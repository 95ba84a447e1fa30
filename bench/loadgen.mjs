// The load generator of make bench: autocannon with a fixed number of connections for a fixed
// time, POSTing one JSON body. run.py copies this file into bench/.work so that "autocannon"
// resolves from bench/.work/node_modules.
//   node loadgen.mjs URL CONNECTIONS SECONDS BODY_FILE
// A BODY_FILE ending in .jsonl holds one JSON body per line: the requests of every connection
// take them in turn (bench/search_load.py: a mix of searches rather than one repeated).
// Prints "started" on stderr when the first requests go out (run.py starts its CPU window
// there), then autocannon's result as one JSON object on stdout.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const [url, connections, seconds, bodyFile] = process.argv.slice(2);
const body = readFileSync(bodyFile);
let rotation = {};
if (bodyFile.endsWith(".jsonl")) {
  const bodies = body.toString("utf8").split("\n").filter((line) => line.length > 0);
  let next = 0;
  const setupRequest = (request) => ({ ...request, body: bodies[next++ % bodies.length] });
  rotation = { requests: [{ setupRequest }] };
}
const instance = autocannon(
  {
    url,
    connections: Number(connections),
    duration: Number(seconds),
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    ...rotation,
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    process.stderr.write("finished\n");
    process.stdout.write(JSON.stringify(result) + "\n");
  },
);
instance.once("start", () => process.stderr.write("started\n"));
