#!/usr/bin/env python3
"""make bench-apache: mod_privacy against plain Apache httpd and
mod_substitute doing the same insertion.

    python3 bench/apache.py [--quick] [--only-report]
    python3 bench/apache.py --callgrind-only consented,plain_cookie

Serves bench/page.py's page (the nginx rows' page) from Apache httpd 2.4
(Debian's, event MPM, one process of 32 threads for wrk; apache2 -X under
callgrind), in five variants on 127.0.0.1:19700-19709, checks that each
does what its row says, then measures requests/s with wrk (interleaved
rounds) and instructions per request with callgrind (N keep-alive
requests, minus an idle start-up and shutdown of the same
configuration).  Writes build/bench/apache.json and the "Apache httpd"
section of docs/performance.md (report.py keeps it when make bench
rewrites the rest).  --callgrind-only NAMES measures those rows'
instructions alone and prints them, writing nothing: how a cache is
measured with and without it (bench/caches.json).  BENCH_PORT_OFFSET=N
moves every port by N, as for bench/bench.py.  Only the Python standard
library.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import measure                                              # noqa: E402
import page                                                 # noqa: E402
from servers import TOP, port_free, wait_port               # noqa: E402

WORK = os.path.join(TOP, "build", "bench", "apache")
RESULTS = os.path.join(TOP, "build", "bench", "apache.json")
DOC = os.path.join(TOP, "docs", "performance.md")
APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
MODULE = os.path.join(TOP, "build", "apache", "mod_privacy.so")
MINT = os.path.join(TOP, "build", "unit", "privacy-mint")

# BENCH_PORT_OFFSET=N moves every port by N: two benches on one machine
PORT_OFFSET = int(os.environ.get("BENCH_PORT_OFFSET", "0"))

PROFILES = {
    "full": dict(rounds=6, seconds=5, warmup=2, callgrind=2000),
    "quick": dict(rounds=3, seconds=2, warmup=1, callgrind=200),
}
CONNECTIONS = 16

# the file itself: no DirectoryIndex subrequest in any row
PATH = "/index.html"

# bench/conf/privacy.inc's categories, in Apache's words
PRIVACY = """
LoadModule privacy_module %(module)s
Privacy On
PrivacyPolicyVersion 2018-04
PrivacyPolicyURL /privacy.html
PrivacySecret %(key_file)s
PrivacyCategory necessary essential PHPSESSID csrftoken
PrivacyCategory analytics ~^_ga _gid
PrivacyCategory marketing _fbp IDE
PrivacyBannerPosition %(position)s
"""
CATEGORIES = "necessary:essential,analytics,marketing"

CONF = """# %(name)s: written by bench/apache.py
ServerRoot %(root)s
ServerName 127.0.0.1
Listen 127.0.0.1:%(port)d
PidFile %(root)s/httpd.pid
ErrorLog %(root)s/error.log
LogLevel warn
LoadModule mpm_event_module %(modules)s/mod_mpm_event.so
LoadModule authz_core_module %(modules)s/mod_authz_core.so
LoadModule mime_module %(modules)s/mod_mime.so
%(extra_modules)s
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 1
ThreadsPerChild 32
MaxRequestWorkers 32
MinSpareThreads 1
MaxSpareThreads 32
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 60
DocumentRoot %(docroot)s
<Directory %(docroot)s>
    Require all granted
</Directory>
%(body)s
"""


def log(msg):
    print("bench-apache: " + msg, flush=True)


class Apache:
    """One Apache httpd under build/bench/apache/<name>/: started with its
    own configuration, stopped by its own pid."""

    def __init__(self, name, port, body, modules=""):
        self.name, self.port, self.body = name, port, body
        self.modules = modules
        self.root = os.path.join(WORK, name)
        self.proc = None

    def conf(self, docroot):
        os.makedirs(self.root, exist_ok=True)
        path = os.path.join(self.root, "httpd.conf")
        with open(path, "w") as f:
            f.write(CONF % {"name": self.name, "root": self.root,
                            "port": self.port, "modules": MODULES,
                            "extra_modules": self.modules,
                            "docroot": docroot, "body": self.body})
        return path

    def command(self, docroot, single=False):
        return [APACHE, "-d", self.root, "-f", self.conf(docroot),
                "-D", "FOREGROUND"] + (["-X"] if single else [])

    def start(self, docroot):
        if not port_free(self.port):
            raise RuntimeError("port %d is in use" % self.port)
        cmd = self.command(docroot)
        test = subprocess.run(cmd + ["-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError("apache2 -t failed for %s:\n%s%s"
                               % (self.name, test.stdout, test.stderr))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc, what="apache " + self.name)
        return self

    def child_pids(self):
        """The parent and its children: the CPU time of the process that
        serves, and of the parent that watches it."""
        pids = [self.proc.pid]
        path = "/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)
        with open(path) as f:
            pids += [int(p) for p in f.read().split()]
        return pids

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Variant:

    def __init__(self, name, label, port, body, modules="", headers=None,
                 check=None, baseline="plain"):
        self.name, self.label, self.port = name, label, port + PORT_OFFSET
        self.body, self.modules = body, modules
        self.headers = headers or {}
        self.check = check
        self.baseline = baseline
        self.server = None


def body_open_end(pg):
    return pg.index(b">", pg.index(b"<body")) + 1


def substitute_rule(banner):
    """mod_substitute's "s~(<body[^>]*>)~$1BANNER~i", in a quoted
    directive argument: $, & and backslash are special in its
    replacement, a quote ends the argument."""
    text = banner.decode()
    for d in "~#%!@|":
        if d not in text:
            break
    else:
        raise RuntimeError("no delimiter for mod_substitute")
    text = re.sub(r'([\\$&])', r'\\\1', text).replace('"', '\\"')
    return 'Substitute "s%s(<body[^>]*>)%s$1%s%si"' % (d, d, text, d)


def run_wrk_once(v, seconds):
    pids = v.server.child_pids()
    cpu0 = sum(measure.cpu_ticks(p) for p in pids)
    res = measure.run_wrk(v.port, PATH, CONNECTIONS, seconds,
                          headers=v.headers)
    pids = v.server.child_pids()
    res["cpu_us"] = measure.ticks_us(sum(measure.cpu_ticks(p) for p in pids)
                                     - cpu0) / res["requests"]
    if res["problems"]:
        raise RuntimeError("%s: %s" % (v.name, "; ".join(res["problems"])))
    return res


def wait_accepting(proc, port, timeout=300):
    """apache2 -X under valgrind is ready once it answers."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("apache2 under callgrind exited")
        if not port_free(port):
            return
        time.sleep(0.2)
    raise RuntimeError("apache2 under callgrind never listened")


def callgrind_run(v, docroot, out, n):
    """apache2 -X under callgrind, N requests (0: start and stop only).
    Returns the run's instruction count."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           "--dump-line=no", "--dump-instr=no"] + \
        Apache("cg-" + v.name, v.port, v.body, v.modules).command(
            docroot, single=True)
    logf = open(out + ".log", "w")
    proc = subprocess.Popen(cmd, stdout=logf, stderr=logf)
    try:
        wait_accepting(proc, v.port)
        # the probe that found it listening, with and without load alike
        c = measure.Client(v.port)
        c.request("GET", PATH, v.headers)
        for _ in range(n):
            st, _, _ = c.request("GET", PATH, v.headers)
            if st != 200:
                raise RuntimeError("%s: status %d" % (v.name, st))
        c.close()
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        logf.close()
    return measure.callgrind_total(out)


def variants(ctx):
    consented = {"Cookie": ctx["cookie"]}
    privacy = PRIVACY % {"module": MODULE, "key_file": ctx["key_file"],
                         "position": "body_start"}
    privacy_end = PRIVACY % {"module": MODULE, "key_file": ctx["key_file"],
                             "position": "body_end"}
    pg = ctx["page"]

    def plain(st, hd, body):
        assert st == 200 and body == pg, "the page changed"

    def banner_at(cut):
        def check(st, hd, body):
            assert st == 200, st
            assert body.startswith(pg[:cut]) and body.endswith(pg[cut:]), \
                "the banner is not where it belongs"
            assert b'id="privacy-banner"' in body, "no banner"
        return check

    def same_as_module(st, hd, body):
        assert st == 200, st
        assert body == ctx["with_banner"], "not the module's page"

    return [
        Variant("plain", "Apache, privacy off (baseline)", 19700, "",
                check=plain),
        Variant("plain_cookie", "Apache, privacy off, with the consent "
                "cookie (baseline of the next row)", 19701, "",
                headers=consented, check=plain),
        Variant("consented", "mod_privacy, consented visitor", 19702,
                privacy, headers=consented, check=plain,
                baseline="plain_cookie"),
        Variant("banner_start", "mod_privacy, undecided: banner at "
                "body_start", 19703, privacy,
                check=banner_at(body_open_end(pg))),
        Variant("banner_end", "mod_privacy, undecided: banner at body_end",
                19704, privacy_end, check=banner_at(pg.rfind(b"</body>"))),
        Variant("substitute", "mod_substitute: the same banner after "
                "<body ...>", 19705, None,
                modules="LoadModule substitute_module %s/mod_substitute.so"
                        % MODULES,
                check=same_as_module),
    ]


def machine():
    v = subprocess.run([APACHE, "-v"], capture_output=True,
                       text=True).stdout.splitlines()[0]
    rev = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {"apache": v.split(":", 1)[1].strip(), "commit": rev,
            "loadavg_start": load}


def measure_all(prof, only=None):
    for f in (MODULE, MINT, APACHE):
        if not os.path.exists(f):
            sys.exit("bench-apache: %s is missing (make apache unit "
                     "deps-apache)" % f)
    if os.path.isdir(WORK):
        subprocess.run(["rm", "-rf", WORK], check=True)
    docroot = os.path.join(WORK, "html")
    os.makedirs(docroot)
    pg = page.build()
    with open(os.path.join(docroot, "index.html"), "wb") as f:
        f.write(pg)
    key_file = os.path.join(WORK, "privacy.key")
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, (secrets.token_hex(32) + "\n").encode())
    os.close(fd)
    token = subprocess.run(
        [MINT, "--key-file", key_file, "--policy", "2018-04",
         "--categories", CATEGORIES, "--grant", "all"],
        check=True, capture_output=True, text=True).stdout.strip()
    ctx = {"page": pg, "key_file": key_file,
           "cookie": "privacy_consent=" + token}

    results = {"machine": machine(), "settings": prof,
               "page_bytes": len(pg), "connections": CONNECTIONS,
               "date": datetime.datetime.now().astimezone()
                       .strftime("%Y-%m-%d %H:%M %Z")}
    vs = variants(ctx)
    if only:
        vs = [v for v in vs if v.name in only]
    running = []
    try:
        for v in vs:
            if v.name == "substitute":
                # the module's banner, as it served it
                cut = body_open_end(pg)
                banner = ctx["with_banner"][cut:len(ctx["with_banner"])
                                            - (len(pg) - cut)]
                results["banner_bytes"] = len(banner)
                v.body = ("<Location />\n    SetOutputFilter SUBSTITUTE\n"
                          "    %s\n</Location>\n" % substitute_rule(banner))
            v.server = Apache(v.name, v.port, v.body, v.modules)
            v.server.start(docroot)
            running.append(v.server)
            st, hd, body = measure.Client(v.port).request("GET", PATH,
                                                          v.headers)
            try:
                v.check(st, hd, body)
            except AssertionError as e:
                raise RuntimeError("%s does not do what its row says: %s"
                                   % (v.name, e))
            if v.name == "banner_start":
                ctx["with_banner"] = body

        runs = {v.name: [] for v in vs}
        # --callgrind-only: no wrk rounds
        rounds = 0 if only else prof["rounds"]
        if rounds:
            log("warm-up")
            for v in vs:
                run_wrk_once(v, prof["warmup"])
        for rnd in range(1, rounds + 1):
            for v in vs:
                res = run_wrk_once(v, prof["seconds"])
                runs[v.name].append(res)
                log("round %d/%d %-14s %9.0f req/s  p99 %6.2f ms  %5.1f us "
                    "CPU" % (rnd, prof["rounds"], v.name, res["rps"],
                             res["p99_ms"], res["cpu_us"]))
        results["throughput"] = runs
        for s in running:
            s.stop()
        running = []

        out_dir = os.path.join(WORK, "callgrind")
        os.makedirs(out_dir)
        cg = {}
        n = prof["callgrind"]
        for v in vs:
            t0 = time.time()
            out = os.path.join(out_dir, v.name)
            idle = callgrind_run(v, docroot, out + ".idle.out", 0)
            loaded = callgrind_run(v, docroot, out + ".out", n)
            cg[v.name] = {"idle": idle, "loaded": loaded, "requests": n,
                          "per_request": (loaded - idle) / n}
            log("callgrind %-14s %9.0f instructions/request (%.0fs)"
                % (v.name, cg[v.name]["per_request"], time.time() - t0))
        results["callgrind"] = cg
    finally:
        for s in running:
            s.stop()
    with open("/proc/loadavg") as f:
        results["machine"]["loadavg_end"] = " ".join(f.read().split()[:3])
    results["variants"] = [{"name": v.name, "label": v.label,
                            "baseline": v.baseline} for v in vs]
    return results


def _fmt(x):
    return "{:,.0f}".format(x)


def section(results):
    """The "Apache httpd" section of docs/performance.md."""
    m = results["machine"]
    runs = results["throughput"]
    cg = results["callgrind"]
    out = ["## Apache httpd (mod_privacy)\n",
           "Written by `make bench-apache` (bench/apache.py) on %s; "
           "%s, event MPM, one process of 32 threads, %d connections; the "
           "module from commit %s; load average %s at the start, %s at the "
           "end. The page is the static page above (%s bytes); the banner "
           "is %s bytes. mod_substitute inserts the very bytes mod_privacy "
           "inserts at body_start (`Substitute \"s~(<body[^>]*>)~$1...~i\"`"
           ", which finds the tag without the tokenizer's care for scripts"
           " and comments).\n"
           % (results["date"], m["apache"], results["connections"],
              m["commit"], m["loadavg_start"], m.get("loadavg_end", "?"),
              _fmt(results["page_bytes"]),
              _fmt(results.get("banner_bytes", 0))),
           "| Variant | req/s median [min - max] | ratio | p99 ms median |"
           " server CPU us/request | instructions/request | ratio |",
           "|---|---|---|---|---|---|---|"]
    for v in results["variants"]:
        r = runs[v["name"]]
        b = runs[v["baseline"]]
        rps = sorted(x["rps"] for x in r)
        ratios = sorted(x["rps"] / y["rps"] for x, y in zip(r, b))
        p99 = sorted(x["p99_ms"] for x in r)
        cpu = sorted(x["cpu_us"] for x in r)
        ins = cg[v["name"]]["per_request"]
        base = cg[v["baseline"]]["per_request"]
        med = lambda xs: xs[len(xs) // 2]             # noqa: E731
        ratio = "1.00" if v["name"] == v["baseline"] else \
            "%.2f [%.2f - %.2f]" % (med(ratios), ratios[0], ratios[-1])
        iratio = "1.00" if v["name"] == v["baseline"] else \
            "%.2f (%+.0f)" % (ins / base, ins - base)
        out.append("| %s | %s [%s - %s] | %s | %.2f | %.1f | %s | %s |"
                   % (v["label"], _fmt(med(rps)), _fmt(rps[0]),
                      _fmt(rps[-1]), ratio, med(p99), med(cpu), _fmt(ins),
                      iratio))
    out.append("\nRatios are to plain Apache (the consented visitor: to "
               "plain Apache receiving the same Cookie header), medians of "
               "per-round ratios. Server CPU counts Apache's parent and its "
               "one child. Instructions are callgrind's, of `apache2 -X` "
               "serving %d keep-alive requests, less an idle start and "
               "stop.\n" % results["settings"]["callgrind"])
    return "\n".join(out) + "\n"


MARK_START = "<!-- bench/apache.py: start -->"
MARK_END = "<!-- bench/apache.py: end -->"


def write_doc(results, doc=DOC):
    """Puts the section into DOC between its marks, or before "## Targets"
    the first time."""
    with open(doc) as f:
        text = f.read()
    block = MARK_START + "\n" + section(results) + MARK_END + "\n"
    if MARK_START in text:
        text = re.sub(re.escape(MARK_START) + ".*?" + re.escape(MARK_END)
                      + "\n", lambda m: block, text, flags=re.S)
    else:
        text = text.replace("## Targets\n", block + "\n## Targets\n", 1)
    with open(doc, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only-report", action="store_true",
                    help="rewrite the section from build/bench/apache.json")
    ap.add_argument("--callgrind-only", metavar="NAMES",
                    help="instructions of these rows (comma-separated) only,"
                         " printed, nothing written")
    args = ap.parse_args()
    if args.callgrind_only:
        only = args.callgrind_only.split(",")
        results = measure_all(PROFILES["full"], only)
        for name in only:
            print("%s %.0f" % (name,
                               results["callgrind"][name]["per_request"]))
        return
    if args.only_report:
        with open(RESULTS) as f:
            results = json.load(f)
    else:
        results = measure_all(PROFILES["quick" if args.quick else "full"])
        results["profile"] = "quick" if args.quick else "full"
        os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
        with open(RESULTS, "w") as f:
            json.dump(results, f, indent=1)
    write_doc(results)
    print(section(results))
    log("wrote %s and %s" % (DOC, RESULTS))


if __name__ == "__main__":
    main()
