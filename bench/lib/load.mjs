import autocannon from 'autocannon';
import { startCpuWindow } from './cpu.mjs';

let current;

/** Stops the load run in progress, if any (Ctrl-C). */
export function stopLoad() {
  current?.stop();
}

/** The clock V8's CPU profiles use for their timestamps. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

function percentile(sorted, fraction) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

async function run(url, connections, seconds, onResponse, extra) {
  const instance = autocannon({ url, connections, duration: seconds, pipelining: 1, ...extra });
  current = instance;
  if (onResponse) instance.on('response', onResponse);
  try {
    return await instance;
  } finally {
    current = undefined;
  }
}

/**
 * Loads `url` with keep-alive connections: a warm-up that is thrown away (JIT, pools, caches),
 * then the measured window. Latency percentiles come from every response's own time (autocannon's
 * histogram keeps whole milliseconds only). `onWindow(fromUs, toUs)` gets the measured window on
 * the monotonic clock, to cut a CPU profile to it. `requests` (autocannon's, e.g. with
 * setupRequest) varies what each request asks for; `beforeWindow()` runs between the warm-up and
 * the window (to read counters). `keepTimes` adds every response's time (ms, sorted) as `times`.
 */
export async function measure(
  url,
  serverPid,
  { connections, warmup, duration, onWindow, requests, beforeWindow, keepTimes = false, redisPid },
) {
  const extra = requests ? { requests } : {};
  if (warmup > 0) await run(url, connections, warmup, undefined, extra);
  await beforeWindow?.();
  const times = [];
  const endCpuWindow = startCpuWindow(serverPid, redisPid);
  const windowStartUs = monotonicMicros();
  const result = await run(url, connections, duration, (_client, _status, _bytes, responseTime) => times.push(responseTime), extra);
  onWindow?.(windowStartUs, monotonicMicros());
  const cpuCores = endCpuWindow();
  const requestsPerSecond = result.requests.total / result.duration;
  const sorted = Float64Array.from(times).sort();
  return {
    requests: result.requests.total,
    seconds: result.duration,
    requests_per_second: requestsPerSecond,
    latency_ms: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    },
    bytes_per_second: result.throughput.total / result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    cpu_cores: cpuCores,
    server_cpu_us_per_request: cpuCores ? (cpuCores.server / requestsPerSecond) * 1e6 : undefined,
    server_system_cpu_us_per_request: cpuCores ? (cpuCores.server_system / requestsPerSecond) * 1e6 : undefined,
    server_write_calls_per_request: cpuCores ? cpuCores.server_write_calls_per_second / requestsPerSecond : undefined,
    server_read_calls_per_request: cpuCores ? cpuCores.server_read_calls_per_second / requestsPerSecond : undefined,
    redis_cpu_us_per_request: cpuCores?.redis !== undefined ? (cpuCores.redis / requestsPerSecond) * 1e6 : undefined,
    postgres_cpu_us_per_request: cpuCores ? (cpuCores.postgres / requestsPerSecond) * 1e6 : undefined,
    status_codes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count])),
    ...(keepTimes ? { times: sorted } : {}),
  };
}

/**
 * One measurement from several windows of the same scenario (run in turn with other scenarios'):
 * requests and seconds added up, latency percentiles over every response, CPU weighted by each
 * window's length. The windows must have been measured with `keepTimes`.
 */
export function combineWindows(windows) {
  const seconds = windows.reduce((sum, window) => sum + window.seconds, 0);
  const requests = windows.reduce((sum, window) => sum + window.requests, 0);
  const times = Float64Array.from(windows.flatMap((window) => Array.from(window.times))).sort();
  const sum = (read) => windows.reduce((total, window) => total + read(window), 0);
  const withCpu = windows.every((window) => window.cpu_cores);
  const cores = (name) => Math.round((sum((window) => window.cpu_cores[name] * window.seconds) / seconds) * 100) / 100;
  const statusCodes = {};
  for (const window of windows)
    for (const [code, count] of Object.entries(window.status_codes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    requests,
    seconds,
    windows: windows.length,
    requests_per_second: requests / seconds,
    latency_ms: {
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      p99: percentile(times, 0.99),
      max: times.length > 0 ? times[times.length - 1] : Number.NaN,
    },
    bytes_per_second: sum((window) => window.bytes_per_second * window.seconds) / seconds,
    errors: sum((window) => window.errors),
    timeouts: sum((window) => window.timeouts),
    non2xx: sum((window) => window.non2xx),
    cpu_cores: withCpu ? Object.fromEntries(Object.keys(windows[0].cpu_cores).map((name) => [name, cores(name)])) : undefined,
    server_cpu_us_per_request: withCpu ? (sum((window) => window.cpu_cores.server * window.seconds) / requests) * 1e6 : undefined,
    server_cpu_us_per_request_by_window: withCpu
      ? windows.map((window) => Math.round(window.server_cpu_us_per_request * 10) / 10)
      : undefined,
    status_codes: statusCodes,
  };
}
