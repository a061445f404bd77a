#!/usr/bin/env python3
"""make test-faults: Redis faults and nginx reloads under load.

Starts a private Redis (appendonly, appendfsync always, so that a SIGKILL
loses nothing Redis acknowledged) and nginx with the module (two workers,
privacy on, the consent endpoint), drives a bounded mix of consent POSTs
and HTML page GETs at it from an asyncio client, and meanwhile:

  start-down  nginx starts while Redis is down, then Redis starts
  kill        Redis is killed (SIGKILL) under load and started again
  stop        Redis is paused (SIGSTOP) past privacy_redis timeout, then
              resumed (SIGCONT)
  auth        Redis is restarted with a requirepass nginx does not have,
              then without
  oom         Redis is filled: maxmemory just above its use, noeviction,
              until its OOM errors answer, then lifted
  hup         nginx reloads its configuration (SIGHUP)
  upgrade     nginx's binary upgrade: USR2, WINCH, QUIT of the old master

and checks, for every request:

  pages       200, the banner, a Set-Cookie expiring the tracker, Tk: N
  consents    200 with the consent cookie and {"decision":{"id":..}}, or
              503 with Retry-After and no cookie set (the request's blocked
              trackers are expired, as everywhere); while Redis cannot
              record, a grant (accept_all, save) gets only 503 and a
              refusal (reject_all, withdraw) only 200 with
              "recorded":false, its record in the error log; only recorded
              200s while Redis is up, and again once it is back, without a
              reload; no connection error, no other status
  reloads     no request lost, no Redis connection leaked

At the end the loss audit compares what the client was told with what
Redis holds (<prefix>log and <prefix>consent:<id>): every consent answered
2xx as recorded must be recorded, every record must be one answered 2xx,
and every refusal answered "recorded":false must have its record in the
error log.  Each
request carries its sequence number in User-Agent, which the record keeps,
so that a record whose answer was not 2xx (an "unacknowledged record": the
outcome of a command that timed out or whose connection broke is unknown
to nginx) is traced to its request and scenario.

Everything started here is stopped by its pid, also on failure; faults/run.sh
adds a trap for the pids listed in build/faults/run/pids.

Usage: faults.py NGINX MODULE   (see faults/run.sh for the environment)
"""

import asyncio
import collections
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAULTS = os.path.join(TOP, "faults")
OUT = os.path.join(TOP, "build", "faults")
RUN = os.path.join(OUT, "run")

REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "16490"))
PORT = int(os.environ.get("FAULTS_PORT", "18490"))
CONCURRENCY = int(os.environ.get("FAULTS_CONCURRENCY", "32"))
# each client sleeps this long between its requests: bounds the rate
THINK = float(os.environ.get("FAULTS_THINK", "0.04"))
MAX_REQUESTS = int(os.environ.get("FAULTS_MAX_REQUESTS", "150000"))
PREFIX = "faults:"
PASSWORD = "faults-%d-%d" % (os.getpid(), random.randrange(1 << 30))
WORKERS = 2

# what "Redis cannot record" looks like from the client
REQUEST_TIMEOUT = 15.0      # a request without a complete answer by then
RECOVERY_TIMEOUT = 15.0     # backoff is at most 5 s, plus connect_timeout
STABLE = 1.0                # seconds of consents all 2xx: recovered
SETTLE = 0.05               # after a fault is in effect
TIMEOUT = 0.5               # privacy_redis timeout= in nginx.conf.in
STALL = 0.25                # a PING this slow: Redis or the host stalled

# Where a record without a 2xx answer cannot be excluded by design: the
# connection breaks (SIGKILL, a restart) or times out (SIGSTOP) with
# commands in flight, whose outcome nginx cannot know.  Anywhere else such a
# record is a bug.
ORPHANS_POSSIBLE = ("kill", "stop", "auth")

ID_RE = re.compile(rb'"id":"([0-9a-f]{32})"')
BANNER = b'class="privacy-banner"'


def log(msg):
    sys.stdout.write("faults: %s\n" % msg)
    sys.stdout.flush()


class Failure(Exception):
    pass


# ---------------------------------------------------------------- pids

def note_pid(pid):
    """For faults/run.sh's trap: everything that may need stopping."""
    with open(os.path.join(RUN, "pids"), "a") as f:
        f.write("%d\n" % pid)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as gone
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def children(ppid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == ppid and fields[0] != "Z":
            out.append(int(d))
    return sorted(out)


def wait_gone(pids, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- RESP

class Resp:
    """A minimal blocking Redis client: commands and pipelines."""

    def __init__(self, port, password=None, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.buf = b""
        if password:
            self.command("AUTH", password)

    def close(self):
        self.sock.close()

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("redis closed the connection")
        self.buf += data

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RedisError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self._read() for _ in range(n)]
        raise ConnectionError("bad reply from redis: %r" % line)

    def command(self, *args):
        self.sock.sendall(self.encode(args))
        r = self._read()
        if isinstance(r, RedisError):
            raise r
        return r

    def pipeline(self, cmds, batch=1000):
        out = []
        for i in range(0, len(cmds), batch):
            chunk = cmds[i:i + batch]
            self.sock.sendall(b"".join(self.encode(c) for c in chunk))
            out.extend(self._read() for _ in chunk)
        return out


class RedisError(Exception):
    pass


# ---------------------------------------------------------------- Redis

class Redis:
    """The private Redis server, in the foreground, a child of ours."""

    def __init__(self):
        # on tmpfs where there is one: a SIGKILL of Redis loses nothing
        # written there either, and a busy disk's fsync (appendfsync
        # always) does not stall Redis past nginx's timeout
        shm = "/dev/shm"
        if os.path.isdir(shm) and os.access(shm, os.W_OK):
            self.dir = os.path.join(shm, "ngx-privacy-faults-%d" % REDIS_PORT)
        else:
            self.dir = os.path.join(OUT, "redis")
        self.proc = None
        self.password = None
        self.starts = 0

    def start(self, password=None):
        os.makedirs(self.dir, exist_ok=True)
        args = ["redis-server", "--port", str(REDIS_PORT),
                "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--appendonly", "yes",
                "--appendfsync", "always",
                "--latency-monitor-threshold", "100",
                "--logfile", os.path.join(self.dir, "redis.log"),
                "--daemonize", "no"]
        if password:
            args += ["--requirepass", password]
        self.password = password
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        note_pid(self.proc.pid)
        self.starts += 1
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Failure("redis-server exited with status %d, see %s"
                              % (self.proc.returncode,
                                 os.path.join(self.dir, "redis.log")))
            try:
                c = Resp(REDIS_PORT, password, timeout=1)
                try:
                    # not while it loads its AOF
                    if c.command("PING") == "PONG":
                        return
                except RedisError:
                    pass
                finally:
                    c.close()
            except OSError:
                pass
            time.sleep(0.02)
        raise Failure("redis-server did not answer on %d" % REDIS_PORT)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def shutdown(self):
        """A clean stop: SIGTERM, Redis writes its AOF and exits."""
        self.proc.send_signal(signal.SIGCONT)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise Failure("redis-server did not stop on SIGTERM")

    def stop_quietly(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGCONT)
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(10)
            except Exception:
                self.proc.kill()
                self.proc.wait(5)

    def client(self):
        return Resp(REDIS_PORT, self.password)

    def nginx_clients(self):
        """Connections of clients other than this one."""
        c = self.client()
        try:
            lines = c.command("CLIENT", "LIST", "TYPE", "normal")
        finally:
            c.close()
        n = 0
        for line in lines.decode().splitlines():
            if line and "cmd=client|list" not in line \
                    and " name=faults-probe " not in line:
                n += 1
        return n


class Probe:
    """PINGs Redis every 50 ms from a thread of its own: when Redis (or the
    host) stalls past nginx's timeout while it is up, nginx's 503s are
    right, and the probe tells them from a fault of the module's."""

    def __init__(self, redis):
        self.redis = redis
        self.samples = []       # (sent, rtt), rtt None: no answer in 2 s
        self.running = False
        self.thread = None

    def start(self):
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join(5)

    def _run(self):
        conn = None
        while self.running:
            if conn is None:
                try:
                    conn = Resp(REDIS_PORT, self.redis.password, timeout=2)
                    conn.command("CLIENT", "SETNAME", "faults-probe")
                except (OSError, RedisError, ConnectionError):
                    conn = None
                    time.sleep(0.05)
                    continue
            t = time.monotonic()
            try:
                conn.command("PING")
                self.samples.append((t, time.monotonic() - t))
            except socket.timeout:
                self.samples.append((t, None))
                conn.close()
                conn = None
            except (OSError, RedisError, ConnectionError):
                conn.close()
                conn = None
            time.sleep(0.05)
        if conn is not None:
            conn.close()

    def stalls(self, a, b, least):
        """The longest PING wait overlapping [a, b] if it is over least."""
        worst = 0.0
        for t, rtt in list(self.samples):
            d = 2.0 if rtt is None else rtt
            if t <= b and t + d >= a and d > worst:
                worst = d
        return worst if worst >= least else 0.0


# ---------------------------------------------------------------- nginx

class Nginx:
    def __init__(self, nginx, module):
        self.binary = nginx
        self.module = module
        self.prefix = os.path.join(OUT, "nginx")
        self.pidfile = os.path.join(self.prefix, "logs", "nginx.pid")
        self.master = None

    def render(self):
        shutil.rmtree(self.prefix, ignore_errors=True)
        for d in ("conf", "logs", "tmp"):
            os.makedirs(os.path.join(self.prefix, d))
        shutil.copytree(os.path.join(FAULTS, "html"),
                        os.path.join(self.prefix, "html"))
        key = os.path.join(self.prefix, "conf", "privacy.key")
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(32).hex().encode() + b"\n")
        os.close(fd)
        with open(os.path.join(FAULTS, "nginx.conf.in")) as f:
            conf = f.read()
        if os.geteuid() == 0:
            user = "root root"
        else:
            user = "%s" % os.environ.get("USER", "nobody")
        for k, v in (("@MODULE@", self.module), ("@PREFIX@", self.prefix),
                     ("@USER@", user), ("@PORT@", str(PORT)),
                     ("@REDIS_PORT@", str(REDIS_PORT)),
                     ("@REDIS_PREFIX@", PREFIX)):
            conf = conf.replace(k, v)
        if os.geteuid() != 0:
            conf = re.sub(r"(?m)^user .*\n", "", conf)
        with open(os.path.join(self.prefix, "conf", "nginx.conf"), "w") as f:
            f.write(conf)

    def cmd(self, *extra):
        return [self.binary, "-p", self.prefix + "/", "-c",
                os.path.join(self.prefix, "conf", "nginx.conf")] + list(extra)

    def start(self):
        self.render()
        r = subprocess.run(self.cmd("-t", "-q"), capture_output=True,
                           text=True)
        if r.returncode:
            raise Failure("nginx -t failed:\n" + r.stderr)
        r = subprocess.run(self.cmd(), capture_output=True, text=True)
        if r.returncode:
            raise Failure("nginx failed to start:\n" + r.stderr)
        self.master = self.read_pid(self.pidfile, 10)
        note_pid(self.master)
        self.workers(wait=WORKERS)
        wait_listen(PORT, 10)

    @staticmethod
    def read_pid(path, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(path) as f:
                    return int(f.read().strip())
            except (OSError, ValueError):
                time.sleep(0.02)
        raise Failure("no pid in %s" % path)

    def workers(self, master=None, wait=None, exclude=(), timeout=10):
        master = master or self.master
        deadline = time.monotonic() + timeout
        while True:
            w = [p for p in children(master) if p not in exclude]
            if wait is None or len(w) >= wait:
                for p in w:
                    note_pid(p)
                return w
            if time.monotonic() > deadline:
                raise Failure("nginx master %d has %d new workers, not %d"
                              % (master, len(w), wait))
            time.sleep(0.05)

    def stop(self):
        pids = []
        for path in (self.pidfile, self.pidfile + ".oldbin"):
            try:
                with open(path) as f:
                    pids.append(int(f.read().strip()))
            except (OSError, ValueError):
                pass
        if self.master and self.master not in pids:
            pids.append(self.master)
        everyone = []
        for m in pids:
            if alive(m):
                everyone += [m] + children(m)
                os.kill(m, signal.SIGTERM)
        if not wait_gone(everyone, 10):
            for p in everyone:
                if alive(p):
                    os.kill(p, signal.SIGKILL)

    def error_log(self):
        try:
            with open(os.path.join(self.prefix, "logs", "error.log"),
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def wait_listen(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise Failure("nothing listens on %d" % port)


def nginx_redis_sockets(pids, port):
    """nginx's TCP sockets to Redis's port, from its processes' descriptors
    and /proc/net/tcp: a socket Redis has closed and nginx has not (say in
    CLOSE_WAIT) is a leak Redis's CLIENT LIST does not show."""
    inodes = set()
    for pid in pids:
        d = "/proc/%d/fd" % pid
        try:
            for fd in os.listdir(d):
                try:
                    t = os.readlink(os.path.join(d, fd))
                except OSError:
                    continue
                if t.startswith("socket:["):
                    inodes.add(t[8:-1])
        except OSError:
            pass
    n = 0
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    rport = int(parts[2].split(":")[1], 16)
                    if rport == port and parts[9] in inodes:
                        n += 1
        except OSError:
            pass
    return n


# ---------------------------------------------------------------- load

ACTIONS = (("accept_all", b"action=accept_all"),
           ("reject_all", b"action=reject_all"),
           ("save", b"action=save&category=analytics"),
           ("withdraw", b"action=withdraw"))

# the requests carry no consent cookie: these grant nothing, the others
# grant a category; a refusal takes effect when Redis cannot record it
REFUSALS = ("reject_all", "withdraw")

UNRECORDED = b',"recorded":false}'

# one request's outcome; recorded: a 200 that Redis acknowledged
Result = collections.namedtuple(
    "Result", "seq scenario kind action start end status problem id recorded")


def stored(r):
    """A consent answered 200 and recorded."""
    return r.status == 200 and r.recorded


def held(r):
    """What a consent gets while Redis cannot record: 503 for a grant, 200
    with "recorded":false for a refusal."""
    if r.action in REFUSALS:
        return r.status == 200 and not r.recorded
    return r.status == 503


def answer(r):
    return "200 unrecorded" if r.status == 200 and not r.recorded \
        else r.status


def parse_response(raw):
    """(status, headers as a list of (lower name, value), body) of a
    complete response, or raises ValueError for an incomplete one."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("incomplete header (%d bytes)" % len(raw))
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise ValueError("bad status line %r" % lines[0][:60])
    status = int(m.group(1))
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip().lower().decode("latin-1"),
                        value.strip().decode("latin-1")))
    h = dict(headers)
    if h.get("transfer-encoding", "").lower() == "chunked":
        out = []
        rest = body
        while True:
            line, sep, rest = rest.partition(b"\r\n")
            if not sep:
                raise ValueError("truncated chunked body")
            n = int(line.split(b";")[0], 16)
            if n == 0:
                break
            if len(rest) < n + 2:
                raise ValueError("truncated chunk")
            out.append(rest[:n])
            rest = rest[n + 2:]
        body = b"".join(out)
    elif "content-length" in h:
        if len(body) != int(h["content-length"]):
            raise ValueError("body of %d bytes, Content-Length %s"
                             % (len(body), h["content-length"]))
    return status, headers, body


def check_page(status, headers, body):
    if status != 200:
        return "page status %d" % status
    h = dict(headers)
    if h.get("tk") != "N":
        return "page Tk %r" % h.get("tk")
    cookies = [v for n, v in headers if n == "set-cookie"]
    if not any(c.startswith("_ga=;") and "Max-Age=0" in c for c in cookies):
        return "page without the tracker's expiry: %r" % cookies
    if BANNER not in body:
        return "page without the banner"
    return None


def check_consent(action, status, headers, body):
    """(problem or None, id or None)"""
    h = dict(headers)
    cookies = [v for n, v in headers if n == "set-cookie"]
    if status == 200:
        if not any(c.startswith("privacy_consent=") for c in cookies):
            return "200 without the consent cookie", None
        m = ID_RE.search(body)
        if not m:
            return "200 without an id: %r" % body[:100], None
        if h.get("tk") != "U" or h.get("cache-control") != "no-store":
            return "200 without Tk: U / no-store", None
        if UNRECORDED in body and action not in REFUSALS:
            return "200 unrecorded for a grant (%s)" % action, None
        return None, m.group(1).decode()
    if status == 503:
        # no consent cookie, nothing set; only the request's blocked
        # trackers expired, as on every response under enforcement
        setting = [c for c in cookies
                   if c.startswith("privacy_consent=") or "Max-Age=0" not in c]
        if setting:
            return "503 with Set-Cookie %r" % setting, None
        if not re.match(r"^[1-9][0-9]*$", h.get("retry-after", "")):
            return "503 without a Retry-After in seconds: %r" % (
                h.get("retry-after"),), None
        if h.get("tk") != "U":
            return "503 with Tk %r" % h.get("tk"), None
        return None, None
    return "consent status %d" % status, None


class Load:
    """CONCURRENCY clients in a thread of their own, each a new connection
    per request (Connection: close: a reload's closing of idle keep-alive
    connections is a client retry, not what is measured here)."""

    def __init__(self):
        self.results = []
        self.scenario = "-"
        self.seq = 0
        self.running = False
        self.capped = False
        self.thread = None
        self.loop = None

    def start(self):
        self.running = True
        self.thread = threading.Thread(target=self._thread, daemon=True)
        self.thread.start()

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join(REQUEST_TIMEOUT + 10)
            if self.thread.is_alive():
                raise Failure("the load client did not stop")
            self.thread = None

    def _thread(self):
        asyncio.run(self._main())

    async def _main(self):
        await asyncio.gather(*(self._client(i) for i in range(CONCURRENCY)))

    async def _client(self, n):
        rnd = random.Random(n * 7919 + os.getpid())
        await asyncio.sleep(rnd.random() * THINK)
        while self.running:
            if self.seq >= MAX_REQUESTS:
                self.capped = True
                return
            self.seq += 1
            seq = self.seq
            if rnd.random() < 0.6:
                action, body = ACTIONS[rnd.randrange(len(ACTIONS))]
                req = (b"POST /privacy/consent HTTP/1.1\r\n"
                       b"Host: 127.0.0.1:%d\r\n"
                       b"Origin: http://127.0.0.1:%d\r\n"
                       b"Accept: application/json\r\n"
                       b"Content-Type: application/x-www-form-urlencoded\r\n"
                       b"User-Agent: faults/%d\r\n"
                       b"Cookie: _ga=GA1.2.3.4; session=1\r\n"
                       b"Content-Length: %d\r\n"
                       b"Connection: close\r\n\r\n%s"
                       % (PORT, PORT, seq, len(body), body))
                kind = "consent"
            else:
                action = None
                req = (b"GET / HTTP/1.1\r\n"
                       b"Host: 127.0.0.1:%d\r\n"
                       b"Accept: text/html\r\n"
                       b"User-Agent: faults/%d\r\n"
                       b"Cookie: _ga=GA1.2.3.4; session=1\r\n"
                       b"Connection: close\r\n\r\n" % (PORT, seq))
                kind = "page"
            scenario = self.scenario
            start = time.monotonic()
            status, problem, cid, recorded = 0, None, None, False
            try:
                raw = await asyncio.wait_for(self._exchange(req),
                                             REQUEST_TIMEOUT)
                status, headers, rbody = parse_response(raw)
                if kind == "page":
                    problem = check_page(status, headers, rbody)
                else:
                    problem, cid = check_consent(action, status, headers,
                                                 rbody)
                    recorded = status == 200 and UNRECORDED not in rbody
            except asyncio.TimeoutError:
                problem = "no complete answer in %.0fs" % REQUEST_TIMEOUT
            except (OSError, ValueError) as e:
                problem = "connection: %s" % (e.__class__.__name__
                                              if not str(e) else e)
            self.results.append(Result(seq, scenario, kind, action, start,
                                       time.monotonic(), status, problem,
                                       cid, recorded))
            await asyncio.sleep(THINK * (0.5 + rnd.random()))

    @staticmethod
    async def _exchange(req):
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        try:
            writer.write(req)
            await writer.drain()
            chunks = []
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                chunks.append(data)
            return b"".join(chunks)
        finally:
            writer.close()


# ---------------------------------------------------------------- scenarios

class Scenario:
    def __init__(self, name, what):
        self.name = name
        self.what = what
        self.begin = None
        self.end = None
        # (expectation, from, to): "up" only recorded 2xx consents, "down"
        # only 503 for grants and 2xx unrecorded for refusals
        self.windows = []
        self.problems = []
        self.notes = []
        self.figures = collections.OrderedDict()
        self.fault_at = None


class Run:
    def __init__(self, nginx, module):
        self.redis = Redis()
        self.nginx = Nginx(nginx, module)
        self.load = Load()
        self.probe = Probe(self.redis)
        self.scenarios = []
        self.cur = None
        self.clients = collections.OrderedDict()

    # -- timeline helpers

    def begin(self, name, what):
        s = Scenario(name, what)
        self.scenarios.append(s)
        self.cur = s
        self.load.scenario = name
        s.begin = time.monotonic()
        log("%s: %s" % (name, what))
        return s

    def finish(self):
        s = self.cur
        self.check_connections(s)
        s.end = time.monotonic()

    def window(self, kind, a, b):
        self.cur.windows.append((kind, a, b))

    def hold(self, seconds):
        time.sleep(seconds)

    def consents_since(self, t):
        return [r for r in list(self.load.results)
                if r.kind == "consent" and r.start >= t]

    def wait_for(self, what, pred, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred():
                return True
            time.sleep(0.05)
        self.cur.problems.append("%s: not within %.0fs" % (what, timeout))
        return False

    def wait_recovered(self, lift):
        """After the fault is lifted: consents all 2xx for STABLE seconds.
        Returns the time recording resumed (first 2xx after the last 503)."""
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        while time.monotonic() < deadline:
            time.sleep(0.1)
            rs = self.consents_since(lift)
            bad = [r.end for r in rs if not stored(r)]
            last_bad = max(bad) if bad else lift
            good = [r for r in rs if stored(r) and r.start > last_bad]
            now = time.monotonic()
            if now - last_bad >= STABLE and len(good) >= 10:
                first = min(r.end for r in good)
                self.cur.figures["resumed after"] = "%.2fs" % (first - lift)
                return now
        self.cur.problems.append("recording did not resume within %.0fs "
                                 "of the fault's end, without a reload"
                                 % RECOVERY_TIMEOUT)
        return time.monotonic()

    def check_connections(self, s):
        """One Redis connection per worker, once things settle."""
        n = [None]

        def settled():
            try:
                n[0] = self.redis.nginx_clients()
            except (OSError, RedisError, ConnectionError) as e:
                n[0] = str(e)
                return False
            return n[0] == WORKERS

        if self.redis.running():
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not settled():
                time.sleep(0.1)
            s.figures["redis clients after"] = n[0]
            if n[0] != WORKERS:
                s.problems.append("%s Redis clients after the scenario, "
                                  "expected %d (one per worker)"
                                  % (n[0], WORKERS))
            procs = [self.nginx.master] + children(self.nginx.master)
            sockets = nginx_redis_sockets(procs, REDIS_PORT)
            if sockets != WORKERS:
                time.sleep(1)
                sockets = nginx_redis_sockets(procs, REDIS_PORT)
            s.figures["nginx sockets to Redis"] = sockets
            if sockets != WORKERS:
                s.problems.append("nginx holds %d sockets to Redis, "
                                  "expected %d" % (sockets, WORKERS))

    # -- the scenarios

    def start_down(self):
        s = self.begin("start-down", "nginx starts with Redis down")
        t0 = time.monotonic()
        self.nginx.start()
        self.load.start()
        self.probe.start()
        self.hold(3.0)
        lift = time.monotonic()
        self.window("down", t0, lift)
        self.redis.start()
        rec = self.wait_recovered(lift)
        self.hold(2.0)
        self.window("up", rec, time.monotonic())
        self.finish()

    def kill(self):
        self.begin("kill", "SIGKILL of Redis under load, then a restart")
        t0 = time.monotonic()
        self.hold(2.0)
        fault = time.monotonic()
        self.window("up", t0, fault)
        self.redis.kill()
        dead = time.monotonic()
        self.cur.fault_at = dead
        self.hold(2.0)
        lift = time.monotonic()
        self.window("down", dead + SETTLE, lift)
        self.redis.start()
        rec = self.wait_recovered(lift)
        self.hold(2.0)
        self.window("up", rec, time.monotonic())
        self.finish()

    def stop(self):
        self.begin("stop", "SIGSTOP of Redis for 2.5s (timeout=500ms), "
                           "then SIGCONT")
        t0 = time.monotonic()
        self.hold(2.0)
        fault = time.monotonic()
        self.window("up", t0, fault)
        self.redis.signal(signal.SIGSTOP)
        self.stop_at = fault
        self.cur.fault_at = fault
        self.hold(2.5)
        lift = time.monotonic()
        self.window("down", fault + SETTLE, lift)
        self.redis.signal(signal.SIGCONT)
        self.cont_at = lift
        rec = self.wait_recovered(lift)
        self.hold(2.0)
        self.window("up", rec, time.monotonic())
        self.finish()

    def auth(self):
        self.begin("auth", "Redis restarted with a requirepass nginx "
                           "does not have, then without")
        t0 = time.monotonic()
        self.hold(2.0)
        fault = time.monotonic()
        self.window("up", t0, fault)
        self.redis.shutdown()
        gone = time.monotonic()
        self.cur.fault_at = gone
        self.redis.start(password=PASSWORD)
        self.hold(2.5)
        lift = time.monotonic()
        self.window("down", gone + SETTLE, lift)
        self.redis.shutdown()
        self.redis.start()
        rec = self.wait_recovered(lift)
        self.hold(2.0)
        self.window("up", rec, time.monotonic())
        self.finish()

    def oom(self):
        s = self.begin("oom", "Redis filled: maxmemory just above its use, "
                              "noeviction, until OOM, then lifted")
        t0 = time.monotonic()
        self.hold(2.0)
        fault = time.monotonic()
        self.window("up", t0, fault)
        c = self.redis.client()
        try:
            info = c.command("INFO", "memory").decode()
            used = int(re.search(r"used_memory:(\d+)", info).group(1))
            c.command("CONFIG", "SET", "maxmemory-policy", "noeviction")
            c.command("CONFIG", "SET", "maxmemory", used + 256 * 1024)
        finally:
            c.close()
        s.figures["maxmemory"] = "%d KB (used %d KB)" % (
            (used + 256 * 1024) // 1024, used // 1024)

        def full():
            rs = self.consents_since(fault)
            return sum(1 for r in rs if not stored(r)) >= 30

        filled = self.wait_for("30 consents not recorded for OOM", full, 30)
        if filled:
            rs = self.consents_since(fault)
            first = min(r.end for r in rs if not stored(r))
            s.figures["full after"] = "%.2fs" % (first - fault)
            ooms = self.nginx.error_log().count("OOM command not allowed")
            s.notes.append("error.log shows %d OOM replies" % ooms)
        self.hold(1.0)
        lift = time.monotonic()
        c = self.redis.client()
        try:
            c.command("CONFIG", "SET", "maxmemory", 0)
        finally:
            c.close()
        rec = self.wait_recovered(lift)
        self.hold(2.0)
        self.window("up", rec, time.monotonic())
        self.finish()

    def hup(self):
        s = self.begin("hup", "configuration reload (SIGHUP) under load")
        t0 = time.monotonic()
        before = self.redis.nginx_clients()
        self.clients["hup before"] = before
        s.figures["redis clients before"] = before
        old = self.nginx.workers()
        self.hold(1.5)
        os.kill(self.nginx.master, signal.SIGHUP)
        self.nginx.workers(wait=WORKERS, exclude=old)
        if not wait_gone(old, 20):
            s.problems.append("old workers %s still running 20s after "
                              "the reload" % old)
        s.figures["old workers gone after"] = "%.2fs" % (
            time.monotonic() - t0 - 1.5)
        self.hold(2.0)
        self.window("up", t0, time.monotonic())
        self.finish()
        self.clients["hup after"] = s.figures.get("redis clients after")

    def upgrade(self):
        s = self.begin("upgrade", "binary upgrade (USR2, WINCH, QUIT of "
                                  "the old master) under load")
        t0 = time.monotonic()
        before = self.redis.nginx_clients()
        self.clients["upgrade before"] = before
        s.figures["redis clients before"] = before
        old_master = self.nginx.master
        old = self.nginx.workers()
        self.hold(1.5)
        os.kill(old_master, signal.SIGUSR2)
        oldbin = self.nginx.pidfile + ".oldbin"
        deadline = time.monotonic() + 10
        new_master = None
        while time.monotonic() < deadline:
            if os.path.exists(oldbin):
                try:
                    with open(self.nginx.pidfile) as f:
                        p = int(f.read().strip())
                    if p != old_master:
                        new_master = p
                        break
                except (OSError, ValueError):
                    pass
            time.sleep(0.05)
        if new_master is None:
            raise Failure("upgrade: no new master after USR2")
        note_pid(new_master)
        new = self.nginx.workers(master=new_master, wait=WORKERS)
        # both generations serve for a moment
        self.hold(1.0)
        both = self.redis.nginx_clients()
        s.figures["redis clients, both generations"] = both
        os.kill(old_master, signal.SIGWINCH)
        if not wait_gone(old, 20):
            s.problems.append("old workers %s still running 20s after "
                              "WINCH" % old)
        self.hold(0.5)
        os.kill(old_master, signal.SIGQUIT)
        if not wait_gone([old_master], 10):
            s.problems.append("old master %d still running 10s after QUIT"
                              % old_master)
        if alive(new_master) and len(children(new_master)) == WORKERS:
            self.nginx.master = new_master
        else:
            raise Failure("upgrade: the new master %d or its workers %s "
                          "are gone" % (new_master, new))
        self.hold(2.0)
        self.window("up", t0, time.monotonic())
        self.finish()
        self.clients["upgrade after"] = s.figures.get("redis clients after")

    # -- judging

    def judge_requests(self):
        self.excused = set()
        by = collections.defaultdict(list)
        for r in self.load.results:
            by[r.scenario].append(r)
        self.by_scenario = by
        for s in self.scenarios:
            rs = by.get(s.name, [])
            pages = [r for r in rs if r.kind == "page"]
            consents = [r for r in rs if r.kind == "consent"]
            s.figures["requests"] = len(rs)
            s.figures["pages"] = len(pages)
            s.figures["consents 200"] = sum(1 for r in consents
                                            if stored(r))
            s.figures["200 unrecorded"] = sum(1 for r in consents
                                              if r.status == 200
                                              and not r.recorded)
            s.figures["consents 503"] = sum(1 for r in consents
                                            if r.status == 503)
            problems = collections.Counter()
            examples = {}
            for r in rs:
                if r.problem:
                    problems[r.problem.split(":")[0]] += 1
                    examples.setdefault(r.problem.split(":")[0], r)
            for p, n in problems.items():
                r = examples[p]
                s.problems.append("%d x %s (e.g. #%d %s at +%.2fs: %s)"
                                  % (n, p, r.seq, r.kind, r.start - s.begin,
                                     r.problem))
            for kind, a, b in s.windows:
                inside = [r for r in consents if r.start >= a and r.end <= b
                          and not r.problem]
                if kind == "up":
                    wrong = [r for r in inside if not stored(r)]
                    # Redis slower than the timeout: 503 is right
                    slow = [r for r in wrong if held(r)
                            and self.probe.stalls(r.start - TIMEOUT, r.end,
                                                  STALL)]
                    if slow:
                        self.excused.update(r.seq for r in slow)
                        worst = max(self.probe.stalls(r.start - TIMEOUT,
                                                      r.end, STALL)
                                    for r in slow)
                        s.notes.append(
                            "%d consent(s) not recorded while Redis was up "
                            "but stalled (a PING waited %.0f ms; "
                            "timeout=%.0f ms): as documented"
                            % (len(slow), 1000 * worst, 1000 * TIMEOUT))
                        wrong = [r for r in wrong if r not in slow]
                    if wrong:
                        s.problems.append(
                            "%d consent(s) answered %s while Redis was up "
                            "(+%.2fs..+%.2fs), e.g. #%d at +%.2fs"
                            % (len(wrong), sorted({str(answer(r))
                                                   for r in wrong}),
                               a - s.begin, b - s.begin, wrong[0].seq,
                               wrong[0].start - s.begin))
                else:
                    wrong = [r for r in inside if not held(r)]
                    if wrong:
                        s.problems.append(
                            "%d consent(s) answered %s while Redis could not "
                            "record (+%.2fs..+%.2fs)"
                            % (len(wrong), sorted({"%s %s" % (r.action,
                                                              answer(r))
                                                   for r in wrong}),
                               a - s.begin, b - s.begin))
                    if len(inside) < 10:
                        s.problems.append("only %d consents while Redis "
                                          "could not record" % len(inside))
                    else:
                        lat = sorted(r.end - r.start for r in inside)
                        s.figures["503 latency p50/max"] = "%.0f/%.0f ms" % (
                            1000 * lat[len(lat) // 2], 1000 * lat[-1])

    def audit(self):
        """Every 2xx consent recorded, every record answered 2xx."""
        c = self.redis.client()
        try:
            entries = c.command("XRANGE", PREFIX + "log", "-", "+")
            keys = []
            cursor = b"0"
            while True:
                cursor, batch = c.command("SCAN", cursor, "MATCH",
                                          PREFIX + "consent:*",
                                          "COUNT", 1000)
                keys.extend(batch)
                if cursor == b"0":
                    break
            hashes = c.pipeline([("HGETALL", k) for k in keys])
            pttls = c.pipeline([("PTTL", k) for k in keys])
        finally:
            c.close()

        a = collections.OrderedDict()
        problems = []
        stream = {}
        dup = 0
        for _eid, fields in entries:
            f = dict(zip(fields[0::2], fields[1::2]))
            rid = f.get(b"id", b"").decode()
            if rid in stream:
                dup += 1
            stream[rid] = f
        hmap = {}
        for k, h in zip(keys, hashes):
            rid = k.decode()[len(PREFIX + "consent:"):]
            hmap[rid] = dict(zip(h[0::2], h[1::2]))
        if dup:
            problems.append("%d duplicate ids in %slog" % (dup, PREFIX))
        only_stream = set(stream) - set(hmap)
        only_hash = set(hmap) - set(stream)
        if only_stream or only_hash:
            problems.append("%d records only in the stream, %d only as "
                            "hashes (MULTI/EXEC should make them one)"
                            % (len(only_stream), len(only_hash)))
        differ = sum(1 for rid in set(stream) & set(hmap)
                     if stream[rid] != hmap[rid])
        if differ:
            problems.append("%d hashes differ from their stream entry"
                            % differ)
        no_ttl = sum(1 for t in pttls if not isinstance(t, int) or t <= 0)
        if no_ttl:
            problems.append("%d hashes without an expiry" % no_ttl)

        results = {r.seq: r for r in self.load.results}
        acked = {r.id: r for r in self.load.results
                 if r.kind == "consent" and stored(r) and r.id}
        missing = sorted(set(acked) - set(stream))
        a["2xx consents"] = len(acked)
        a["records (stream)"] = len(stream)
        a["records (hashes)"] = len(hmap)
        a["acknowledged but missing"] = len(missing)
        if missing:
            per = collections.Counter(acked[i].scenario for i in missing)
            problems.append("%d consents answered 2xx have no record in "
                            "Redis: %s" % (len(missing), dict(per)))
            for i in missing[:10]:
                r = acked[i]
                problems.append("  missing %s: #%d %s, answered at +%.3fs "
                                "of %s" % (i, r.seq, r.action,
                                           r.end - self.scenario_begin(
                                               r.scenario), r.scenario))

        orphans = []
        foreign = 0
        mismatch = 0
        for rid, f in stream.items():
            if rid in acked:
                r = acked[rid]
                if f.get(b"action", b"").decode() != r.action:
                    mismatch += 1
                continue
            ua = f.get(b"ua", b"").decode()
            m = re.match(r"faults/(\d+)$", ua)
            r = results.get(int(m.group(1))) if m else None
            if r is None or r.kind != "consent":
                foreign += 1
                continue
            if stored(r):
                # answered 2xx with another id
                mismatch += 1
                continue
            if f.get(b"action", b"").decode() != r.action:
                mismatch += 1
            orphans.append((rid, r, int(f.get(b"time_ms", b"0"))))
        unexpected = collections.Counter(
            r.scenario for _, r, _ in orphans
            if r.scenario not in ORPHANS_POSSIBLE
            and r.seq not in self.excused)
        if unexpected:
            problems.append("unacknowledged records where no connection "
                            "broke: %s" % dict(unexpected))
        if foreign:
            problems.append("%d records of no request of this run" % foreign)
        if mismatch:
            problems.append("%d records differ from their request's action "
                            "or 2xx answer" % mismatch)
        a["unacknowledged records"] = len(orphans)

        # a refusal applied without a record has it in the error log
        unrecorded = {r.id for r in self.load.results
                      if r.kind == "consent" and r.status == 200
                      and not r.recorded and r.id}
        logged = set(re.findall(
            r"consent ([0-9a-f]{32}) not acknowledged by Redis \([a-z ]+\), "
            r"a refusal, applied anyway; record(?: 1/\d+)?: id ",
            self.nginx.error_log()))
        a["refusals applied unrecorded"] = len(unrecorded)
        if unrecorded - logged:
            problems.append("%d refusals answered \"recorded\":false have "
                            "no record in the error log"
                            % len(unrecorded - logged))
        self.orphans = orphans
        self.audit_figures = a
        self.audit_problems = problems

    def scenario_begin(self, name):
        for s in self.scenarios:
            if s.name == name:
                return s.begin
        return 0.0

    def orphan_report(self):
        """Unacknowledged records, by scenario and answer, timed against
        the fault."""
        lines = []
        per = collections.Counter((r.scenario, answer(r) or "no answer")
                                  for _, r, _ in self.orphans)
        if self.orphans:
            logged = set(re.findall(r"consent ([0-9a-f]{32}) not acknowledged",
                                    self.nginx.error_log()))
            n = sum(1 for rid, _, _ in self.orphans if rid in logged)
            lines.append("  %d of them logged by nginx as \"consent <id> not "
                         "recorded in Redis\" though Redis holds them"
                         % n)
        for (scen, status), n in sorted(per.items(), key=str):
            line = "  %s: %d record(s) of consents answered %s" % (
                scen, n, status)
            sc = [x for x in self.scenarios if x.name == scen]
            if sc and sc[0].fault_at:
                ends = [r.end - sc[0].fault_at for _, r, _ in self.orphans
                        if r.scenario == scen]
                line += ", %+.3fs..%+.3fs after the fault" % (min(ends),
                                                               max(ends))
            if scen == "auth":
                line += " (Redis's SIGTERM shutdown ran them and exited " \
                        "before replying)"
            if scen == "kill":
                line += " (Redis ran them and was killed before replying)"
            lines.append(line)
        stop = [r for _, r, _ in self.orphans if r.scenario == "stop"]
        if hasattr(self, "stop_at"):
            # the consents in flight when SIGSTOP came: answered 503 only
            # when privacy_redis timeout fired
            waited = [r for r in self.by_scenario.get("stop", [])
                      if r.kind == "consent" and not stored(r)
                      and r.start >= self.stop_at - 0.1
                      and r.end - r.start >= TIMEOUT / 2]
            ids = {r.seq for r in stop}
            lines.append("    stop: %d of the %d consents not recorded at "
                         "the timeout (in flight at SIGSTOP) were executed "
                         "by Redis after SIGCONT"
                         % (sum(1 for r in waited if r.seq in ids),
                            len(waited)))
        if stop and hasattr(self, "stop_at"):
            starts = sorted(r.start - self.stop_at for r in stop)
            ends = sorted(r.end - self.stop_at for r in stop)
            lines.append("    stop: sent %+.3fs..%+.3fs after SIGSTOP, "
                         "503 at %+.3fs..%+.3fs (the timeout), executed by "
                         "Redis after SIGCONT (+%.3fs)"
                         % (starts[0], starts[-1], ends[0], ends[-1],
                            self.cont_at - self.stop_at))
        with open(os.path.join(OUT, "unacknowledged.txt"), "w") as f:
            f.write("# id seq scenario action answer sent+s answered+s "
                    "(relative to the scenario's start)\n")
            for rid, r, _ in sorted(self.orphans, key=lambda o: o[1].seq):
                b = self.scenario_begin(r.scenario)
                f.write("%s %d %s %s %s %.3f %.3f\n"
                        % (rid, r.seq, r.scenario, r.action,
                           r.status or (r.problem or "-").replace(" ", "_"),
                           r.start - b, r.end - b))
        return lines

    def write_requests(self):
        with open(os.path.join(OUT, "requests.csv"), "w") as f:
            f.write("seq,scenario,kind,action,start,end,status,id,problem\n")
            t0 = self.scenarios[0].begin if self.scenarios else 0
            for r in sorted(self.load.results, key=lambda r: r.seq):
                f.write("%d,%s,%s,%s,%.4f,%.4f,%d,%s,%s\n"
                        % (r.seq, r.scenario, r.kind, r.action or "",
                           r.start - t0, r.end - t0, r.status, r.id or "",
                           (r.problem or "").replace(",", ";")))

    def check_error_log(self):
        text = self.nginx.error_log()
        bad = []
        for line in text.splitlines():
            if re.search(r"\[(alert|crit|emerg)\]", line) \
                    or "exited on signal" in line:
                bad.append(line)
        return bad


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    nginx, module = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(RUN, exist_ok=True)
    try:
        os.unlink(os.path.join(RUN, "pids"))
    except FileNotFoundError:
        pass
    note_pid(os.getpid())

    for port in (REDIS_PORT, PORT):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            log("port %d is in use (FAULTS_PORT / FAULTS_REDIS_PORT)" % port)
            return 1
        except OSError:
            pass

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    run = Run(nginx, module)
    shutil.rmtree(run.redis.dir, ignore_errors=True)
    started = time.monotonic()
    fatal = None
    try:
        for step in (run.start_down, run.kill, run.stop, run.auth, run.oom,
                     run.hup, run.upgrade):
            step()
        run.load.stop()
        run.probe.stop()
        t = time.monotonic()
        run.audit()
        run.audit_seconds = time.monotonic() - t
        try:
            c = run.redis.client()
            run.latency = c.command("LATENCY", "LATEST")
            c.close()
        except (OSError, RedisError, ConnectionError):
            pass
    except (Failure, RedisError, OSError, KeyboardInterrupt) as e:
        fatal = "%s: %s" % (e.__class__.__name__, e)
    except Exception as e:
        import traceback
        traceback.print_exc()
        fatal = "%s: %s" % (e.__class__.__name__, e)
    finally:
        try:
            run.load.stop()
        except Failure as e:
            fatal = fatal or str(e)
        run.probe.stop()
        run.nginx.stop()
        run.redis.stop_quietly()
        try:
            shutil.copy(os.path.join(run.redis.dir, "redis.log"),
                        os.path.join(OUT, "redis.log"))
        except OSError:
            pass
        if run.redis.dir != os.path.join(OUT, "redis"):
            shutil.rmtree(run.redis.dir, ignore_errors=True)

    elapsed = time.monotonic() - started
    run.judge_requests()
    run.write_requests()
    bad_log = run.check_error_log()

    out = []
    ok = fatal is None
    out.append("make test-faults: nginx %s, 2 workers, privacy_redis "
               "timeout=500ms connect_timeout=1s, %d clients, %.0fs"
               % (subprocess.run([nginx, "-v"], capture_output=True,
                                 text=True).stderr.strip().split("/")[-1],
                  CONCURRENCY, elapsed))
    rv = subprocess.run(["redis-server", "--version"], capture_output=True,
                        text=True).stdout.split()
    out.append("Redis %s, appendonly yes, appendfsync always, in %s; "
               "load: consent POSTs (60%%) and HTML pages, new connection "
               "each" % (rv[2][2:] if len(rv) > 2 else "?",
                         "tmpfs" if run.redis.dir.startswith("/dev/shm")
                         else "build/faults"))
    out.append("")
    survived = 0
    for s in run.scenarios:
        status = "ok" if not s.problems else "FAILED"
        if not s.problems:
            survived += 1
        else:
            ok = False
        figs = ", ".join("%s %s" % (k, v) for k, v in s.figures.items())
        out.append("%-10s %-6s %s" % (s.name, status, s.what))
        out.append("%-17s %s" % ("", figs))
        for n in s.notes:
            out.append("%-17s %s" % ("", n))
        for p in s.problems:
            out.append("%-17s PROBLEM: %s" % ("", p))
    out.append("")
    out.append("scenarios survived: %d of %d" % (survived, 7))
    if len(run.scenarios) < 7:
        ok = False
    total = len(run.load.results)
    out.append("requests sent: %d (%d consent POSTs, %d pages)%s"
               % (total,
                  sum(1 for r in run.load.results if r.kind == "consent"),
                  sum(1 for r in run.load.results if r.kind == "page"),
                  ", CAPPED at FAULTS_MAX_REQUESTS" if run.load.capped
                  else ""))
    if hasattr(run, "audit_figures"):
        a = run.audit_figures
        out.append("2xx consents: %d; records in Redis: %d (stream), "
                   "%d (hashes)" % (a["2xx consents"], a["records (stream)"],
                                    a["records (hashes)"]))
        out.append("differences: %d acknowledged but missing, %d "
                   "unacknowledged records (a record whose consent was "
                   "answered 503, or 200 \"recorded\":false)"
                   % (a["acknowledged but missing"],
                      a["unacknowledged records"]))
        out.append("refusals applied unrecorded, each with its record in "
                   "the error log: %d" % a["refusals applied unrecorded"])
        out.extend(run.orphan_report())
        for p in run.audit_problems:
            out.append("AUDIT PROBLEM: %s" % p)
            ok = False
    else:
        out.append("loss audit: not run")
        ok = False
    ups = [(a, b) for sc in run.scenarios for k, a, b in sc.windows
           if k == "up"]
    waits = [2.0 if rtt is None else rtt for t, rtt in run.probe.samples
             if any(a <= t <= b for a, b in ups)]
    slow = [w for w in waits if w >= STALL]
    worst = max(waits, default=0)
    out.append("Redis stalls while up, seen by a PING every 50 ms: %d over "
               "%.0f ms, worst %.0f ms; Redis's LATENCY LATEST: %s"
               % (len(slow), 1000 * STALL, 1000 * worst,
                  "; ".join("%s %d ms" % (e[0].decode(), e[3])
                            for e in getattr(run, "latency", []) or [])
                  or "none"))
    out.append("redis clients (nginx's connections) before/after: %s"
               % ", ".join("%s %s" % (k, v) for k, v in run.clients.items()))
    if bad_log:
        ok = False
        out.append("error.log: %d alert/crit/emerg lines or crashes, e.g.:"
                   % len(bad_log))
        out.extend("  " + l for l in bad_log[:5])
    if fatal:
        out.append("FATAL: %s" % fatal)
    out.append("result: %s" % ("PASS" if ok else "FAIL"))

    text = "\n".join(out) + "\n"
    sys.stdout.write("\n" + text)
    with open(os.path.join(OUT, "summary.txt"), "w") as f:
        f.write(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
