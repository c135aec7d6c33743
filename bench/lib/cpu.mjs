import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's CPU times; 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;

/** A process's user and system CPU seconds so far (`/proc/<pid>/stat`). */
function processTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces; the fields after it start with the state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
}

/** CPU seconds (user + system) a process has used so far. */
export function processSeconds(pid) {
  const { user, system } = processTimes(pid);
  return user + system;
}

/**
 * How many read and write system calls a process has made (`/proc/<pid>/io`, syscr and syscw,
 * every thread): for the server, its socket reads and writes (HTTP, Postgres, Redis) and little
 * else. On a loopback socket the kernel does the receiving side's work inside the sender's write,
 * so the writes a request makes are a large part of what it costs.
 */
function systemCalls(pid) {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return { reads: Number(/^syscr:\s+(\d+)$/m.exec(io)[1]), writes: Number(/^syscw:\s+(\d+)$/m.exec(io)[1]) };
}

/**
 * The scheduler's view of a process's main thread (the one that runs JavaScript): seconds it
 * spent runnable but waiting for a core (`/proc/<pid>/schedstat`, its second field, in ns), and
 * how many times it was taken off a core while it still had work (involuntary context switches).
 * On a machine whose cores Postgres, Redis and the load generator share with the server, this is
 * the server's work delayed by theirs, which its CPU time does not show.
 */
function mainThreadWaits(pid) {
  const waitingNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  const preempted = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { waitingSeconds: waitingNs / 1e9, preempted };
}

/**
 * CPU seconds of every Postgres server process (postmaster and backends) by pid. A backend that
 * exits within a window takes its time with it, so the sum counts the long-lived ones: the apps'
 * pooled connections, which do the work measured here.
 */
function postgresSeconds() {
  const byPid = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') byPid.set(pid, processSeconds(pid));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return byPid;
}

function machineSeconds() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return {
    busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND,
    total: (user + nice + system + idle + iowait + irq + softirq + steal) / TICKS_PER_SECOND,
    steal: steal / TICKS_PER_SECOND,
  };
}

function snapshot(serverPid, redisPid) {
  const serverTimes = processTimes(serverPid);
  return {
    at: process.hrtime.bigint(),
    server: serverTimes.user + serverTimes.system,
    // The server's time in the kernel (system calls: its socket reads and writes, mostly).
    serverSystem: serverTimes.system,
    serverCalls: systemCalls(serverPid),
    serverWaits: mainThreadWaits(serverPid),
    redis: redisPid ? processSeconds(redisPid) : undefined,
    postgres: postgresSeconds(),
    self: process.cpuUsage(),
    machine: machineSeconds(),
  };
}

function coresSince(started, serverPid, redisPid) {
  const seconds = Number(process.hrtime.bigint() - started.at) / 1e9;
  const self = process.cpuUsage(started.self);
  const machine = machineSeconds();
  const serverTimes = processTimes(serverPid);
  const server = (serverTimes.user + serverTimes.system - started.server) / seconds;
  const generator = (self.user + self.system) / 1e6 / seconds;
  const redis = redisPid ? (processSeconds(redisPid) - started.redis) / seconds : 0;
  let postgresUsed = 0;
  for (const [pid, used] of postgresSeconds()) postgresUsed += used - (started.postgres.get(pid) ?? 0);
  const postgres = postgresUsed / seconds;
  const busy = (machine.busy - started.machine.busy) / seconds;
  const waits = mainThreadWaits(serverPid);
  const calls = systemCalls(serverPid);
  const round = (value) => Math.round(value * 100) / 100;
  return {
    server: round(server),
    load_generator: round(generator),
    ...(redisPid ? { redis: round(redis) } : {}),
    postgres: round(postgres),
    rest_of_machine: round(Math.max(0, busy - server - generator - redis - postgres)),
    // Time the hypervisor ran something else while this machine's vCPUs wanted to run: on a
    // shared host it slows every process of the window alike, and explains figures that move
    // between runs of the same code.
    stolen_by_host: round((machine.steal - started.machine.steal) / seconds),
    // The server's main thread: runnable but waiting for a core (in cores, as the rest), and taken
    // off a core while it had work, per second.
    server_waiting_for_a_core: round((waits.waitingSeconds - started.serverWaits.waitingSeconds) / seconds),
    server_preemptions_per_second: Math.round((waits.preempted - started.serverWaits.preempted) / seconds),
    // Of the server's CPU, the part spent in the kernel; and its read and write system calls per second.
    server_system: round((serverTimes.system - started.serverSystem) / seconds),
    server_read_calls_per_second: Math.round((calls.reads - started.serverCalls.reads) / seconds),
    server_write_calls_per_second: Math.round((calls.writes - started.serverCalls.writes) / seconds),
  };
}

/**
 * Where the CPU went during a window, in cores (1.0 = one core fully busy): the server under
 * load (all its threads), this process (the load generator), the Redis server when its pid is
 * known (the bench's own), every Postgres process, and everything else on the machine (any other
 * work, which skews the numbers); and how long the server's main thread waited for a core. The
 * function returned ends the window; it returns undefined where /proc is not available or the
 * server is gone (Ctrl-C).
 */
export function startCpuWindow(serverPid, redisPid) {
  let started;
  try {
    started = snapshot(serverPid, redisPid);
  } catch {
    return () => undefined;
  }
  return () => {
    try {
      return coresSince(started, serverPid, redisPid);
    } catch {
      return undefined;
    }
  };
}

/** How often the server's main thread was taken off a core while it had work, per 1,000 requests of a measured window. */
export const preemptionsPerThousand = (window) =>
  window.cpu_cores?.server_preemptions_per_second === undefined
    ? undefined
    : (window.cpu_cores.server_preemptions_per_second / window.requests_per_second) * 1000;
