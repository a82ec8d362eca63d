// The ceiling: a bare node:http server answering fixed JSON. `node --import tsx bench/peer-bare.ts <port>`
import { createServer } from 'node:http';

const body = JSON.stringify({ data: { viewer: null } });
createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
