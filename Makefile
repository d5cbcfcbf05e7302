# SPDX-License-Identifier: GPL-2.0
#
#   make                      ./hsk.ko for KDIR (default: the running kernel)
#   make ko KVER=<release>    build/<release>/hsk.ko against Debian's headers
#   make check                every test; ends with "N passed, N failed"
#   make demo                 boot a 6.1 guest, load hsk, show it working
#   make kunit                KUnit suites only (UML)
#   make selftest KERNEL=6.1  end-to-end tests in one guest (T=name filters)
#   make bench                benchmarks in a 6.1 guest -> Documentation/performance.rst

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
SRCS := Kbuild Kconfig mod

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_HSK=m modules

# One copy of the sources per kernel, so builds for 6.1 and 6.12 do not
# trample each other's objects. The copy keeps kbuild's outputs (--delete
# spares what is excluded), and every build is W=1, make check's: a build
# with nothing changed is then kbuild's up-to-date check, seconds, not a
# rebuild. C=1 (sparse) checks what is recompiled and changes no flags.
ko:
	@mkdir -p build/$(KVER)/src
	@rsync -rlc --delete --exclude='*.o' --exclude='.*.cmd' \
		$(SRCS) build/$(KVER)/src/
	$(MAKE) -s -C /lib/modules/$(KVER)/build M=$(CURDIR)/build/$(KVER)/src \
		CONFIG_HSK=m W=$(or $(W),1) $(if $(C),C=$(C)) modules
	@cp build/$(KVER)/src/hsk.ko build/$(KVER)/hsk.ko

# User-space tools, built with the host's compiler into build/bin.
TOOLS := build/bin/hskctl build/bin/hsk-server build/bin/hsk-echo build/bin/hsk-http
tools: $(TOOLS)

build/bin/hskctl: tools/hskctl/hskctl.c mod/uapi/hsk.h
	@mkdir -p build/bin
	$(CC) -O2 -Wall -Wextra -o $@ $< $$(pkg-config --cflags --libs libmnl)

build/bin/%: tools/examples/%.c mod/uapi/hsk.h
	@mkdir -p build/bin
	$(CC) -O2 -Wall -Wextra -pthread -o $@ $<

# DESTDIR stages a package (or a test) instead of the live system.
install: module build/bin/hskctl
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_HSK=m INSTALL_MOD_DIR=extra \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	install -D -m 0755 build/bin/hskctl $(DESTDIR)$(PREFIX)/sbin/hskctl
	install -D -m 0644 tools/hskctl/hskctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/hskctl.8
	install -D -m 0644 mod/uapi/hsk.h $(DESTDIR)$(PREFIX)/include/linux/hsk.h
	$(if $(DESTDIR),,depmod -a $(KVER))

deps:
	tools/deps

check:
	tools/check

demo:
	tools/demo

kunit:
	kunit/run

selftest:
	tools/vm/run --kernel $(or $(KERNEL),6.1) -- \
		tools/testing/selftests/hsk/run $(if $(T),-k $(T))

# Builds the bench module and tools itself; BENCH_ARGS go to the guest
# (e.g. BENCH_ARGS="--rounds 2 --syns 20000 --big 200000" for a quick look).
bench: tools
	tools/bench/run $(if $(BENCH_ARGS),-- $(BENCH_ARGS))

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build .vm

.PHONY: all module ko tools install deps check demo kunit selftest bench clean
