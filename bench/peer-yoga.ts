// The floor of yoga itself: graphql-yoga with a one-field schema and none of Gatehouse's plugins, answering its own
// health check (`GET /health`, an empty 200). Between the bare node:http server and Gatehouse's `GET /health`, it
// splits the cost of the fetch adapter (WHATWG Request and Response per request) from that of our plugins.
// `node --import tsx bench/peer-yoga.ts <port>`
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
  logging: false,
  landingPage: false,
});
createServer(yoga).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
