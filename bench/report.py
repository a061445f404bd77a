"""docs/performance.md from the results of bench/bench.py."""

import json
import os
import statistics

import apache

MODULE_OBJ = "ngx_http_privacy_module.so"

TITLES = {
    "page": "Static page (%s bytes of HTML from disk)",
    "proxy": "Proxied page (a JSON answer with four Set-Cookie; the request "
             "carries eight cookies)",
    "html": "Proxied HTML page (the same page from the application: in "
            "memory buffers, scanned on every request)",
    "consent": "Consent decisions recorded in Redis",
}


def _fmt_int(x):
    return "{:,.0f}".format(x)


def _med(values):
    return statistics.median(values)


def _rows(results):
    """Per variant: medians, min, max, ratios."""
    tp = results["throughput"]
    cg = results["callgrind"]
    out = {}
    for v in results["variants"]:
        runs = tp[v["name"]]
        rps = [r["rps"] for r in runs]
        p99 = [r["p99_ms"] for r in runs]
        cpu = [r["cpu_us"] for r in runs]
        row = dict(v, rps=_med(rps), rps_min=min(rps), rps_max=max(rps),
                   p99=_med(p99), p99_min=min(p99), p99_max=max(p99),
                   cpu=_med(cpu), cpu_min=min(cpu), cpu_max=max(cpu),
                   instr=cg.get(v["name"], {}).get("per_request"))
        if "redis_cpu_us" in runs[0]:
            row["redis_cpu"] = _med([r["redis_cpu_us"] for r in runs])
        out[v["name"]] = row
    for row in out.values():
        base = out[row["baseline"]]
        # each round runs a variant next to its baseline: the ratio is the
        # median of the per-round ratios, which cancels slow drifts of the
        # machine's load; min and max show the spread
        per_round = [a["rps"] / b["rps"] for a, b in
                     zip(tp[row["name"]], tp[row["baseline"]])]
        row["rps_ratio"] = _med(per_round)
        row["ratio_min"], row["ratio_max"] = min(per_round), max(per_round)
        cpu_round = [a["cpu_us"] / b["cpu_us"] for a, b in
                     zip(tp[row["name"]], tp[row["baseline"]])
                     if a["cpu_us"] and b["cpu_us"]]
        row["cpu_ratio"] = _med(cpu_round) if cpu_round else None
        if row["instr"] is not None and base["instr"]:
            row["instr_ratio"] = row["instr"] / base["instr"]
            row["instr_delta"] = row["instr"] - base["instr"]
        else:
            row["instr_ratio"] = row["instr_delta"] = None
    return out


def _table(rows, group, results):
    lines = [
        "| Variant | req/s median [min - max] | ratio, median of rounds "
        "[min - max] | p99 ms median [min - max] | server CPU us/request "
        "| CPU ratio | instructions/request | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows.values():
        if row["group"] != group:
            continue
        base = row["name"] == row["baseline"]
        instr = "-" if row["instr"] is None else _fmt_int(row["instr"])
        if row["instr_ratio"] is None:
            iratio = "-"
        elif base:
            iratio = "1.00"
        else:
            iratio = "%.2f (%+d)" % (row["instr_ratio"], row["instr_delta"])
        lines.append(
            "| %s (c=%d) | %s [%s - %s] | %s | %.2f [%.2f - %.2f] | "
            "%.1f [%.1f - %.1f] | %s | %s | %s |" % (
                row["label"], row["connections"],
                _fmt_int(row["rps"]), _fmt_int(row["rps_min"]),
                _fmt_int(row["rps_max"]),
                "1.00" if base else "%.2f [%.2f - %.2f]" % (
                    row["rps_ratio"], row["ratio_min"], row["ratio_max"]),
                row["p99"], row["p99_min"], row["p99_max"],
                row["cpu"], row["cpu_min"], row["cpu_max"],
                "1.00" if base else ("-" if row["name"] == "consent"
                                     else "%.2f" % row["cpu_ratio"]),
                instr, iratio))
    return "\n".join(lines)


def _targets(rows, results):
    """One row per criterion: what, the limit, the figure, the verdict."""
    t = []

    def add(what, limit, figure, ok, note=""):
        t.append((what, limit, figure + (" (%s)" % note if note else ""),
                  "holds" if ok else "**does not hold**"))

    r = rows["consented"]
    what = "Consented visitor, static page"
    add(what, "instructions <= 1.15x plain", "%.3fx" % r["instr_ratio"],
        r["instr_ratio"] <= 1.15, "%+d over plain with the same Cookie"
        % r["instr_delta"])
    add(what, "throughput >= 0.97x", "%.3fx" % r["rps_ratio"],
        r["rps_ratio"] >= 0.97, "worker CPU/request %.2fx" % r["cpu_ratio"])
    r = rows.get("consented_cm")
    if r:
        what = "Consented visitor, static page, privacy_consent_mode"
        add(what, "instructions <= 1.3x plain", "%.3fx" % r["instr_ratio"],
            r["instr_ratio"] <= 1.3, "%+d over plain with the same Cookie; "
            "%+d over the row without it" % (
                r["instr_delta"],
                r["instr"] - rows["consented"]["instr"]))
    for name in ("undecided_start", "undecided_end"):
        r = rows[name]
        what = "Undecided visitor, banner at body_" + name.split("_")[1]
        add(what, "instructions <= 1.6x plain", "%.2fx" % r["instr_ratio"],
            r["instr_ratio"] <= 1.6, "sub_filter %.2fx, Lua %.2fx" % (
                rows["sub_filter"]["instr_ratio"],
                rows["lua_body"]["instr_ratio"]))
        add(what, "throughput >= 0.8x", "%.2fx" % r["rps_ratio"],
            r["rps_ratio"] >= 0.8, "CPU %.2fx; sub_filter %.2fx, Lua %.2fx"
            % (r["cpu_ratio"], rows["sub_filter"]["rps_ratio"],
               rows["lua_body"]["rps_ratio"]))
    r = rows["proxy_privacy"]
    what = "Proxied page, trackers blocked both ways"
    keep = rows.get("proxy_privacy_keep")
    fresh = rows.get("proxy_privacy_fresh")
    add(what, "<= +4,500 instructions over the plain proxy, the same "
        "visitor again", "%+d" % r["instr_delta"], r["instr_delta"] <= 4500,
        ("%+d without expiring the four trackers the browser sent, "
         "as the Lua row; " % keep["instr_delta"] if keep else "")
        + "Lua %+d" % rows["proxy_lua"]["instr_delta"])
    if fresh:
        add(what, "<= +4,500 instructions over the plain proxy, a new "
            "visitor each request", "%+d" % fresh["instr_delta"],
            fresh["instr_delta"] <= 4500)
    add(what, "throughput >= 0.97x", "%.3fx" % r["rps_ratio"],
        r["rps_ratio"] >= 0.97, "CPU %.2fx; Lua %.2fx" % (
            r["cpu_ratio"], rows["proxy_lua"]["rps_ratio"]))
    r = rows.get("html_trackers")
    dyn = rows.get("html_trackers_dyn")
    if r:
        what = "Undecided visitor, proxied page with six tracker tags"
        add(what, "instructions <= 2.0x the plain proxy, banner and "
            "rewriting together", "%.2fx" % r["instr_ratio"],
            r["instr_ratio"] <= 2.0, "%+d; the page as a worker has seen "
            "it before%s" % (r["instr_delta"],
                             "; a page new on every request: %.2fx"
                             % dyn["instr_ratio"] if dyn else ""))
    r = rows.get("html_trackers_all")
    off = rows.get("html_trackers_all_off")
    if r and off:
        what = ("A visitor who granted everything, proxied page with six "
                "tracker tags")
        add(what, "instructions as the page untouched (within 2%)",
            "%.3fx" % (float(r["instr"]) / off["instr"]),
            r["instr"] <= off["instr"] * 1.02,
            "%s with privacy_script_marked on, %s off" % (
                _fmt_int(r["instr"]), _fmt_int(off["instr"])))
    r = rows["consent"]
    what = "Consent POSTs, 64 clients"
    for k in ("redis", "redis_tx"):
        if k in rows:
            ref = rows[k]
            x = r["rps"] / ref["rps"]
            add(what, ">= 0.5x the rate of %s" % k, "%.2fx" % x, x >= 0.5,
                "%s vs %s decisions/s; Redis CPU per decision %.1f vs "
                "%.1f us" % (_fmt_int(r["rps"]), _fmt_int(ref["rps"]),
                             r.get("redis_cpu", 0), ref.get("redis_cpu", 0)))
    add(what, "p99 < 5 ms", "%.2f ms" % r["p99"], r["p99"] < 5,
        "redis-benchmark %.2f ms, redis_tx %.2f ms on the same machine"
        % (rows["redis"]["p99"], rows["redis_tx"]["p99"])
        if "redis_tx" in rows else "")
    m = results["memory"]
    growth = m["end_kb"] - m["warm_kb"]
    add("Memory", "a worker's RSS does not grow over %s mixed requests"
        % _fmt_int(m["requests"]), "%+d kB" % growth, growth <= 256,
        "%s kB after warm-up, %s kB at the end, highest %s kB; the limit "
        "256 kB is %.2f bytes per request" % (
            _fmt_int(m["warm_kb"]), _fmt_int(m["end_kb"]),
            _fmt_int(max(m["max_kb"], m["end_kb"])),
            256 * 1024.0 / m["requests"]))
    p = m["pools"]
    plain = p["plain"]["request"]
    cons = p["consented"]["request"]
    delta = (cons["used"] + cons["large"]) - (plain["used"] + plain["large"])
    add("Memory", "the module adds < 1 KB of pool to a consented request",
        "%+d bytes" % delta, delta < 1024, "%s bytes with the module, %s "
        "without" % (_fmt_int(cons["used"] + cons["large"]),
                     _fmt_int(plain["used"] + plain["large"])))
    lines = ["| Target | Limit | Measured | |", "|---|---|---|---|"]
    lines += ["| %s | %s | %s | %s |" % x for x in t]
    return "\n".join(lines)


def _html_core(rows, results):
    """The trackers page's HTML pass without nginx (bench/html_core.c),
    against the 2.0x target's budget."""
    c = results.get("html_core")
    r = rows.get("html_trackers")
    base = rows.get("html_trackers_proxy")
    dyn = rows.get("html_trackers_dyn")
    if not c or not r or not base:
        return ""
    budget = base["instr"]
    return """### The trackers page: the HTML pass alone

The limit of 2.0x leaves the module %(budget)s instructions over the plain
proxy for everything an undecided visitor costs on this page (%(bytes)s
bytes, %(lt)s '<'). `bench/bench.py --html-core` runs the core's HTML pass
without nginx (bench/html_core.c, the page in 4,096-byte buffers, %(runs)d
runs under callgrind), per page:

| What | Instructions | Of the budget |
|---|---|---|
| finding every '<' 16 bytes at a time and reading the byte after it, nothing else (a scale: no state kept, no tag told apart) | %(floor)s | %(pfloor).0f%% |
| the banner's matcher up to the `<body>` tag (body_start) | %(start)s | %(pstart).0f%% |
| the script rewriter, the whole page | %(rewrite)s | %(prewrite).0f%% |
| the banner's matcher over the whole page (body_end, for comparison) | %(end)s | %(pend).0f%% |
| the module in nginx, the row above (%(ratio).2fx) | %(delta)s | %(pdelta).0f%% |

In nginx both passes are paid on a page's first request: later ones
compare the page with the head and the rewrite a worker remembered
(Caches: heads of pages, pages rewritten before) and are given the
banner's place and the rewrite without them, buffer by buffer as the
page's bytes are found the same. What the row costs over the plain proxy
is then the compare, the cookies and the consent token, the banner's
text and the buffers nginx links and writes. A page that differs on
every request (a nonce in its head, as a CSRF token makes it) is read by
both each time: %(dyn)s instructions a request, %(dynratio)s the plain
proxy.
""" % dict(budget=_fmt_int(budget), bytes=_fmt_int(c["page_bytes"]),
           lt=_fmt_int(c["lt"]), runs=c["runs"],
           floor=_fmt_int(c["floor"]), pfloor=100.0 * c["floor"] / budget,
           start=_fmt_int(c["start"]), pstart=100.0 * c["start"] / budget,
           rewrite=_fmt_int(c["rewrite"]),
           prewrite=100.0 * c["rewrite"] / budget,
           end=_fmt_int(c["end"]), pend=100.0 * c["end"] / budget,
           ratio=r["instr_ratio"], delta=_fmt_int(r["instr_delta"]),
           pdelta=100.0 * r["instr_delta"] / budget,
           dyn=_fmt_int(dyn["instr"]) if dyn else "(not measured)",
           dynratio="%.2fx" % dyn["instr_ratio"] if dyn else "")


def _caches():
    """The caches' figures, bench/caches.json: each measured on the row it
    serves with and without it (bench.py --callgrind-only and a patch that
    turns it off), and kept only where it saves 5% of the row."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "caches.json")
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        doc = json.load(f)
    lines = ["## Caches\n", doc["intro"] + "\n",
             "| Cache | Row it serves | instructions/request with it "
             "| without it | saved | |", "|---|---|---|---|---|---|"]
    notes = []
    for c in doc["caches"]:
        saved = c["without"] - c["with"]
        lines.append("| %s | %s | %s | %s | %s (%.1f%%) | %s |" % (
            c["name"], c["row"], _fmt_int(c["with"]),
            _fmt_int(c["without"]), "{:+,}".format(saved),
            100.0 * saved / c["without"],
            "**kept**" if c["kept"] else "gone"))
        notes.append("- **%s.** %s" % (c["name"], c["note"]))
    return "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"


def _obj(results, fn):
    if fn.startswith("0x"):
        return fn.split(" [", 1)[1].rstrip("]")
    return results.get("objects", {}).get(fn, "")


def _show(results, fn):
    obj = _obj(results, fn)
    if fn.startswith("0x"):
        return "`%s`" % fn
    if obj == MODULE_OBJ:
        return "`%s` (module)" % fn
    return "`%s` [%s]" % (fn, obj) if obj else "`%s`" % fn


def _profile(rows, results, name, top=14):
    cg = results["callgrind"]
    row = rows[name]
    prof = cg[name]["self"]
    base_name = row["baseline"] if row["baseline"] in cg else None
    base = cg[base_name]["self"] if base_name else {}
    own = sum(v for k, v in prof.items() if _obj(results, k) == MODULE_OBJ)
    lines = ["### %s" % row["label"], ""]
    if base_name:
        lines.append("%s instructions/request, %+d over `%s`; %s of them in "
                     "the module's own functions (self cost), the rest in "
                     "what they call (libcrypto, hiredis, PCRE2, libc) and "
                     "in nginx's extra work for the response."
                     % (_fmt_int(row["instr"]), row["instr_delta"],
                        base_name, _fmt_int(own)))
    else:
        lines.append("%s instructions/request in the nginx worker; %s of "
                     "them in the module's own functions (self cost)."
                     % (_fmt_int(row["instr"]), _fmt_int(own)))
    if base_name:
        lines += ["", "| Function [object] | self Ir/request | in `%s` "
                  "| extra |" % base_name, "|---|---|---|---|"]
    else:
        lines += ["", "| Function [object] | self Ir/request |",
                  "|---|---|"]
    keys = sorted(prof, key=lambda k: -(prof[k] - base.get(k, 0)))[:top]
    for k in keys:
        d = prof[k] - base.get(k, 0)
        if d < 20:
            break
        if base_name:
            lines.append("| %s | %s | %s | %+d |" % (
                _show(results, k), _fmt_int(prof[k]),
                _fmt_int(base.get(k, 0)), d))
        else:
            lines.append("| %s | %s |" % (_show(results, k),
                                          _fmt_int(prof[k])))
    inc = cg[name]["inclusive"]
    mod = sorted((k for k in inc if _obj(results, k) == MODULE_OBJ
                  and not k.startswith("0x") and inc[k] >= 100),
                 key=lambda k: -inc[k])[:10]
    if mod:
        lines += ["", "Inclusive instructions per request of the module's "
                  "costliest functions (a filter's inclusive cost includes "
                  "the filters after it): " + ", ".join(
                      "`%s` %s" % (k, _fmt_int(inc[k])) for k in mod) + "."]
    libs = [k for k in LIB_ENTRIES if inc.get(k, 0) >= 100]
    if libs:
        lines += ["", "Inclusive instructions per request of the library "
                  "functions the module calls: " + ", ".join("`%s` %s" % (k, _fmt_int(inc[k]))
                                        for k in libs) + "."]
    return "\n".join(lines)


# library entry points the module calls, shown with their inclusive cost
LIB_ENTRIES = ("HMAC", "EVP_Q_mac", "EVP_MAC_fetch", "EVP_MD_fetch", "SHA256",
               "RAND_bytes", "redisAsyncCommandArgv",
               "redisFormatSdsCommandArgv", "redisAsyncFormattedCommand",
               "redisReaderGetReply", "ngx_regex_exec", "pcre2_match_8")


def _kept_apache_section():
    """The Apache section as docs/performance.md has it, or None."""
    try:
        with open(apache.DOC) as f:
            text = f.read()
    except OSError:
        return None
    start = text.find(apache.MARK_START)
    end = text.find(apache.MARK_END, start + 1)
    if start < 0 or end < 0:
        return None
    return text[start:end + len(apache.MARK_END)] + "\n"


def write(path, results):
    rows = _rows(results)
    m = results["machine"]
    mem = results["memory"]
    s = results["settings"]
    cg_n = s["callgrind"]
    out = []
    out.append("""# Performance

Written by `make bench` (bench/bench.py) on %(date)s, %(profile)s run
(`make bench QUICK=1` is the quick one); do not edit by hand, run it again.
Raw figures: `build/bench/results.json`; profiles:
`build/bench/callgrind/*.out` (`callgrind_annotate` them).

Machine: %(cpu)s, %(cores)d cores, shared with other work during the run
(load average %(l0)s at the start, %(l1)s at the end): the requests/s are
noisy, the instruction counts are not. %(nginx)s (Debian's), the module
from commit %(commit)s, %(redis)s, %(wrk)s, %(valgrind)s.
""" % dict(results, cpu=m["cpu"], cores=m["cores"], l0=m["loadavg_start"],
           l1=m.get("loadavg_end", "?"), nginx=m["nginx"], commit=m["commit"],
           redis=m["redis"].split(" sha=")[0], wrk=m["wrk"].split(" [")[0],
           valgrind=m["valgrind"]))

    out.append("## Results\n")
    for group in ("page", "proxy", "html", "consent"):
        title = TITLES[group]
        if group == "page":
            title = title % _fmt_int(results["page_bytes"])
        out.append("### " + title + "\n")
        out.append(_table(rows, group, results) + "\n")
    out.append("""Ratios are to the first row of each table (for the consent POSTs: to
redis-benchmark), except that the consented visitor is compared with plain
nginx receiving the same Cookie header. A throughput ratio is the median of
the per-round ratios (each round runs a variant next to its baseline), in
brackets the lowest and the highest. Server CPU is the user + system time
the nginx worker (for redis-benchmark: redis-server) used during a run,
divided by its requests: less sensitive to other work on the machine than
requests/s (though not to cache and frequency effects); the CPU ratio is
again a median of per-round ratios, and 1 / CPU ratio estimates the
throughput ratio of a saturated worker.
""")

    # the Apache rows, measured apart (make bench-apache): from its
    # results here, or else kept as the document has them (a checkout
    # where make bench-apache never ran)
    if os.path.exists(apache.RESULTS):
        with open(apache.RESULTS) as f:
            out.append(apache.MARK_START + "\n"
                       + apache.section(json.load(f)) + apache.MARK_END
                       + "\n")
    else:
        kept = _kept_apache_section()
        if kept:
            out.append(kept)

    out.append("## Targets\n")
    out.append(_targets(rows, results) + "\n")

    core = _html_core(rows, results)
    if core:
        out.append(core)

    caches = _caches()
    if caches:
        out.append(caches)

    p = mem["pools"]
    out.append("""## Memory

**RSS.** The `mixed` server (bench/conf/mixed.conf: privacy on, the static
page, the proxied application, the consent endpoint, the tracking status
resource) runs bench/wrk/mixed.lua: a cycle of twelve requests (consented
and undecided page views, proxied requests with trackers, POSTs of
`accept_all` and `save`, `GET` of the decision, the banner stylesheet,
`/.well-known/dnt/` with `DNT: 1`), 16 connections, until wrk has
%(n)s answers (%(rps)s requests/s). The worker's VmRSS (/proc/PID/status):
%(start)s kB at start, %(warm)s kB after a warm-up of %(wn)s requests,
%(mid)s kB half way, %(end)s kB at the end (highest sample, once a second:
%(max)s kB).

**Pool memory of a consented visitor.** Debian's nginx is built
`--with-debug`, so with `error_log ... debug` `ngx_destroy_pool()` logs
every block of the request pool with its unused bytes, and every large
allocation; their sizes come from the `posix_memalign:`/`malloc:` lines
that created them (measure.pool_usage). Bytes taken from the request pool
(block size minus unused, pool headers included, plus large allocations),
for the same GET of the page on a keep-alive connection:

| | blocks | from blocks | large | total |
|---|---|---|---|---|
| privacy off | %(pb)s | %(pu)s | %(pl)s | %(pt)s |
| privacy on, consented | %(cb)s | %(cu)s | %(cl)s | %(ct)s |

The connection pool after 1 and after 20 keep-alive requests (a per-request
allocation in it would grow with the requests): privacy off %(pc)s bytes,
consented %(cc)s bytes.
""" % dict(
        n=_fmt_int(mem["requests"]), rps=_fmt_int(mem["rps"]),
        start=_fmt_int(mem["start_kb"]), warm=_fmt_int(mem["warm_kb"]),
        wn=_fmt_int(mem["warmup_requests"]),
        mid=_fmt_int(mem["mid_kb"] or 0), end=_fmt_int(mem["end_kb"]),
        max=_fmt_int(max(mem["max_kb"], mem["end_kb"])),
        pb=" + ".join(str(b) for b in p["plain"]["request"]["blocks"]),
        pu=p["plain"]["request"]["used"], pl=p["plain"]["request"]["large"],
        pt=p["plain"]["request"]["used"] + p["plain"]["request"]["large"],
        cb=" + ".join(str(b) for b in p["consented"]["request"]["blocks"]),
        cu=p["consented"]["request"]["used"],
        cl=p["consented"]["request"]["large"],
        ct=p["consented"]["request"]["used"]
        + p["consented"]["request"]["large"],
        pc=" / ".join(str(c["used"] + c["large"])
                      for c in p["plain"]["connection"]),
        cc=" / ".join(str(c["used"] + c["large"])
                      for c in p["consented"]["connection"])))

    out.append("## Where the module's instructions go\n")
    out.append("""Self instructions per request of each function (callgrind,
`callgrind_annotate --inclusive=no`, the idle run's counts subtracted,
divided by %d requests), for the module's variants against their baseline,
sorted by the difference. Functions shown as an address are static
functions of stripped objects (Debian's nginx and libcrypto).
""" % cg_n)
    for name in ("consented", "undecided_start", "undecided_end",
                 "proxy_privacy", "consent"):
        out.append(_profile(rows, results, name) + "\n")

    out.append("""## How the figures are made

- **Variants.** Each row is its own nginx (Debian's /usr/sbin/nginx) with
  one worker, on 127.0.0.1:19600-19641, configured from bench/conf/ (the
  generated files are in build/bench/NAME/nginx.conf), every one with the
  module loaded (privacy off where the row does not use it), `access_log
  off`, `sendfile on`, keep-alive. The page variants serve the same
  %(page)s-byte page (bench/page.py) from disk. The consented visitor sends
  a consent cookie minted by build/unit/privacy-mint with every category
  granted; the undecided visitor sends no cookie; the plain page is
  requested without a cookie. sub_filter and the Lua body filter
  (bench/lua/banner_body_filter.lua) insert the module's own banner
  (%(banner)s bytes, taken from the body_end response) before `</body>`.
  The proxied rows share one backend nginx (bench/conf/backend.conf: four
  Set-Cookie, two tracking, two essential; it echoes the Cookie header it
  got, which the bench checks) behind a keep-alive upstream; the request
  carries eight cookies, four of them tracking. The module blocks them
  both ways and also expires the four the browser sent
  (`privacy_expire_blocked on`, the default); the Lua variant
  (bench/lua/scrub_cookie.lua, filter_set_cookie.lua) only removes.
  Like a visitor's page views and their assets, each request of these
  rows sends the same Cookie header; the "new visitor each request" row
  (bench/wrk/fresh.lua, bench.py's fresh_cookies()) sends headers whose
  values change length from one request to the next, 343 of them in turn.
  The module keeps nothing of a Cookie header from one request to the
  next: every request parses its header and looks its names up, so the
  two rows differ by what nginx and malloc do with other bytes (see the
  caches below for what was kept before and why it went). In December
  2026 this row went from +5,368 (a new visitor: +5,361) to +4,644
  (+4,631) instructions over the plain proxy, measured the same way on
  the same machine (the plain proxy 28,440 both times), with no cache:
  the exact cookie names are in an open-addressed table of the core
  (privacy_names_find()) whose slots hold a name's first and last eight
  bytes, which key it and compare it whole with two word compares,
  instead of an ngx_hash_t and its byte loop; that lookup is inline
  where every cookie of a request is asked about; the tokenizer finds a
  pair's ';' and '=' in one 16-byte load; the expiring Set-Cookie
  headers are sized in one pass; and the token's search for the consent
  cookie compares a name's last byte before calling memcmp(). The plain
  proxy's own count moves by up to ~300 instructions from one run to
  the next (28,440 to 28,715 on the same build), more than some of these
  steps: compare runs made together.
  Before anything is measured, one request to each variant checks that it
  does what its row says.
- **The banner rows.** A static page is a file, which nginx reads into
  memory for the module as it does for `sub_filter`
  (`r->filter_need_in_memory`), with the location's `aio`, `directio` and
  `output_buffers`: here the 31 KB page in one 32 KB buffer that is also
  the file range `sendfile()` sends. The module splits that buffer where
  the banner goes, without a copy: the part before it goes from memory
  with the response header and the banner in one `writev()`, the rest by
  `sendfile()`. The header waits for that first buffer, so the response
  has a Content-Length that counts the banner and is not chunked.
  Until December 2026 the module read the file itself instead, behind
  nginx's back (so that `aio threads` and `directio` did not apply to
  it, and gzip, whose header filter runs only when the held header goes,
  got file buffers it cannot compress), and each worker remembered the
  insertion point of up to 512 files by device, inode, size and times,
  with up to 4 KB of their heads (2 MB per worker): a page it had seen
  was neither read nor scanned, 1.19x plain at body_start and 1.17x at
  body_end. That cache cannot stay now that the body comes from nginx,
  which reads the file on every request. Without any cache body_start
  cost 26,432 instructions (1.93x plain, over its 1.6x limit), 10,245 of
  them the scan of the page's 3.7 KB head. What stays is smaller and
  checks bytes, not files: each worker remembers the bytes of a page up
  to its body_start insertion point (64 slots by URI, at most 8 KB each,
  512 KB per worker; no invalidation, as only the same bytes use them),
  and a page that starts with those bytes has its banner there after a
  `memcmp()` of each buffer the head takes, since the same bytes give the
  same place: it saves about 9,700 instructions, 37%% of the row (8,400 of
  the proxied body_start row, 9,100 of the trackers row, whose 4.5 KB
  head takes two of the proxy's 4 KB buffers). body_end scans the whole page on every request, as
  `sub_filter` does (remembering a whole page to compare would be a
  cache the size of the pages): about 82,000 instructions for the 31 KB
  page, above its 1.6x limit. The proxied HTML rows serve the same page
  through `proxy_pass` from the backend, in memory buffers, scanned the
  same way.
- **Requests/s and p99.** `wrk -t1 -c16 -dTs --latency` (c=64 for the
  consent POSTs) with bench/wrk/request.lua setting method, headers and
  body; %(rounds)d rounds of %(secs)d s after a warm-up, the variants
  interleaved within each round, so that load from other work on the
  machine spreads over all of them; the table gives the median and the
  range. The machine has %(cores)d cores for wrk, nginx and (proxied rows)
  the backend or (consent rows) Redis, so these are relative figures.
  Any non-2xx answer or socket error fails the run.
- **The Redis references.** The module records a decision as MULTI, XADD
  privacy:log MINID ~ ... * (12 fields), HSET privacy:consent:ID (the same
  12 fields), PEXPIRE, EXEC, written at once: one round trip per decision,
  on the worker's one Redis connection. redis-benchmark sends one command
  per request and cannot send that transaction, so there are two
  references, both with 64 connections and one decision in flight on
  each: `redis-benchmark -c 64 -n N -r 100000000 EVALSHA <script> ...`,
  a script doing the same XADD, HSET and PEXPIRE with fields of the same
  sizes (bench/bench.py, RECORD_SCRIPT: the same writes, atomic, one round
  trip, a fresh key per call; a script costs Redis more CPU than the
  transaction, see the Redis CPU figures), and bench/redis_tx.c, a small
  C client sending the module's exact transaction bytes with a fresh id
  each time (build/bench/redis-tx.resp). N is set so that a run lasts
  about as long as a wrk run. The target is checked against both. Redis
  is flushed after every consent run. "Server CPU" of these rows is
  redis-server's; the Redis CPU per decision is given in the targets.
- **Instructions/request.** `valgrind --tool=callgrind` on the same nginx
  configuration with `master_process off` (bench/measure.py,
  callgrind_run): start, wait until nginx sits in epoll_wait
  (/proc/PID/syscall), send N=%(n)d requests one after the other on one
  keep-alive connection from a Python client, wait for epoll_wait again,
  SIGQUIT. The same without requests is the idle run (start-up, Redis
  connection, shutdown). (loaded - idle) / N is the figure. Valgrind
  counts the instructions of the nginx process only, user space only:
  the kernel's work (sendfile against read and write, loopback TCP) is not
  in it, nor the backend's or Redis' work; the counts do not change from
  run to run beyond a few instructions per request. Instructions are not
  time: a cache miss or a system call costs more than an instruction.
  One distortion to know: valgrind's virtual CPU has no SHA extensions, so
  under callgrind OpenSSL hashes with its generic SHA-256 code, about 2,000
  instructions per 64-byte block, where this CPU (`sha_ni`) runs a few
  hundred natively. The consent cookie's HMAC (five blocks) and the
  consent endpoint's SHA-256 of the banner count several times what they
  cost in production; the function tables show them as the unnamed
  `libcrypto.so.3` function that `SHA256_Update` calls.
- **Memory.** See above: RSS from /proc, pool bytes from the debug log.
""" % dict(page=_fmt_int(results["page_bytes"]),
           banner=results.get("banner_bytes", "?"),
           rounds=s["rounds"], secs=s["seconds"], cores=m["cores"], n=cg_n))
    out.append("The whole run took %.0f minutes.\n"
               % (results["elapsed_s"] / 60))
    with open(path, "w") as f:
        f.write("\n".join(out))
