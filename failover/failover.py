#!/usr/bin/env python3
"""make test-failover: consent records through a Redis Sentinel failover.

    failover.py NGINX MODULE

On loopback: a Redis primary, one replica, three sentinels (quorum 2,
down-after 1 s) and two nginx edges writing to them with privacy_redis
sentinel=... master=privacy.  Three phases, each on a fresh Redis set:

  wait      wait=1; sentinel 1 is killed first (the edges must skip it);
            a bounded load of grants through both edges, the primary
            SIGKILLed mid-load, the replica promoted.  Every grant
            acknowledged to a client (200 with a consent cookie) must be in
            the stream and the hash afterwards: 0 lost.
  nowait    the same without wait=: the acknowledged grants lost are
            counted (asynchronous replication) and printed.
  sentinels all sentinels down, then the primary restarted: pages are
            served, decisions get 503; the sentinels back: recording
            resumes without a reload.

In every phase pages are served throughout, every 503 has Retry-After, 503s
happen only between the fault and the recovery, and both edges record again
within the sentinels' failover time plus the link's backoff (5 s at most).
Prints the loss audit, the failover window and the latency WAIT adds;
writes build/failover/summary.txt.  Ports: free ones, tools/free-port.pl.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(TOP, "build", "failover")
MASTER = "privacy"
DOWN_AFTER_MS = 1000
BACKOFF_MAX = 5.0
CLIENTS = int(os.environ.get("FAILOVER_CLIENTS", "6"))
THINK = float(os.environ.get("FAILOVER_THINK", "0.02"))
LOAD_SECONDS = float(os.environ.get("FAILOVER_SECONDS", "10"))
KILL_AT = 3.0

procs = []
PHASE = ["none"]
PHASES = os.environ.get("FAILOVER_PHASES", "wait nowait sentinels").split()
failures = []
summary = []


def out(msg=""):
    print(msg, flush=True)
    summary.append(msg)


def fail(msg):
    failures.append(msg)
    out("FAIL: " + msg)


def free_ports(n):
    ports = set()
    while len(ports) < n:
        p = int(subprocess.check_output(
            [os.path.join(TOP, "tools", "free-port.pl")]).strip())
        ports.add(p)
    return sorted(ports)


def resp(port, *args, timeout=2.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        req = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            req += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(req)
        f = s.makefile("rb")
        return _read(f)
    finally:
        s.close()


def _read(f):
    line = f.readline()
    if not line:
        raise IOError("closed")
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b":"):
        return rest.decode()
    if t == b"-":
        raise IOError(rest.decode())
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2].decode("latin-1")
    if t == b"*":
        n = int(rest)
        return None if n < 0 else [_read(f) for _ in range(n)]
    raise IOError("bad reply %r" % line)


def start(args, name):
    logf = open(os.path.join(RUN, name + ".out"), "w")
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=logf,
                         stderr=subprocess.STDOUT)
    procs.append(p)
    with open(os.path.join(RUN, "pids"), "a") as f:
        f.write("%d\n" % p.pid)
    return p


def wait_ping(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if resp(port, "PING") == "PONG":
                return
        except (OSError, IOError):
            pass
        time.sleep(0.05)
    raise SystemExit("failover: nothing answers on %d" % port)


class RedisSet:
    """A primary, a replica and three sentinels."""

    def __init__(self, ports, replicas=1):
        self.primary = ports[0]
        self.replicas = ports[1:1 + replicas]
        self.sentinels = ports[1 + replicas:4 + replicas]
        self.p = {}

    def redis(self, port, extra=()):
        d = os.path.join(RUN, "redis-%d" % port)
        os.makedirs(d, exist_ok=True)
        args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", d,
                "--logfile", os.path.join(d, "redis.log")] + list(extra)
        self.p[port] = start(args, "redis-%d" % port)
        wait_ping(port)

    def sentinel(self, port, fresh=True):
        d = os.path.join(RUN, "sentinel-%d" % port)
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, "sentinel.conf")
        if fresh:
            with open(conf, "w") as f:
                f.write("port %d\nbind 127.0.0.1\ndir %s\nlogfile %s\n"
                        "sentinel monitor %s 127.0.0.1 %d 2\n"
                        "sentinel down-after-milliseconds %s %d\n"
                        "sentinel failover-timeout %s 10000\n"
                        % (port, d, os.path.join(d, "sentinel.log"),
                           MASTER, self.primary, MASTER, DOWN_AFTER_MS,
                           MASTER))
        # Debian's redis-sentinel is redis-server in sentinel mode
        if shutil.which("redis-sentinel"):
            args = ["redis-sentinel", conf]
        else:
            args = ["redis-server", conf, "--sentinel"]
        self.p[port] = start(args, "sentinel-%d" % port)
        wait_ping(port)

    def start(self):
        self.redis(self.primary)
        for r in self.replicas:
            self.redis(r, ["--replicaof", "127.0.0.1", str(self.primary)])
        for r in self.replicas:
            end = time.time() + 10
            while time.time() < end:
                info = resp(r, "INFO", "replication")
                if "master_link_status:up" in info:
                    break
                time.sleep(0.05)
        for s in self.sentinels:
            self.sentinel(s)
        # the sentinels know each other and the replica
        end = time.time() + 15
        while time.time() < end:
            try:
                m = resp(self.sentinels[0], "SENTINEL", "MASTER", MASTER)
                d = dict(zip(m[::2], m[1::2]))
                if (int(d["num-other-sentinels"]) == 2
                        and int(d["num-slaves"]) == len(self.replicas)):
                    return
            except (OSError, IOError):
                pass
            time.sleep(0.1)
        raise SystemExit("failover: the sentinels did not settle")

    def kill(self, port, sig=signal.SIGKILL):
        p = self.p.pop(port)
        p.send_signal(sig)
        p.wait()

    def current(self):
        for s in self.sentinels:
            try:
                a = resp(s, "SENTINEL", "get-master-addr-by-name", MASTER)
                return int(a[1])
            except (OSError, IOError):
                continue
        return None

    def stop(self):
        for port in list(self.p):
            self.kill(port, signal.SIGTERM)


class Edge:
    def __init__(self, nginx, module, name, port, rset, extra):
        self.nginx, self.name, self.port = nginx, name, port
        self.prefix = os.path.join(RUN, "nginx-%s-%s" % (PHASE[0], name))
        for d in ("conf", "logs", "html", "tmp"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        with open(os.path.join(self.prefix, "conf", "privacy.key"), "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        os.chmod(os.path.join(self.prefix, "conf", "privacy.key"), 0o600)
        with open(os.path.join(self.prefix, "html", "page.html"), "w") as f:
            f.write("<html><body>page</body></html>\n")
        sentinels = ",".join("127.0.0.1:%d" % s for s in rset.sentinels)
        p = self.prefix
        conf = """
load_module %(module)s;
user %(user)s;
worker_processes 2;
error_log %(p)s/logs/error.log notice;
pid %(p)s/logs/nginx.pid;
events { worker_connections 512; }
http {
    default_type text/html;
    access_log off;
    keepalive_timeout 0;
    client_body_temp_path %(p)s/tmp/body;
    proxy_temp_path %(p)s/tmp/proxy;
    fastcgi_temp_path %(p)s/tmp/fastcgi;
    uwsgi_temp_path %(p)s/tmp/uwsgi;
    scgi_temp_path %(p)s/tmp/scgi;

    privacy_redis sentinel=%(sentinels)s master=%(master)s
                  prefix=failover: edge=%(name)s
                  connect_timeout=300ms timeout=500ms %(extra)s;
    server {
        listen 127.0.0.1:%(port)d;
        privacy on;
        privacy_policy_version failover-1;
        privacy_secret %(p)s/conf/privacy.key;
        privacy_category necessary session;
        privacy_category analytics ~^_ga;
        root %(p)s/html;
        location / { }
        location /privacy/consent { privacy_consent_endpoint; }
    }
}
""" % dict(module=module, user=os.environ.get("USER", "root"), p=p,
           sentinels=sentinels, master=MASTER, name=name, port=port,
           extra=extra)
        with open(os.path.join(p, "conf", "nginx.conf"), "w") as f:
            f.write(conf)

    def start(self):
        cmd = [self.nginx, "-p", self.prefix + "/", "-c",
               os.path.join(self.prefix, "conf", "nginx.conf")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("failover: nginx %s: %s" % (self.name, r.stderr))
        with open(os.path.join(self.prefix, "logs", "nginx.pid")) as f:
            self.pid = int(f.read())
        with open(os.path.join(RUN, "pids"), "a") as f:
            f.write("%d\n" % self.pid)

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def log(self):
        with open(os.path.join(self.prefix, "logs", "error.log")) as f:
            return f.read()


def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": "localhost"}
    if body is not None:
        headers.update({"Origin": "http://localhost",
                        "Accept": "application/json",
                        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, r.getheaders(), data
    finally:
        c.close()


class Load:
    """Grants through both edges, and pages, until stopped."""

    def __init__(self, edges):
        self.edges = edges
        # (start, edge, status, acked, id, retry, ms, end), times in s
        self.results = []
        self.pages = []        # (t, edge, status)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.t0 = time.time()

    def client(self, n):
        i = 0
        while not self.stop.is_set():
            e = self.edges[(n + i) % len(self.edges)]
            i += 1
            t = time.time()
            try:
                if i % 5 == 0:
                    st, _, _ = request(e.port, "GET", "/page.html")
                    with self.lock:
                        self.pages.append((t - self.t0, e.name, st))
                    continue
                st, h, body = request(e.port, "POST", "/privacy/consent",
                                      "action=accept_all")
            except OSError as exc:
                with self.lock:
                    self.results.append((t - self.t0, e.name, -1, False,
                                         None, False, 0.0,
                                         time.time() - self.t0))
                continue
            ms = (time.time() - t) * 1000
            acked = any(k.lower() == "set-cookie"
                        and v.startswith("privacy_consent=") for k, v in h)
            retry = any(k.lower() == "retry-after" for k, _ in h)
            cid = None
            if st == 200:
                try:
                    cid = json.loads(body)["decision"]["id"]
                except (ValueError, KeyError):
                    pass
            with self.lock:
                self.results.append((t - self.t0, e.name, st, acked, cid,
                                     retry, ms, time.time() - self.t0))
            time.sleep(THINK)

    def run(self, seconds, fault=None, fault_at=KILL_AT):
        threads = [threading.Thread(target=self.client, args=(n,))
                   for n in range(CLIENTS)]
        for t in threads:
            t.start()
        fault_t = None
        if fault:
            time.sleep(fault_at)
            fault_t = time.time() - self.t0
            fault()
        while time.time() - self.t0 < seconds:
            time.sleep(0.05)
        self.stop.set()
        for t in threads:
            t.join()
        return fault_t


def audit(name, rset, load, fault_t, promoted_t, want_zero_loss, edges,
          what="the sentinels promoted the replica"):
    res = load.results
    acked = [r for r in res if r[2] == 200 and r[3] and r[4]]
    s503 = [r for r in res if r[2] == 503]
    other = [r for r in res if r[2] not in (200, 503)]
    out("%s: %d decisions, %d acknowledged, %d answered 503, %d other"
        % (name, len(res), len(acked), len(s503), len(other)))
    if other:
        fail("%s: answers neither 200 nor 503: %s" % (name, other[:5]))
    bad_pages = [p for p in load.pages if p[2] != 200]
    out("%s: %d pages, %d not 200" % (name, len(load.pages), len(bad_pages)))
    if bad_pages or not load.pages:
        fail("%s: pages not served: %s" % (name, bad_pages[:5]))
    if any(not r[5] for r in s503):
        fail("%s: a 503 without Retry-After" % name)

    before = [r for r in s503 if r[7] < fault_t]
    if before:
        fail("%s: %d 503s before the fault" % (name, len(before)))

    # the window: from the fault to the last 503; each edge's recovery
    last503 = max([r[0] for r in s503], default=fault_t)
    out("%s: decisions failed closed from %.2f s to %.2f s (fault at %.2f s)"
        % (name, min([r[0] for r in s503], default=fault_t), last503,
           fault_t))
    worst = 0.0
    for e in edges:
        ok_after = [r[0] for r in acked if r[1] == e.name and r[0] > last503]
        if not ok_after:
            fail("%s: edge %s never recorded again" % (name, e.name))
            continue
        rec = ok_after[0] - fault_t
        worst = max(worst, rec)
        out("%s: edge %s records again %.2f s after the fault"
            % (name, e.name, rec))
    if promoted_t is not None:
        out("%s: %s %.2f s after the fault"
            % (name, what, promoted_t - fault_t))
        bound = promoted_t - fault_t + BACKOFF_MAX + 0.5
        if worst > bound:
            fail("%s: recovery %.2f s, more than failover + backoff %.2f s"
                 % (name, worst, bound))

    # the loss audit, against the primary the sentinels name now
    port = rset.current()
    stream = resp(port, "XRANGE", "failover:log", "-", "+", timeout=10)
    in_stream = set()
    edges_seen = {}
    for _id, fields in stream:
        f = dict(zip(fields[::2], fields[1::2]))
        in_stream.add(f.get("id"))
        edges_seen[f.get("edge")] = edges_seen.get(f.get("edge"), 0) + 1
    lost = []
    for r in acked:
        h = resp(port, "EXISTS", "failover:consent:" + r[4])
        if r[4] not in in_stream or h != "1":
            lost.append(r)
    out("%s: loss audit: %d acknowledged, %d in the stream and hash, %d lost"
        % (name, len(acked), len(acked) - len(lost), len(lost)))
    out("%s: records per edge: %s" % (name, ", ".join(
        "%s %d" % kv for kv in sorted(edges_seen.items()))))
    for e in edges:
        if not edges_seen.get(e.name):
            fail("%s: no record says edge %s" % (name, e.name))
    if want_zero_loss and lost:
        fail("%s: %d acknowledged decisions lost" % (name, len(lost)))
    return acked, lost


def latency(load, until):
    ms = sorted(r[6] for r in load.results if r[2] == 200 and r[0] < until)
    if not ms:
        return "n/a"
    return "median %.2f ms, p99 %.2f ms (%d decisions)" % (
        statistics.median(ms), ms[int(len(ms) * 0.99) - 1 if len(ms) > 1
                                  else 0], len(ms))


def watch_promotion(rset, old, box, restart):
    end = time.time() + 30
    while time.time() < end:
        cur = rset.current()
        if cur is not None and cur != old:
            box.append(time.time())
            if restart:
                # as a supervisor would, once the replica is promoted: the
                # sentinels make it a replica of the new primary
                rset.redis(old)
                box.append(time.time())
            return
        time.sleep(0.05)


def phase(name, nginx, module, extra, pre=None, want_zero_loss=False,
          restart=False, replicas=1):
    PHASE[0] = name
    ports = free_ports(6 + replicas)
    rset = RedisSet(ports[:4 + replicas], replicas)
    rset.start()
    edges = [Edge(nginx, module, "edge-%d" % (i + 1), ports[4 + replicas + i],
                  rset, extra) for i in range(2)]
    try:
        for e in edges:
            e.start()
        time.sleep(0.5)
        if pre:
            pre(rset)
        load = Load(edges)
        box = []

        def kill_primary():
            old = rset.primary
            box.append(time.time())
            threading.Thread(target=watch_promotion,
                             args=(rset, old, box, restart)).start()
            rset.kill(old)

        fault_rel = load.run(LOAD_SECONDS, kill_primary)
        time.sleep(0.5)
        promoted_t = (box[1] - load.t0) if len(box) > 1 else None
        if promoted_t is None:
            fail("%s: no promotion seen" % name)
        out("%s: before the fault: %s" % (name, latency(load, fault_rel)))
        what = "the sentinels promoted the replica"
        if restart and len(box) > 2:
            # WAIT 1 needs a replica of the new primary: the old one,
            # restarted once the sentinels have made it one
            out("%s: the sentinels promoted the replica %.2f s after the "
                "fault; the old primary restarted at %.2f s"
                % (name, promoted_t - fault_rel,
                   box[2] - load.t0 - fault_rel))
            promoted_t = box[2] - load.t0
            what = "the old primary restarted"
        acked, lost = audit(name, rset, load, fault_rel, promoted_t,
                            want_zero_loss, edges, what)
        for e in edges:
            if "[alert]" in e.log() or "[crit]" in e.log():
                fail("%s: alert or crit in %s's log" % (name, e.name))
        return load, fault_rel, lost
    finally:
        for e in edges:
            e.stop()
        rset.stop()


def phase_sentinels(nginx, module):
    """All sentinels down, the primary restarted; then the sentinels back."""
    name = "sentinels"
    PHASE[0] = name
    ports = free_ports(7)
    rset = RedisSet(ports[:5])
    rset.start()
    edges = [Edge(nginx, module, "edge-%d" % (i + 1), ports[5 + i], rset, "")
             for i in range(2)]
    try:
        for e in edges:
            e.start()
        time.sleep(0.5)
        load = Load(edges)
        marks = {}

        def fault():
            for s in rset.sentinels:
                rset.kill(s)
            # the edges' connections cut: they ask the sentinels again
            resp(rset.primary, "CLIENT", "KILL", "TYPE", "normal")
            marks["down"] = time.time() - load.t0

        def back():
            time.sleep(3.0)
            # the first sentinel back may answer at once: the window of
            # "every sentinel down" ends when the first one starts again
            marks["restart"] = time.time() - load.t0
            for s in rset.sentinels:
                rset.sentinel(s, fresh=False)
            marks["back"] = time.time() - load.t0

        threading.Thread(target=lambda: (time.sleep(KILL_AT + 0.1),
                                         back())).start()
        fault_rel = load.run(LOAD_SECONDS, fault)
        time.sleep(0.5)
        res = load.results
        # started well after the fault and answered before any sentinel
        # was started again (r[0] the start, r[7] the answer)
        mid = [r for r in res
               if marks["down"] + 0.5 < r[0]
               and r[7] < marks.get("restart", 0)]
        if not mid or any(r[2] != 503 for r in mid):
            fail("%s: with every sentinel down decisions must get 503: %s"
                 % (name, sorted(set(r[2] for r in mid))))
        out("%s: every sentinel down from %.2f s to %.2f s: %d decisions, "
            "all 503" % (name, fault_rel, marks.get("back", 0), len(mid)))
        promoted = marks.get("back")
        acked, lost = audit(name, rset, load, fault_rel, promoted, True,
                            edges, "the sentinels were back")
        return load
    finally:
        for e in edges:
            e.stop()
        rset.stop()


def main():
    nginx, module = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(RUN, exist_ok=True)
    open(os.path.join(RUN, "pids"), "w").close()
    started = time.time()
    try:
        lw = ln = None
        if "wait" in PHASES:
            out("== wait=1, two replicas, sentinel 1 down before the load")
            lw, fw, _ = phase("wait", nginx, module,
                              "wait=1 wait_timeout=200ms",
                              pre=lambda rs: rs.kill(rs.sentinels[0]),
                              want_zero_loss=True, replicas=2)
        if "nowait" in PHASES:
            out("== without wait")
            ln, fn, lost = phase("nowait", nginx, module, "")
            out("nowait: %d acknowledged decisions lost (asynchronous "
                "replication, see docs/redis.md)" % len(lost))
        if "sentinels" in PHASES:
            out("== every sentinel down, the edges' connections cut")
            phase_sentinels(nginx, module)
        if lw and ln:
            out("== what WAIT costs before the fault: with wait=1 %s; "
                "without %s" % (latency(lw, fw), latency(ln, fn)))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    out("failover: %s in %.0f s" % ("FAILED" if failures else "passed",
                                    time.time() - started))
    with open(os.path.join(RUN, "..", "summary-failover.txt"), "w") as f:
        f.write("\n".join(summary) + "\n")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
