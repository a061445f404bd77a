# ngx_privacy_module
#
#   make            build ngx_http_privacy_module.so for Debian 12's nginx
#   make demo       nginx with the module and Redis on 127.0.0.1:8080
#   make test       unit tests and the Test::Nginx suites (Debian's nginx)
#   make test-compat   the same suites against nginx 1.26.3 and hiredis 1.x
#   make test-upstream TEST_NGINX_UPSTREAM_LIB=DIR
#                   the suites on the upstream Test::Nginx in DIR
#   make deb        the Debian package, in build/deb
#   make install    install the module from source, the Debian way
#   make deps       install what make test and make demo need
#   make apache     mod_privacy.so for Apache httpd 2.4 (apxs), same core
#   make test-apache   its Apache::Test suites (apache/t)
#   make demo-apache   the demo through Apache on 127.0.0.1:8090
#   make bench-apache  Apache rows of docs/performance.md
#
# Each target that runs something installs what it needs first, from
# Debian's packages (tools/deps.sh GROUP, the table in README.md); plain
# make installs nothing and says what is missing.

SHELL      := /bin/bash
TOP        := $(CURDIR)
BUILD      := $(TOP)/build
NGINX_DEV  := /usr/share/nginx/src
MODULE     := $(BUILD)/debian/ngx_http_privacy_module.so
NGINX      := /usr/sbin/nginx
PROVE_ARGS ?=
# where the hiredis headers are looked for before a build
HIREDIS_INCLUDE ?= /usr/include

# Debian's nginx is built --with-compat, which makes a dynamic module built
# from its nginx-dev tree with the same configure flags binary compatible.
DEB_CC_OPT := -g -O2 -fstack-protector-strong -Wformat \
              -Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2 \
              -Wextra
DEB_LD_OPT := -Wl,-z,relro -Wl,-z,now -fPIC

# the banner's files (ngx_privacy_module/assets/) are built into the module
SRCS := config config.make tools/embed-assets.sh \
        $(wildcard ngx_privacy_module/*.c ngx_privacy_module/*.h \
                   ngx_privacy_module/assets/*)

.PHONY: all build build-deps-check deps install uninstall test unit \
        test-tools test-compat test-install demo clean deb test-deb

all: build

build: $(MODULE)

# what a build needs, checked before the compiler runs into it
build-deps-check:
	@test -x $(NGINX_DEV)/configure || { \
	    echo "nginx-dev missing ($(NGINX_DEV)): run \`make deps\`" \
	         "(or apt-get install nginx-dev)" >&2; exit 1; }
	@test -f $(HIREDIS_INCLUDE)/hiredis/hiredis.h || { \
	    echo "hiredis headers missing: run \`make deps\`" \
	         "(or apt-get install libhiredis-dev)" >&2; exit 1; }

$(MODULE): $(SRCS) tools/build-module.sh | build-deps-check
	source $(NGINX_DEV)/conf_flags && \
	    tools/build-module.sh $(NGINX_DEV) $(BUILD)/debian \
	        "$${NGX_CONF_FLAGS[@]}" \
	        --with-cc-opt='$(DEB_CC_OPT)' --with-ld-opt='$(DEB_LD_OPT)'

# make deps-GROUP: tools/deps.sh GROUP (build, test, deb, compat, asan,
# fuzz, valgrind, faults, bench, apache)
deps: deps-test

deps-%:
	@tools/deps.sh $*

unit:
	$(MAKE) -s -C unit BUILD=$(BUILD)/unit run

# the test scripts' own tests (tools/t): with-redis.sh, prove.sh's port,
# the build's dependency check
# the scripts' own tests, and the glue's one-way dependencies
test-tools:
	prove tools/t/
	python3 tools/layers.py

test: deps build unit test-tools
	tools/with-redis.sh tools/prove.sh $(NGINX) $(MODULE) $(PROVE_ARGS)

test-compat: deps-compat unit
	tools/compat.sh

# The suites on the upstream Test::Nginx (openresty/test-nginx) instead of
# the bundled runner: TEST_NGINX_UPSTREAM_LIB is the lib/ directory of a
# checkout of it.  Nothing is downloaded; CI does not run it.
TEST_NGINX_UPSTREAM_LIB ?=

.PHONY: test-upstream upstream-lib

test-upstream: upstream-lib build
	$(MAKE) -s -C unit BUILD=$(BUILD)/unit mint
	TEST_NGINX_UPSTREAM_LIB='$(TEST_NGINX_UPSTREAM_LIB)' \
	    tools/with-redis.sh tools/prove.sh $(NGINX) $(MODULE) $(PROVE_ARGS)

upstream-lib:
	@if [ -z '$(TEST_NGINX_UPSTREAM_LIB)' ]; then \
	    echo 'make test-upstream: set TEST_NGINX_UPSTREAM_LIB to the lib/' \
	         'directory of an openresty/test-nginx checkout, e.g.' \
	         'make test-upstream TEST_NGINX_UPSTREAM_LIB=~/test-nginx/lib' >&2; \
	    exit 2; \
	fi
	@if [ ! -f '$(TEST_NGINX_UPSTREAM_LIB)/Test/Nginx/Socket.pm' ]; then \
	    echo 'make test-upstream: no Test/Nginx/Socket.pm in' \
	         'TEST_NGINX_UPSTREAM_LIB=$(TEST_NGINX_UPSTREAM_LIB)' >&2; \
	    exit 2; \
	fi

install: build
	install -D -m 0644 $(MODULE) \
	    $(DESTDIR)/usr/lib/nginx/modules/ngx_http_privacy_module.so
	install -d $(DESTDIR)/usr/share/nginx/modules-available \
	    $(DESTDIR)/etc/nginx/modules-enabled
	echo 'load_module modules/ngx_http_privacy_module.so;' \
	    > $(DESTDIR)/usr/share/nginx/modules-available/mod-http-privacy.conf
	ln -sf /usr/share/nginx/modules-available/mod-http-privacy.conf \
	    $(DESTDIR)/etc/nginx/modules-enabled/50-mod-http-privacy.conf

uninstall:
	rm -f $(DESTDIR)/etc/nginx/modules-enabled/50-mod-http-privacy.conf \
	    $(DESTDIR)/usr/share/nginx/modules-available/mod-http-privacy.conf \
	    $(DESTDIR)/usr/lib/nginx/modules/ngx_http_privacy_module.so

# make install, then nginx -t on the stock Debian configuration, then
# uninstall again (CI runs this on its throwaway machine)
test-install: deps build
	$(MAKE) -s install
	nginx -t
	$(MAKE) -s uninstall

# the Debian package, built with dpkg-buildpackage from a copy of the tree
# in build/deb/src, checked with lintian
deb: deps-deb
	tools/deb.sh

# installs the package with apt-get, nginx -t with the example site,
# purges it and checks that nothing of it is left (CI's throwaway machine)
test-deb: deb
	tools/test-deb.sh

demo: deps build
	demo/run.sh $(NGINX) $(MODULE)

clean:
	rm -rf $(BUILD) t/servroot*

# Reliability: sanitizers, valgrind and fuzzing (docs/reliability.md).
#
#   make test-asan      the suites against nginx 1.22.1 and the module built
#                       with ASan and UBSan, then reloads under load; any
#                       sanitizer report fails
#   make test-valgrind  the suites with Debian's nginx under memcheck (slow)
#   make fuzz           libFuzzer harnesses of the core, FUZZ_SECONDS each

FUZZ_SECONDS ?= 60

.PHONY: test-asan test-valgrind fuzz

test-asan: deps-asan
	tools/asan.sh $(PROVE_ARGS)

test-valgrind: deps-valgrind build
	tools/valgrind.sh $(PROVE_ARGS)

fuzz: deps-fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

# make test-browser: Debian's Chromium, headless, against the demo on ports
# 18480/18481 and Redis 16480 (BROWSER_PORT, BROWSER_APP_PORT,
# BROWSER_REDIS_PORT); installs chromium and playwright-core itself and
# writes the banner screenshots to docs/images/.
.PHONY: test-browser
test-browser: deps build
	browser/run.sh $(NGINX) $(MODULE)

# make bench [QUICK=1]: the module against plain nginx, sub_filter, Lua and
# redis-benchmark (bench/bench.py); writes docs/performance.md.  QUICK=1
# takes under five minutes, the full run about twenty.  Debian's Lua module
# is unpacked under build/bench/modules, not installed (tools/deps.sh).
# make bench-apache [QUICK=1]: plain Apache, mod_privacy and mod_substitute
# (bench/apache.py); the Apache section of docs/performance.md
.PHONY: bench-apache
bench-apache: deps-bench deps-apache apache
	$(MAKE) -s -C unit BUILD=$(BUILD)/unit mint
	python3 bench/apache.py $(if $(filter-out 0,$(QUICK)),--quick)

bench: deps-bench build
	$(MAKE) -s -C unit BUILD=$(BUILD)/unit mint
	python3 bench/bench.py $(if $(filter-out 0,$(QUICK)),--quick)

.PHONY: bench

# make test-faults: Redis faults (down at start, SIGKILL, SIGSTOP past the
# timeout, a password nginx lacks, OOM) and nginx reloads (HUP, binary
# upgrade) under load, with the loss audit of consents against Redis; nginx
# on 18490 and Redis on 16490 (FAULTS_PORT, FAULTS_REDIS_PORT).  Under five
# minutes; writes build/faults/summary.txt.
.PHONY: test-faults
test-faults: deps-faults build
	faults/run.sh $(NGINX) $(MODULE)

# make test-failover: a Redis primary, replicas and three sentinels on
# loopback, two nginx edges with privacy_redis sentinel=...; the primary
# SIGKILLed under load, with wait=1 (0 acknowledged decisions lost) and
# without, then every sentinel down.  Free ports (tools/free-port.pl);
# about 80 s; writes build/summary-failover.txt.
.PHONY: test-failover
test-failover: deps-failover build
	failover/run.sh $(NGINX) $(MODULE)

# mod_privacy for Apache httpd 2.4 (apache/, docs/apache.md): built with
# apxs from the Apache glue and the same core sources; the suites are
# Apache::Test's (apache/t), run by tools/test-apache.sh.
APACHE_MODULE := $(BUILD)/apache/mod_privacy.so
APACHE_SRCS   := $(wildcard apache/*.c apache/*.h \
                            ngx_privacy_module/privacy_*.c \
                            ngx_privacy_module/privacy_*.h \
                            ngx_privacy_module/assets/banner.*) \
                tools/embed-assets.sh

.PHONY: apache test-apache apache-deps-check

apache: $(APACHE_MODULE)

apache-deps-check:
	@command -v apxs >/dev/null || { \
	    echo "apxs missing: run \`make deps-apache\`" \
	         "(or apt-get install apache2-dev)" >&2; exit 1; }

$(APACHE_MODULE): $(APACHE_SRCS) tools/build-apache.sh | apache-deps-check
	tools/build-apache.sh $(BUILD)/apache

# make demo-apache: the demo site through Apache httpd and mod_privacy on
# 127.0.0.1:8090 (DEMO_APACHE_PORT), with a Redis of its own on a free port
# (DEMO_APACHE_REDIS_PORT), in the foreground (demo/run-apache.sh)
.PHONY: demo-apache
demo-apache: deps-apache apache
	demo/run-apache.sh $(APACHE_MODULE)

# make test-apache [APACHE_MPM=prefork|worker] [PROVE_ARGS=t/NNN-name.t]
test-apache: deps-apache apache
	$(MAKE) -s -C unit BUILD=$(BUILD)/unit mint
	tools/with-redis.sh tools/test-apache.sh $(APACHE_MODULE) $(PROVE_ARGS)
