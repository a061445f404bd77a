"""Starting and stopping what the benchmark measures: nginx instances
rendered from bench/conf/, and a private Redis.

Every process is started here as a child of the driver and stopped by its
own pid; nothing is looked up by name.
"""

import os
import re
import signal
import socket
import subprocess
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(BENCH)
CONF = os.path.join(BENCH, "conf")

NGINX = "/usr/sbin/nginx"
MODULE = os.path.join(TOP, "build", "debian", "ngx_http_privacy_module.so")
# Debian's Lua module and the NDK it needs, unpacked by tools/deps.sh bench
# (make bench) rather than installed, so that the system's nginx does not
# load them
LUA_DIR = os.path.join(TOP, "build", "bench", "modules", "usr", "lib",
                       "nginx", "modules")
LUA_MODULES = [os.path.join(LUA_DIR, "ndk_http_module.so"),
               os.path.join(LUA_DIR, "ngx_http_lua_module.so")]

# what this process started and has not stopped yet, for stop_all()
running = []

_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")


def render(template, params):
    """${name} placeholders replaced; nginx's own $variables left alone.
    A placeholder without a value is an error, not an empty string."""
    def sub(m):
        if m.group(1) not in params:
            raise KeyError("no value for ${%s}" % m.group(1))
        return str(params[m.group(1)])
    return _PLACEHOLDER.sub(sub, template)


def conf_file(name):
    with open(os.path.join(CONF, name)) as f:
        return f.read()


def port_free(port):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        return True
    finally:
        s.close()
    return False


def wait_port(port, proc, timeout=30.0, what="server"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with status %s" % (what,
                                                            proc.returncode))
        if not port_free(port):
            return
        time.sleep(0.02)
    raise RuntimeError("%s did not listen on %d in %.0fs" % (what, port,
                                                            timeout))


class Nginx:
    """One nginx instance: its prefix under build/bench/<name>/, its
    configuration rendered from bench/conf/nginx.conf.in and the variant's
    server file(s).  mode "workers": master and one worker (wrk runs);
    mode "single": master_process off, for valgrind."""

    def __init__(self, workdir, name, port, body, lua=False,
                 log_level="warn"):
        self.name = name
        self.port = port
        self.prefix = os.path.join(workdir, name)
        self.body = body
        self.lua = lua
        self.log_level = log_level
        self.proc = None
        self.conf = None

    def write_conf(self, single=False):
        for d in ("tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi",
                  "tmp/scgi"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        modules = ["load_module %s;" % MODULE]
        if self.lua:
            modules += ["load_module %s;" % m for m in LUA_MODULES]
        text = render(conf_file("nginx.conf.in"), {
            "name": self.name,
            "mode_comment": ("master_process off, for valgrind" if single
                             else "a master and its worker"),
            "load_modules": "\n".join(modules),
            "master_process": "off" if single else "on",
            "prefix": self.prefix,
            "log_level": self.log_level,
            "body": self.body,
        })
        self.conf = os.path.join(self.prefix,
                                 "nginx-single.conf" if single
                                 else "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(text)
        return self.conf

    def command(self, single=False):
        return [NGINX, "-p", self.prefix + "/", "-c", self.write_conf(single),
                "-e", os.path.join(self.prefix, "error.log")]

    def start(self):
        if not port_free(self.port):
            raise RuntimeError("port %d is already in use (a bench left "
                               "running?)" % self.port)
        cmd = self.command()
        test = subprocess.run(cmd + ["-t", "-q"], capture_output=True,
                              text=True)
        if test.returncode != 0:
            raise RuntimeError("nginx -t failed for %s:\n%s" % (self.name,
                                                                test.stderr))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(
                                         self.prefix, "stderr.log"), "w"))
        running.append(self)
        try:
            wait_port(self.port, self.proc, what="nginx " + self.name)
        except RuntimeError as e:
            raise RuntimeError("%s\n%s" % (e, self.error_log_tail()))
        return self

    def worker_pid(self):
        """The worker: the master's only child."""
        path = "/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)
        for _ in range(200):
            with open(path) as f:
                pids = f.read().split()
            if pids:
                return int(pids[0])
            time.sleep(0.01)
        raise RuntimeError("no worker for nginx %s" % self.name)

    def error_log_tail(self, n=15):
        try:
            with open(os.path.join(self.prefix, "error.log")) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self):
        if self in running:
            running.remove(self)
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Redis:
    """redis-server on a private port, nothing saved to disk."""

    def __init__(self, workdir, port):
        self.port = port
        self.dir = os.path.join(workdir, "redis")
        self.proc = None

    def start(self):
        if not port_free(self.port):
            raise RuntimeError("port %d is already in use" % self.port)
        os.makedirs(self.dir, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir,
             "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        running.append(self)
        wait_port(self.port, self.proc, what="redis-server")
        for _ in range(100):
            if self.cli("PING") == "PONG":
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server does not answer PING")

    def cli(self, *args):
        out = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args),
                             capture_output=True, text=True)
        return out.stdout.strip()

    def stop(self):
        if self in running:
            running.remove(self)
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def stop_all():
    for s in reversed(list(running)):
        s.stop()
