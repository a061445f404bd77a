#!/usr/bin/env python3
"""make bench: ngx_privacy_module against plain nginx and its peers.

    python3 bench/bench.py [--quick] [--only-report]

Starts every variant itself (nginx instances on 127.0.0.1:19600-19699, one
worker each, a private Redis on 16460), checks that each does what its row
claims, then:

  1. throughput: wrk runs interleaved, A B C ... A B C ..., ROUNDS rounds;
     medians, min and max of requests/s and p99;
  2. instructions/request: each nginx variant with master_process off under
     callgrind, N keep-alive requests from a Python client, minus an idle
     start-up + shutdown run of the same configuration, divided by N;
     function-level profiles of the module variants against their
     baselines;
  3. memory: a worker's RSS over a million mixed requests, and the request
     pool bytes of a consented visitor against plain nginx (debug log);

and writes docs/performance.md, with the raw figures in
build/bench/results.json.  Only the Python standard library.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True        # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import measure                                              # noqa: E402
import page                                                 # noqa: E402
import report                                               # noqa: E402
import servers                                             # noqa: E402
from servers import (BENCH, TOP, MODULE, Nginx, Redis,     # noqa: E402
                     conf_file, render)

WORK = os.path.join(TOP, "build", "bench")
MINT = os.path.join(TOP, "build", "unit", "privacy-mint")
DOC = os.path.join(TOP, "docs", "performance.md")

# BENCH_PORT_OFFSET=N moves every port by N: two benches on one machine
PORT_OFFSET = int(os.environ.get("BENCH_PORT_OFFSET", "0"))

REDIS_PORT = 16460 + PORT_OFFSET
BACKEND_PORT = 19619 + PORT_OFFSET
CONSENT_PORT = 19620 + PORT_OFFSET
MIXED_PORT = 19630 + PORT_OFFSET
POOL_PORTS = (19640 + PORT_OFFSET, 19641 + PORT_OFFSET)

PROFILES = {
    #            wrk rounds, seconds per run, warm-up, callgrind requests,
    #            memory run requests.  Quick shortens the timed runs, not
    #            the instruction counts: over 200 requests a first
    #            request's costs (the upstream's connection, pools growing)
    #            added ~550 instructions per request to the proxied rows;
    #            over 2,000 two runs agree within 10, and callgrind takes
    #            ~10 s a row either way.  The memory run is the million
    #            requests #14 names in both (about two minutes).
    "full": dict(rounds=8, seconds=5, warmup=2, callgrind=2000,
                 memory=1000000, memory_warmup=50000),
    "quick": dict(rounds=3, seconds=2, warmup=1, callgrind=2000,
                  memory=1000000, memory_warmup=10000),
}

PAGE_CONNECTIONS = 16
CONSENT_CONNECTIONS = 64

# Google Consent Mode's four v2 types on the categories of privacy.inc
CONSENT_MODE = ("privacy_consent_mode analytics_storage=analytics "
                "ad_storage=marketing ad_user_data=marketing "
                "ad_personalization=marketing;")

# the categories of bench/conf/privacy.inc, in privacy-mint's notation
CATEGORIES = "necessary:essential,analytics,marketing"

# eight cookies: four tracking (_ga, _gid analytics; _fbp, IDE marketing),
# two essential, two no category names (allowed)
EIGHT_COOKIES = ("_ga=GA1.2.1234567890.1700000000; "
                 "_gid=GA1.2.987654321.1700000000; "
                 "_fbp=fb.1.1700000000000.1234567890; "
                 "IDE=AHWqTUkX3pQ9z7LrYcB2; "
                 "PHPSESSID=8f3c2a9d7e1b4c6a5f0e9d8c7b6a5f4e; "
                 "csrftoken=Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9F; "
                 "lang=en-GB; theme=dark")
TRACKERS = ("_ga", "_gid", "_fbp", "IDE")


def fresh_cookies(n):
    """The eight cookies with three values' lengths from 7 values each:
    343 headers, 19 lengths, as long as EIGHT_COOKIES on average; the same
    as bench/wrk/fresh.lua's.  Each differs from the ones before it in
    its values' lengths, as a new visitor's does, until they come round
    again."""
    a, b, c = 7 + n % 7, 6 + n // 7 % 7, 7 + n // 49 % 7
    return ("_ga=GA1.2.%s.1700000000; _gid=GA1.2.%s.1700000000; "
            "_fbp=fb.1.1700000000000.%s; " % ("1" * a, "9" * b, "2" * c)
            + EIGHT_COOKIES.split("; ", 3)[3])

CONSENT_BODY = "action=accept_all"


# the row each row is compared with, unless it names another
BASELINE = {"page": "plain", "proxy": "proxy", "html": "html_proxy",
            "consent": "redis", "memory": None}

# the same page with six tracker tags (page.build_trackers())
TRACKERS_PATH = "/html/trackers.html"
# the same page with a nonce in its head, new on every request
TRACKERS_DYN_PATH = "/dyn/trackers.html"

# the patterns of those trackers, as docs/deployment.md configures them
TRACKER_SCRIPTS = """
        privacy_script analytics www.googletagmanager.com;
        privacy_script marketing .facebook.net www.facebook.com
                                 https://www.youtube.com/embed/;"""

# the static page, from the application behind the proxy (backend.conf)
HTML_PATH = "/html/index.html"


class Variant:
    """A row of the table."""

    def __init__(self, name, label, group, port=None, conf=None, params=None,
                 lua=False, method="GET", path="/", headers=None, body=None,
                 connections=PAGE_CONNECTIONS, check=None, module=False,
                 baseline=None, fresh=False):
        self.name, self.label, self.group = name, label, group
        self.baseline = baseline or BASELINE[group]
        self.port, self.conf, self.params = port, conf, params or {}
        self.lua = lua
        self.method, self.path, self.body = method, path, body
        self.headers = headers or {}
        self.connections = connections
        if port and port < 19600 + PORT_OFFSET:
            # a row's own port, written without the offset
            self.port = port + PORT_OFFSET
        self.check = check
        self.module = module          # profiled against its baseline
        self.fresh = fresh            # a new Cookie header each request
        self.server = None

    def nginx(self, ctx, name=None, port=None, log_level="warn"):
        params = dict(ctx.params, port=port or self.port, **self.params)
        body = render(conf_file(self.conf), params)
        return Nginx(WORK, name or self.name, port or self.port, body,
                     lua=self.lua, log_level=log_level)


class Context:
    """What the variants share: paths, the key, the tokens."""

    def __init__(self):
        self.docroot = os.path.join(WORK, "html")
        self.key_file = os.path.join(WORK, "privacy.key")
        self.snippet_file = os.path.join(WORK, "banner-snippet.html")
        self.page = page.build()
        self.trackers = page.build_trackers()
        self.snippet = None
        self.consent_cookie = None
        self.params = {}

    def prepare(self):
        os.makedirs(self.docroot, exist_ok=True)
        with open(os.path.join(self.docroot, "index.html"), "wb") as f:
            f.write(self.page)
        with open(os.path.join(self.docroot, "trackers.html"), "wb") as f:
            f.write(self.trackers)
        with open(os.path.join(self.docroot, "privacy.html"), "w") as f:
            f.write("<!DOCTYPE html><title>Privacy</title><body>Notice</body>")
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600)
        os.write(fd, (secrets.token_hex(32) + "\n").encode())
        os.close(fd)
        token = subprocess.run(
            [MINT, "--key-file", self.key_file, "--policy", "2018-04",
             "--categories", CATEGORIES, "--grant", "all"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.consent_cookie = "privacy_consent=" + token
        privacy = render(conf_file("privacy.inc"),
                         {"key_file": self.key_file})
        self.params = {
            "docroot": self.docroot, "bench": BENCH, "privacy": privacy,
            "key_file": self.key_file, "redis_port": REDIS_PORT,
            "backend_port": BACKEND_PORT, "snippet_file": self.snippet_file,
            "snippet_quoted": "", "lua_http": "", "lua_location": "",
            "privacy_or_not": "", "position": "body_start",
            "consent_mode": "",
        }

    def set_snippet(self, snippet):
        self.snippet = snippet
        with open(self.snippet_file, "wb") as f:
            f.write(snippet)
        # a single-quoted nginx string
        self.params["snippet_quoted"] = snippet.decode() \
            .replace("\\", "\\\\").replace("'", "\\'")


# --- what each row must do, checked before it is measured -----------------

def body_close(pg):
    return pg.rfind(b"</body>")


def body_open_end(pg):
    return pg.index(b">", pg.index(b"<body")) + 1


def check_plain(ctx, st, hd, body):
    assert st == 200, st
    assert body == ctx.page, "the page changed"
    assert not measure.header_values(hd, "Tk"), "Tk without privacy"


def check_consented(ctx, st, hd, body):
    assert st == 200, st
    assert measure.header_values(hd, "Tk") == ["C"], hd
    assert body == ctx.page, "a consented visitor got something inserted"


def check_consent_mode(ctx, st, hd, body):
    assert st == 200, st
    assert measure.header_values(hd, "Tk") == ["C"], hd
    cut = ctx.page.index(b"<head>") + len(b"<head>")
    head, tail = ctx.page[:cut], ctx.page[cut:]
    assert body.startswith(head) and body.endswith(tail), \
        "the tag is not the head's first element"
    tag = body[len(head):len(body) - len(tail)]
    assert tag.startswith(b'<script src="/privacy/consent/consent-mode.') \
        and b'analytics_storage=analytics:granted' in tag \
        and tag.endswith(b'"></script>'), tag
    assert measure.header_values(hd, "Content-Length") == [str(len(body))], \
        hd


def check_trackers_plain(ctx, st, hd, body):
    assert st == 200, st
    assert body == ctx.trackers, "the page changed"


def check_trackers(ctx, st, hd, body):
    assert st == 200, st
    assert b'id="privacy-banner"' in body, "no banner"
    assert body.count(b'data-privacy-category="') == 6, \
        body.count(b'data-privacy-category="')
    assert b' src="https://www.youtube.com' not in body, "the frame loads"


def check_trackers_consented(ctx, st, hd, body):
    assert st == 200, st
    assert body == ctx.trackers, "the page changed"


def check_banner(position):
    def check(ctx, st, hd, body):
        assert st == 200, st
        assert measure.header_values(hd, "Tk") == ["N"], hd
        cut = (body_open_end(ctx.page) if position == "body_start"
               else body_close(ctx.page))
        head, tail = ctx.page[:cut], ctx.page[cut:]
        assert body.startswith(head) and body.endswith(tail), \
            "the banner is not at " + position
        banner = body[len(head):len(body) - len(tail)]
        assert b'id="privacy-banner"' in banner, "no banner"
    return check


def check_snippet(ctx, st, hd, body):
    assert st == 200, st
    cut = body_close(ctx.page)
    assert body == ctx.page[:cut] + ctx.snippet + ctx.page[cut:], \
        "the snippet is not before </body>"


def _cookie_names(values):
    return [v.split("=", 1)[0].strip() for v in values]


def check_proxy(blocked, expired=True):
    def check(ctx, st, hd, body):
        assert st == 200, st
        sent = json.loads(body)["cookie"]
        set_cookies = measure.header_values(hd, "Set-Cookie")
        names = _cookie_names(set_cookies)
        live = [n for n, v in zip(names, set_cookies) if "Max-Age=0" not in v]
        dead = [n for n, v in zip(names, set_cookies) if "Max-Age=0" in v]
        if blocked:
            assert not any(t + "=" in sent for t in TRACKERS), sent
            assert sorted(live) == ["PHPSESSID", "csrftoken"], set_cookies
            assert sorted(dead) == (sorted(TRACKERS) if expired else []), \
                set_cookies
        else:
            assert sent == EIGHT_COOKIES, sent
            assert len(live) == 4, set_cookies
    return check


def check_consent(ctx, st, hd, body):
    assert st == 200, (st, body)
    assert json.loads(body), body
    cookies = measure.header_values(hd, "Set-Cookie")
    assert any(c.startswith("privacy_consent=") for c in cookies), cookies


def variants(ctx):
    consent_hdr = {"Cookie": ctx.consent_cookie}
    eight = {"Cookie": EIGHT_COOKIES}
    undecided_proxy = {"privacy_or_not": ctx.params["privacy"]}
    undecided_proxy_keep = {"privacy_or_not": ctx.params["privacy"]
                            + "\n        privacy_expire_blocked off;"}
    html_proxy = {"privacy_or_not": ctx.params["privacy"]
                  + "\n        privacy_banner_position body_start;"}
    html_trackers = {"privacy_or_not": ctx.params["privacy"]
                     + "\n        privacy_banner_position body_start;"
                     + TRACKER_SCRIPTS}
    html_trackers_off = {"privacy_or_not": html_trackers["privacy_or_not"]
                         + "\n        privacy_script_marked off;"}
    html_proxy_end = {"privacy_or_not": ctx.params["privacy"]
                      + "\n        privacy_banner_position body_end;"}
    lua_proxy = {
        "lua_http": '    lua_package_path "%s/lua/?.lua;;";\n' % BENCH,
        "lua_location": (
            "            access_by_lua_file %s/lua/scrub_cookie.lua;\n"
            "            header_filter_by_lua_file "
            "%s/lua/filter_set_cookie.lua;" % (BENCH, BENCH)),
    }
    post_headers = {"Origin": "http://127.0.0.1:%d" % CONSENT_PORT,
                    "Content-Type": "application/x-www-form-urlencoded"}
    return [
        Variant("plain", "static page, privacy off (baseline)", "page",
                19600, "plain.conf", check=check_plain),
        Variant("plain_cookie", "static page, privacy off, with the "
                "consent cookie (baseline of the next row)", "page",
                19606, "plain.conf", headers=consent_hdr, check=check_plain),
        Variant("consented", "privacy on, consented visitor", "page",
                19601, "privacy-page.conf", headers=consent_hdr,
                check=check_consented, module=True,
                baseline="plain_cookie"),
        Variant("consented_cm", "privacy on, consented visitor, "
                "privacy_consent_mode: its script tag first in <head>",
                "page", 19607, "privacy-page.conf", headers=consent_hdr,
                params={"consent_mode": CONSENT_MODE},
                check=check_consent_mode, module=True,
                baseline="plain_cookie"),
        Variant("undecided_start", "privacy on, undecided: banner at "
                "body_start", "page", 19602, "privacy-page.conf",
                params={"position": "body_start"},
                check=check_banner("body_start"), module=True),
        Variant("undecided_end", "privacy on, undecided: banner at body_end",
                "page", 19603, "privacy-page.conf",
                params={"position": "body_end"},
                check=check_banner("body_end"), module=True),
        Variant("sub_filter", "sub_filter: the banner before </body>",
                "page", 19604, "sub-filter.conf", check=check_snippet),
        Variant("lua_body", "Lua body filter: the banner before </body>",
                "page", 19605, "lua-body.conf", lua=True,
                check=check_snippet),
        Variant("proxy", "proxied page, plain proxy (baseline)", "proxy",
                19610, "proxy.conf", headers=eight,
                check=check_proxy(False)),
        Variant("proxy_privacy", "proxied page, privacy on, undecided: "
                "trackers blocked both ways", "proxy", 19611, "proxy.conf",
                params=undecided_proxy, headers=eight,
                check=check_proxy(True), module=True),
        Variant("proxy_privacy_keep", "proxied page, privacy on, "
                "undecided: trackers blocked both ways, none expired "
                "(privacy_expire_blocked off, what the Lua row does)",
                "proxy", 19616, "proxy.conf", params=undecided_proxy_keep,
                headers=eight, check=check_proxy(True, expired=False),
                module=True),
        Variant("proxy_privacy_fresh", "proxied page, privacy on, "
                "undecided: trackers blocked both ways, a new visitor each "
                "request (a Cookie header of other value lengths)", "proxy",
                19617, "proxy.conf", params=undecided_proxy, headers=eight,
                check=check_proxy(True), module=True, fresh=True),
        Variant("proxy_lua", "proxied page, Lua: access_by_lua + "
                "header_filter_by_lua", "proxy", 19612, "proxy.conf",
                params=lua_proxy, lua=True, headers=eight,
                check=check_proxy(True, expired=False)),
        Variant("html_proxy", "proxied HTML page, plain proxy (baseline)",
                "html", 19613, "proxy.conf", path=HTML_PATH,
                check=check_plain),
        Variant("html_start", "proxied HTML page, privacy on, undecided: "
                "banner at body_start", "html", 19614, "proxy.conf",
                params=html_proxy, path=HTML_PATH,
                check=check_banner("body_start"), module=True),
        Variant("html_end", "proxied HTML page, privacy on, undecided: "
                "banner at body_end", "html", 19615, "proxy.conf",
                params=html_proxy_end, path=HTML_PATH,
                check=check_banner("body_end"), module=True),
        Variant("html_trackers_proxy", "proxied HTML page with six tracker "
                "tags, plain proxy (baseline of the next row)", "html", 19618,
                "proxy.conf", path=TRACKERS_PATH,
                check=check_trackers_plain),
        Variant("html_trackers", "proxied HTML page with six tracker tags, "
                "privacy on, undecided: banner at body_start and the six "
                "held back", "html", 19621, "proxy.conf",
                params=html_trackers, path=TRACKERS_PATH,
                check=check_trackers, module=True,
                baseline="html_trackers_proxy"),
        Variant("html_trackers_dyn", "proxied HTML page with six tracker "
                "tags and a nonce in its head, new on every request (as a "
                "CSRF token makes it), privacy on, undecided: never the "
                "page remembered, the rewriter reads it each time", "html",
                19624, "proxy.conf", params=html_trackers,
                path=TRACKERS_DYN_PATH, check=check_trackers, module=True,
                baseline="html_trackers_proxy"),
        Variant("html_trackers_all", "proxied HTML page with six tracker "
                "tags, privacy on, a visitor who granted everything: the "
                "page through the rewriter for tags the site marked "
                "(privacy_script_marked on, the default)", "html", 19622,
                "proxy.conf", params=html_trackers, path=TRACKERS_PATH,
                headers=consent_hdr, check=check_trackers_consented,
                module=True, baseline="html_trackers_proxy"),
        Variant("html_trackers_all_off", "proxied HTML page with six "
                "tracker tags, privacy on, a visitor who granted "
                "everything, privacy_script_marked off: untouched", "html",
                19623, "proxy.conf", params=html_trackers_off,
                path=TRACKERS_PATH, headers=consent_hdr,
                check=check_trackers_consented, module=True,
                baseline="html_trackers_proxy"),
        Variant("consent", "consent POST, recorded in Redis",
                "consent", CONSENT_PORT, "consent.conf", method="POST",
                path="/privacy/consent", headers=post_headers,
                body=CONSENT_BODY, connections=CONSENT_CONNECTIONS,
                check=check_consent, module=True),
        Variant("redis", "redis-benchmark: the same writes in one script "
                "(EVALSHA)", "consent", connections=CONSENT_CONNECTIONS),
        Variant("redis_tx", "the same MULTI ... EXEC from a C client "
                "(bench/redis_tx.c)", "consent",
                connections=CONSENT_CONNECTIONS),
    ]


# --- the redis-benchmark reference -----------------------------------------

# The module's record (ngx_http_privacy_consent_record.c): MULTI,
# XADD <prefix>log MINID ~ <now - retention> * <12 fields>,
# HSET <prefix>consent:<id> <the same 12 fields>, PEXPIRE <key> <retention>,
# EXEC; one round trip.
# redis-benchmark sends one command per request, so its reference runs the
# same three writes in one script: atomic like MULTI/EXEC, one round trip.
# bench/redis_tx.c sends the module's very transaction.
RECORD_SCRIPT = (
    "local f = {unpack(ARGV, 3)} "
    "redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[1], '*', unpack(f)) "
    "redis.call('HSET', KEYS[1], unpack(f)) "
    "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
    "return 'OK'")


def record_fields(now_ms, consent_id):
    """The twelve fields of a record, with values of the module's sizes."""
    return [
        "id", consent_id,
        "action", "accept_all",
        "granted", "analytics,marketing",
        "refused", "",
        "policy", "2018-04",
        "time_ms", str(now_ms),
        "banner_sha256", "5e" * 32,
        "source", "form",
        "host", "127.0.0.1:%d" % CONSENT_PORT,
        "addr", "127.0.0.0",
        "ua", "",
        "replaces", "",
    ]


RETENTION_MS = 3 * 365 * 86400 * 1000


def redis_args(redis):
    """redis-benchmark's arguments: EVALSHA of RECORD_SCRIPT."""
    sha = redis.cli("SCRIPT", "LOAD", RECORD_SCRIPT)
    now_ms = int(time.time() * 1000)
    rand_id = "__rand_int__" + "0" * 20          # 32 characters
    return ["EVALSHA", sha, "2", "privacy:consent:" + rand_id,
            "privacy:log", str(now_ms - RETENTION_MS), str(RETENTION_MS)] \
        + record_fields(now_ms, rand_id)


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def redis_tx_payload():
    """The bytes of one record as the module sends it (MULTI, XADD, HSET,
    PEXPIRE, EXEC); redis_tx puts a fresh id in place of the @s."""
    now_ms = int(time.time() * 1000)
    cid = "@" * 32
    key = "privacy:consent:" + cid
    fields = record_fields(now_ms, cid)
    payload = (resp("MULTI")
               + resp("XADD", "privacy:log", "MINID", "~",
                      str(now_ms - RETENTION_MS), "*", *fields)
               + resp("HSET", key, *fields)
               + resp("PEXPIRE", key, str(RETENTION_MS))
               + resp("EXEC"))
    path = os.path.join(WORK, "redis-tx.resp")
    with open(path, "wb") as f:
        f.write(payload)
    return path


def build_redis_tx():
    src = os.path.join(BENCH, "redis_tx.c")
    exe = os.path.join(WORK, "redis_tx")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(
            src):
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-std=c99",
                        "-Wall", "-Wextra", "-o", exe, src], check=True)
    return exe


HTML_CORE_MODES = ("floor", "start", "end", "rewrite")
HTML_CORE_RUNS = 20


def html_core(ctx):
    """The HTML pass alone (bench/html_core.c on the trackers page):
    instructions per page of each mode, callgrind's count of N runs minus
    that of none, over N."""
    core = os.path.join(TOP, "ngx_privacy_module")
    exe = os.path.join(WORK, "html_core")
    page = os.path.join(WORK, "html_core.html")
    with open(page, "wb") as f:
        f.write(ctx.trackers)
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-g", "-std=c99",
                    "-Wall", "-Wextra", "-I" + core, "-o", exe,
                    os.path.join(BENCH, "html_core.c")]
                   + [os.path.join(core, "privacy_%s.c" % m)
                      for m in ("banner", "script", "form")], check=True)
    out = {"page_bytes": len(ctx.trackers),
           "lt": ctx.trackers.count(b"<"), "runs": HTML_CORE_RUNS}
    for mode in HTML_CORE_MODES:
        counts = []
        for n in (0, HTML_CORE_RUNS):
            cg = os.path.join(WORK, "callgrind", "html_core-%s-%d.out"
                              % (mode, n))
            subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + cg, exe, page, mode,
                            str(n)], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            counts.append(measure.callgrind_total(cg))
        out[mode] = (counts[1] - counts[0]) // HTML_CORE_RUNS
        log("html_core %-8s %9d instructions/page" % (mode, out[mode]))
    return out


# --- phases -------------------------------------------------------------------

def log(msg):
    print("bench: " + msg, flush=True)


def start_checked(ctx, v):
    v.server = v.nginx(ctx).start()
    st, hd, body = measure.Client(v.port).request(v.method, v.path,
                                                  v.headers, v.body)
    try:
        v.check(ctx, st, hd, body)
    except AssertionError as e:
        raise RuntimeError("%s does not do what its row says: %s"
                           % (v.name, e))


def extract_banner(ctx, v):
    """The bytes the module inserts at body_end: the peers insert these."""
    st, hd, body = measure.Client(v.port).request("GET", "/")
    cut = body_close(ctx.page)
    tail = ctx.page[cut:]
    assert body.endswith(tail) and body.startswith(ctx.page[:cut])
    return body[cut:len(body) - len(tail)]


def wrk_once(v, seconds, redis, redis_cmd, redis_n):
    """One run; with the CPU time the server process used per request:
    the nginx worker, or redis-server for the redis-benchmark row (and
    Redis' share of a consent POST)."""
    pid = redis.proc.pid if v.server is None else v.server.worker_pid()
    cpu0, rcpu0 = measure.cpu_ticks(pid), measure.cpu_ticks(redis.proc.pid)
    if v.name == "redis":
        res = measure.run_redis_benchmark(REDIS_PORT, v.connections,
                                          redis_n[v.name], redis_cmd[0])
    elif v.name == "redis_tx":
        res = measure.run_redis_tx(redis_cmd[1], REDIS_PORT, v.connections,
                                   redis_n[v.name], redis_cmd[2])
    else:
        res = measure.run_wrk(v.port, v.path, v.connections, seconds,
                              v.method, v.headers, v.body,
                              script="fresh.lua" if v.fresh
                              else "request.lua")
    res["cpu_us"] = measure.ticks_us(measure.cpu_ticks(pid) - cpu0) \
        / res["requests"]
    if v.group == "consent":
        res["redis_cpu_us"] = measure.ticks_us(
            measure.cpu_ticks(redis.proc.pid) - rcpu0) / res["requests"]
        redis.cli("FLUSHALL")         # keeps Redis' memory bounded
    if res["problems"]:
        raise RuntimeError("%s: %s" % (v.name, "; ".join(res["problems"])))
    return res


def throughput(vs, prof, redis):
    # the two Redis references run a number of transactions, not a time:
    # N is set from the previous run's rate
    redis_cmd = (redis_args(redis), build_redis_tx(), redis_tx_payload())
    redis_n = {"redis": 20000, "redis_tx": 20000}
    log("warm-up")
    for v in vs:
        res = wrk_once(v, prof["warmup"], redis, redis_cmd, redis_n)
        if v.name in redis_n:
            redis_n[v.name] = max(10000, int(res["rps"] * prof["seconds"]))
    runs = {v.name: [] for v in vs}
    for rnd in range(1, prof["rounds"] + 1):
        for v in vs:
            res = wrk_once(v, prof["seconds"], redis, redis_cmd, redis_n)
            if v.name in redis_n:
                redis_n[v.name] = max(10000,
                                      int(res["rps"] * prof["seconds"]))
            runs[v.name].append(res)
            log("round %d/%d %-16s %9.0f req/s  p99 %6.2f ms  %5.1f us CPU"
                % (rnd, prof["rounds"], v.name, res["rps"], res["p99_ms"],
                   res["cpu_us"]))
    return runs


def instructions(ctx, vs, prof):
    """Instructions per request, and function profiles, from callgrind."""
    out_dir = os.path.join(WORK, "callgrind")
    os.makedirs(out_dir, exist_ok=True)
    n = prof["callgrind"]
    res = {}
    for v in vs:
        if v.conf is None:
            continue
        server = v.nginx(ctx, name="cg-" + v.name)

        def load(count, v=v):
            c = measure.Client(v.port)
            for i in range(count):
                headers = v.headers
                if v.fresh:
                    headers = dict(headers, Cookie=fresh_cookies(i))
                st, _, _ = c.request(v.method, v.path, headers, v.body)
                if st != 200:
                    raise RuntimeError("%s: status %d under callgrind"
                                       % (v.name, st))
            c.close()

        t0 = time.time()
        idle_out = os.path.join(out_dir, v.name + ".idle.out")
        load_out = os.path.join(out_dir, v.name + ".out")
        idle = measure.callgrind_run(server, idle_out)
        loaded = measure.callgrind_run(server, load_out, load, n)
        res[v.name] = {
            "idle": idle, "loaded": loaded, "requests": n,
            "per_request": (loaded - idle) / n,
            "self": measure.per_request_profile(
                measure.annotate(load_out), measure.annotate(idle_out), n),
            "inclusive": measure.per_request_profile(
                measure.annotate(load_out, True),
                measure.annotate(idle_out, True), n),
        }
        log("callgrind %-16s %9.0f instructions/request (%.0fs)"
            % (v.name, res[v.name]["per_request"], time.time() - t0))
    return res, dict(measure.OBJECTS)


def memory(ctx, prof, redis):
    """A worker's RSS over a long mixed run, and request pool sizes."""
    mixed = Variant("mixed", "", "memory", MIXED_PORT, "mixed.conf")
    server = mixed.nginx(ctx).start()
    pid = server.worker_pid()
    env = {"BENCH_CONSENT": ctx.consent_cookie,
           "BENCH_TRACKERS": EIGHT_COOKIES,
           "BENCH_ORIGIN": "http://127.0.0.1:%d" % MIXED_PORT}

    def run(limit):
        e = dict(env, BENCH_LIMIT=str(limit))
        return measure.run_wrk(MIXED_PORT, "/", PAGE_CONNECTIONS, 3600,
                               script="mixed.lua", env_extra=e)

    start_rss = measure.rss_kb(pid)
    res = {"start_kb": start_rss}
    run(prof["memory_warmup"])
    redis.cli("FLUSHALL")
    res["warm_kb"] = measure.rss_kb(pid)
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.wait(1.0):
            samples.append(measure.rss_kb(pid))
    th = threading.Thread(target=sample)
    th.start()
    t0 = time.time()
    try:
        out = run(prof["memory"])
    finally:
        stop.set()
        th.join()
    redis.cli("FLUSHALL")
    res.update({
        "requests": out["requests"], "seconds": time.time() - t0,
        "rps": out["rps"], "problems": out["problems"],
        "end_kb": measure.rss_kb(pid),
        "max_kb": max(samples + [res["warm_kb"], measure.rss_kb(pid)]),
        "mid_kb": samples[len(samples) // 2] if samples else None,
        "warmup_requests": prof["memory_warmup"],
    })
    server.stop()
    log("memory: worker RSS %d kB after warm-up, %d kB after %d requests"
        % (res["warm_kb"], res["end_kb"], res["requests"]))

    # request pools: the same requests to plain nginx and to a consented
    # visitor, with the debug log (Debian's nginx is built --with-debug)
    pools = {}
    for (name, v), port in zip([("plain", VARIANTS["plain"]),
                                ("consented", VARIANTS["consented"])],
                               POOL_PORTS):
        srv = v.nginx(ctx, name="pool-" + name, port=port, log_level="debug")
        srv.start()
        c = measure.Client(port)
        for _ in range(3):
            c.request(v.method, v.path, v.headers, v.body)
        c.close()
        # the connection pool after 1 and after 20 keep-alive requests
        # (the same size: nothing per request lands in it)
        for k in (1, 20):
            c = measure.Client(port)
            for _ in range(k):
                c.request(v.method, v.path, v.headers, v.body)
            c.close()
            time.sleep(0.2)
        srv.stop()
        logf = os.path.join(srv.prefix, "error.log")
        req = measure.pool_usage(logf, "http close request")
        conn = measure.pool_usage(logf, "close http connection")
        pools[name] = {"request": req[-1], "requests_seen": len(req),
                       "connection": conn[-2:]}
    res["pools"] = pools
    log("pools: request pool %d B (plain), %d B (consented)"
        % (pools["plain"]["request"]["used"] + pools["plain"]["request"]["large"],
           pools["consented"]["request"]["used"]
           + pools["consented"]["request"]["large"]))
    return res


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    nginx_v = subprocess.run(["/usr/sbin/nginx", "-v"], capture_output=True,
                             text=True).stderr.strip()
    redis_v = subprocess.run(["redis-server", "--version"],
                             capture_output=True, text=True).stdout.strip()
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True,
                           text=True).stdout.splitlines()[0:1]
    vg = subprocess.run(["valgrind", "--version"], capture_output=True,
                        text=True).stdout.strip()
    rev = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", TOP, "status", "--porcelain",
                            "ngx_privacy_module"], capture_output=True,
                           text=True).stdout.strip()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {"cpu": cpu, "cores": os.cpu_count(), "nginx": nginx_v,
            "redis": redis_v, "wrk": wrk_v[0] if wrk_v else "wrk",
            "valgrind": vg, "commit": rev + (" + uncommitted module changes"
                                             if dirty else ""),
            "loadavg_start": " ".join(load)}


VARIANTS = {}


def backend_server(ctx):
    """The application behind the proxied rows (bench/conf/backend.conf)."""
    return Nginx(WORK, "backend", BACKEND_PORT,
                 render(conf_file("backend.conf"),
                        {"port": BACKEND_PORT, "docroot": ctx.docroot}))


def callgrind_only(ctx, vs, prof, names):
    """Instructions/request of NAMES and their baselines, nothing else."""
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        sys.exit("bench: no variant %s (there are: %s)"
                 % (", ".join(unknown), ", ".join(VARIANTS)))
    if set(names) & {"sub_filter", "lua_body"}:
        sys.exit("bench: the peers need the banner of a running variant;"
                 " run the whole bench for them")
    want = set(names)
    want.update(VARIANTS[n].baseline for n in names)
    redis = Redis(WORK, REDIS_PORT)
    backend = backend_server(ctx)
    try:
        redis.start()
        backend.start()
        picked = [v for v in vs if v.name in want and v.conf]
        res, _ = instructions(ctx, picked, prof)
    finally:
        servers.stop_all()
    for v in picked:
        base = res.get(v.baseline)
        extra = ""
        if base and v.baseline != v.name:
            extra = "  %.3fx, %+.0f over %s" % (
                res[v.name]["per_request"] / base["per_request"],
                res[v.name]["per_request"] - base["per_request"], v.baseline)
        print("%-16s %9.0f%s" % (v.name, res[v.name]["per_request"], extra))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="fewer rounds, shorter runs (under five minutes)")
    ap.add_argument("--only-report", action="store_true",
                    help="rewrite docs/performance.md from results.json")
    ap.add_argument("--callgrind-only", metavar="NAMES",
                    help="comma-separated variants (with their baselines):"
                         " instructions/request only, for profiling work;"
                         " writes nothing to docs/")
    ap.add_argument("--html-core", action="store_true",
                    help="the HTML pass alone (bench/html_core.c):"
                         " instructions per page only")
    ap.add_argument("--lines", action="store_true",
                    help="with --callgrind-only: keep instruction addresses"
                         " in the profiles (build/bench/callgrind/), for"
                         " bench/instructions.py")
    args = ap.parse_args()

    results_file = os.path.join(WORK, "results.json")
    if args.only_report:
        with open(results_file) as f:
            report.write(DOC, json.load(f))
        log("wrote " + DOC)
        return

    for tool in ("wrk", "valgrind", "callgrind_annotate", "redis-server",
                 "redis-benchmark", "redis-cli"):
        if shutil.which(tool) is None:
            sys.exit("bench: %s is not installed (tools/deps.sh bench)"
                     % tool)
    for f in (MODULE, MINT):
        if not os.path.exists(f):
            sys.exit("bench: %s is missing (make build unit)" % f)
    for f in servers.LUA_MODULES:
        if not os.path.exists(f):
            sys.exit("bench: %s is missing (tools/deps.sh bench)" % f)

    prof = PROFILES["quick" if args.quick else "full"]
    t_start = time.time()
    results = {"profile": "quick" if args.quick else "full",
               "settings": prof, "machine": machine(),
               "date": datetime.datetime.now().astimezone()
                       .strftime("%Y-%m-%d %H:%M %Z"),
               "page_connections": PAGE_CONNECTIONS,
               "consent_connections": CONSENT_CONNECTIONS}

    # the runs of a bench before; not modules/, where make deps-bench
    # unpacked Debian's Lua module (tools/deps.sh)
    for d in os.listdir(WORK) if os.path.isdir(WORK) else []:
        p = os.path.join(WORK, d)
        if os.path.isdir(p) and d != "modules":
            shutil.rmtree(p)
    os.makedirs(WORK, exist_ok=True)

    ctx = Context()
    ctx.prepare()
    vs = variants(ctx)
    VARIANTS.update((v.name, v) for v in vs)
    if args.html_core:
        os.makedirs(os.path.join(WORK, "callgrind"), exist_ok=True)
        html_core(ctx)
        return
    if args.callgrind_only:
        if args.lines:
            measure.CALLGRIND_LINES = "yes"
        callgrind_only(ctx, vs, prof, args.callgrind_only.split(","))
        return
    results["page_bytes"] = len(ctx.page)

    redis = Redis(WORK, REDIS_PORT)
    backend = backend_server(ctx)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit("bench: terminated"))
    try:
        redis.start()
        backend.start()
        log("starting and checking %d nginx variants" % (len(vs) - 1))
        for v in vs:
            if v.name in ("sub_filter", "lua_body"):
                if ctx.snippet is None:
                    ctx.set_snippet(extract_banner(ctx,
                                                   VARIANTS["undecided_end"]))
                    results["banner_bytes"] = len(ctx.snippet)
            if v.conf:
                start_checked(ctx, v)
        redis.cli("FLUSHALL")

        results["throughput"] = throughput(vs, prof, redis)
        for v in vs:
            if v.server:
                v.server.stop()

        results["callgrind"], results["objects"] = instructions(ctx, vs,
                                                                prof)
        results["memory"] = memory(ctx, prof, redis)
        results["html_core"] = html_core(ctx)
    finally:
        servers.stop_all()

    results["machine"]["loadavg_end"] = " ".join(
        open("/proc/loadavg").read().split()[:3])
    results["elapsed_s"] = time.time() - t_start
    results["variants"] = [{"name": v.name, "label": v.label,
                            "group": v.group, "module": v.module,
                            "connections": v.connections,
                            "baseline": v.baseline} for v in vs]
    with open(results_file, "w") as f:
        json.dump(results, f, indent=1)
    report.write(DOC, results)
    log("wrote %s and %s in %.0fs" % (DOC, results_file,
                                       results["elapsed_s"]))


if __name__ == "__main__":
    main()
