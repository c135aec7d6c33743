// The bare baseline of `npm run bench:cache`: Fastify 5 alone, answering the bytes and headers the
// bench recorded from a Tiffin L1 hit of the same route. No plugins, hooks or logger: what sending
// that answer costs Node and Fastify, against which everything Tiffin does per request is measured.
// Environment: PEER_RECORDING (a JSON file: { route, status, headers, body_base64 }), HOST, PORT.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const recording = JSON.parse(readFileSync(process.env.PEER_RECORDING, 'utf8'));
const body = Buffer.from(recording.body_base64, 'base64');
// What Node writes itself (Date, Connection, Keep-Alive, Content-Length) is not repeated; the
// request id is this request's own, as in Tiffin.
const headers = Object.fromEntries(
  Object.entries(recording.headers).filter(
    ([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id'].includes(name),
  ),
);

const app = Fastify({ logger: false });
app.get(recording.route, (request, reply) => {
  reply.code(recording.status).headers(headers).header('x-request-id', request.id).send(body);
});
app.get('/ready', (_request, reply) => reply.send('ready'));

await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) });
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop).on('SIGINT', stop);
