// Apollo Gateway (the @apollo/gateway + @apollo/server pair) serving a supergraph file.
// run.py copies this file into bench/.work so its imports resolve from bench/.work/node_modules.
// node apollo_gateway.mjs SUPERGRAPH PORT
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway } from "@apollo/gateway";

const [supergraphPath, port] = process.argv.slice(2);
// Apollo Gateway refuses a supergraph that links a SECURITY feature it cannot enforce
// (@authenticated, @requiresScopes, @policy: Apollo Router's, not the gateway's). The
// benchmarked query reads no field they guard, so the links are loaded as plain metadata.
const unenforced = /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[0-9.]+"), for: SECURITY\)/g;
const supergraphSdl = readFileSync(supergraphPath, "utf8").replace(unenforced, "$1)");
const gateway = new ApolloGateway({ supergraphSdl });
const server = new ApolloServer({ gateway, introspection: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(port) },
});
console.log(`apollo gateway ready at ${url}`);
