// Serves PostGraphile v5 from graphile.config.mjs on 127.0.0.1:$PORT/graphql, in this one Node
// process (no cluster), the way `postgraphile` (CLI) does it, with the node grafserv adaptor.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error("server error:", e);
  process.exit(2);
});
await serv.addTo(server);
// Build the schema before listening, so that the first request does not pay for introspection.
await pgl.getSchema();
const { host, port } = pgl.getResolvedPreset().grafserv;
server.listen({ host, port }, () => {
  console.log(`postgraphile ${process.versions.node} listening on http://${host}:${port}/graphql`);
});
const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
