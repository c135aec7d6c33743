import autocannon from '/work/main/node_modules/autocannon/autocannon.js';
import { readdirSync, readFileSync } from 'node:fs';
const [pid, url, secs] = [process.argv[2], process.argv[3], Number(process.argv[4] ?? 10)];
const snap = () => Object.fromEntries(readdirSync(`/proc/${pid}/task`).map((t) => {
  const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8'); const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
  const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return [t, { comm, u: +f[11], s: +f[12] }];
}));
await autocannon({ url, connections: 32, duration: 3 });
const a = snap();
const r = await autocannon({ url, connections: 32, duration: secs });
const b = snap();
const n = r.requests.total; console.log(`${n} requests, ${(n / r.duration).toFixed(0)} req/s`);
const rows = Object.entries(b).map(([t, x]) => ({ t, comm: x.comm, u: (x.u - (a[t]?.u ?? 0)) * 10000 / n, s: (x.s - (a[t]?.s ?? 0)) * 10000 / n })).filter((r) => r.u + r.s > 0);
let tu = 0, ts = 0; for (const r of rows) { tu += r.u; ts += r.s; console.log(`${r.comm.padEnd(18)} user ${r.u.toFixed(1)} sys ${r.s.toFixed(1)} us/req`); }
console.log(`TOTAL user ${tu.toFixed(1)} sys ${ts.toFixed(1)} = ${(tu + ts).toFixed(1)} us/req`);
