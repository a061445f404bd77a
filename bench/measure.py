"""The measurements: wrk and redis-benchmark runs, callgrind instruction
counts and function profiles, a worker's RSS, and request pool sizes from
nginx's debug log."""

import http.client
import os
import re
import signal
import statistics
import subprocess
import time

BENCH = os.path.dirname(os.path.abspath(__file__))


# --- a simple HTTP client: checks, callgrind load, pool runs --------------

class Client:
    """One keep-alive connection; requests one at a time."""

    def __init__(self, port, timeout=120):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method="GET", path="/", headers=None, body=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body,
                                  headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, resp.getheaders(), data
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def header_values(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


# --- wrk ------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value, unit):
    return float(value) * _UNITS[unit]


def parse_wrk(out):
    """Requests/s, p99 (ms), request count and problems from wrk's
    --latency output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    n = re.search(r"(\d+) requests in", out)
    if not (rps and p99 and n):
        raise RuntimeError("cannot read wrk's output:\n" + out)
    problems = []
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        problems.append("%s non-2xx/3xx responses" % bad.group(1))
    err = re.search(r"Socket errors: (.*)", out)
    if err:
        problems.append("socket errors: " + err.group(1))
    return {"rps": float(rps.group(1)), "p99_ms": _ms(*p99.groups()),
            "requests": int(n.group(1)), "problems": problems}


def run_wrk(port, path, connections, seconds, method="GET", headers=None,
            body=None, script="request.lua", env_extra=None):
    """wrk for SECONDS, or until a script that counts its answers stops its
    thread (bench/wrk/mixed.lua): wrk's main thread then still sleeps for
    the whole duration, so it gets the SIGINT that ends a run early."""
    env = dict(os.environ)
    env["BENCH_METHOD"] = method
    env["BENCH_BODY"] = body or ""
    env["BENCH_HEADERS"] = "\n".join("%s: %s" % kv
                                     for kv in (headers or {}).items())
    env["BENCH_WRK"] = os.path.join(BENCH, "wrk")     # for dofile()
    env.update(env_extra or {})
    cmd = ["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--latency",
           "-s", os.path.join(BENCH, "wrk", script),
           "http://127.0.0.1:%d%s" % (port, path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(0.2)
        while proc.poll() is None:
            if _threads(proc.pid) == 1:       # the -t1 thread is done
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.2)
        out, err = proc.communicate(timeout=seconds + 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError("wrk failed: %s\n%s" % (err, out))
    res = parse_wrk(out)
    res["command"] = " ".join(cmd)
    return res


def _threads(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# --- redis-benchmark ------------------------------------------------------

def run_redis_benchmark(port, clients, n, args):
    cmd = ["redis-benchmark", "-p", str(port), "-c", str(clients), "-n",
           str(n), "-r", "100000000", "--csv"] + args
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    lines = [l for l in out.stdout.splitlines() if l.startswith('"')]
    if out.returncode != 0 or len(lines) < 2:
        raise RuntimeError("redis-benchmark failed:\n%s%s" % (out.stdout,
                                                             out.stderr))
    head = [h.strip('"') for h in lines[0].split('","')]
    vals = [v.strip('"') for v in lines[-1].rsplit('","', len(head) - 1)]
    row = dict(zip(head, vals))
    return {"rps": float(row["rps"]), "p99_ms": float(row["p99_latency_ms"]),
            "requests": n, "problems": [],
            "command": " ".join(cmd[:9] + ["EVALSHA", "..."])}


def run_redis_tx(exe, port, clients, n, payload):
    out = subprocess.run([exe, str(port), str(clients), str(n), payload, "5"],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError("redis_tx failed:\n%s%s" % (out.stdout,
                                                       out.stderr))
    f = out.stdout.split()
    row = dict(zip(f[0::2], f[1::2]))
    return {"rps": float(row["rps"]), "p99_ms": float(row["p99_ms"]),
            "requests": n, "problems": [],
            "command": "redis_tx %d %d %d" % (port, clients, n)}


# --- callgrind -----------------------------------------------------------

EPOLL_WAIT = ("232", "281")    # epoll_wait, epoll_pwait on x86_64


def _in_epoll_wait(pid):
    try:
        with open("/proc/%d/syscall" % pid) as f:
            return f.read().split(" ", 1)[0] in EPOLL_WAIT
    except OSError:
        return False


def wait_idle(proc, timeout=300, settle=0.5):
    """Until the process has sat in epoll_wait for SETTLE seconds: start-up
    finished (Redis handshake included), or the last request handled."""
    deadline = time.time() + timeout
    since = None
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("process %d exited (%s)" % (proc.pid,
                                                          proc.returncode))
        if _in_epoll_wait(proc.pid):
            since = since or time.time()
            if time.time() - since >= settle:
                return
        else:
            since = None
        time.sleep(0.05)
    raise RuntimeError("process %d never went idle" % proc.pid)


def callgrind_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + path)


# "yes" keeps instruction addresses and source lines in the profiles, for
# bench/instructions.py (bench.py --lines); off, the files are small
CALLGRIND_LINES = "no"


def callgrind_run(server, out, load=None, n=0):
    """nginx with master_process off under callgrind: start, LOAD(n) (a
    function sending n requests) when given, idle, SIGQUIT.  Returns the
    total instruction count (Ir) of the run."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           "--dump-line=" + CALLGRIND_LINES,
           "--dump-instr=" + CALLGRIND_LINES] + \
        server.command(single=True)
    log = open(out + ".log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log)
    try:
        wait_idle(proc)
        if load:
            load(n)
        wait_idle(proc)
        proc.send_signal(signal.SIGQUIT)
        proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    if proc.returncode != 0:
        raise RuntimeError("nginx under callgrind exited %s, see %s.log"
                           % (proc.returncode, out))
    return callgrind_total(out)


_ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(\S.*)$")


def annotate(path, inclusive=False):
    """{function: Ir} from callgrind_annotate.  A function is its name, and
    "name [object]" for the unnamed ones (addresses in stripped objects);
    the self costs of one function's entries (several source files,
    inlined headers) are added up.  OBJECTS maps names to their object."""
    cmd = ["callgrind_annotate", "--threshold=100",
           "--inclusive=" + ("yes" if inclusive else "no"), path]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         check=True).stdout
    funcs = {}
    started = False
    for line in out.splitlines():
        if not started:
            started = line.startswith("Ir") and "file:function" in line
            continue
        m = _ANNOTATE_LINE.match(line)
        if not m:
            if funcs and not line.strip():
                break
            continue
        name, obj = m.group(2), ""
        om = re.search(r" \[(.*)\]$", name)
        if om:
            obj = os.path.basename(om.group(1))
            name = name[:om.start()]
        name = name.rsplit(":", 1)[-1]
        if name.startswith("0x"):
            name = "%s [%s]" % (name, obj)
        elif obj:
            OBJECTS[name] = obj
        ir = int(m.group(1).replace(",", ""))
        if inclusive:
            # callgrind_annotate also lists a "???:name" entry for calls
            # it cannot place in a file, with the same inclusive cost
            funcs[name] = max(funcs.get(name, 0), ir)
        else:
            funcs[name] = funcs.get(name, 0) + ir
    return funcs


OBJECTS = {}


def per_request_profile(loaded, idle, n):
    """Function -> instructions per request: (loaded - idle) / n."""
    keys = set(loaded) | set(idle)
    return {k: (loaded.get(k, 0) - idle.get(k, 0)) / n for k in keys}


# --- memory ---------------------------------------------------------------

def cpu_ticks(pid):
    """User + system CPU time of a process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])      # utime, stime


def ticks_us(ticks):
    return ticks * 1e6 / os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def pool_usage(error_log, marker):
    """Pools from a debug log: for each line with MARKER ("http close
    request": the request pool; "close http connection": the connection
    pool), the pool ngx_destroy_pool() frees next.  Its debug lines are
    "free: ADDR" per large allocation, then "free: ADDR, unused: N" per
    block; sizes come from the "malloc:"/"posix_memalign:" lines that
    allocated them.  Returns a list of {"blocks": [sizes], "used": bytes
    taken from the blocks (size - unused, pool headers included), "large":
    bytes of large allocations}."""
    alloc, pools, cur = {}, [], None
    with open(error_log) as f:
        for line in f:
            line = line.rstrip()
            m = re.search(r"(?:posix_memalign|malloc): ([0-9A-F]+):(\d+)",
                          line)
            if m:
                alloc[m.group(1)] = int(m.group(2))
                continue
            if marker in line:
                cur = {"blocks": [], "used": 0, "large": 0}
                continue
            if cur is None:
                continue
            m = re.search(r"free: ([0-9A-F]+)(?:, unused: (\d+))?$", line)
            if m and m.group(2) is not None:
                size = alloc.get(m.group(1), 0)
                cur["blocks"].append(size)
                cur["used"] += size - int(m.group(2))
            elif m and not cur["blocks"]:
                cur["large"] += alloc.get(m.group(1), 0)
            elif cur["blocks"]:             # the pool is done
                pools.append(cur)
                cur = None
    if cur and cur["blocks"]:
        pools.append(cur)
    return pools


def median_min_max(values):
    return statistics.median(values), min(values), max(values)
