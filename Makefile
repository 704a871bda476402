# SPDX-License-Identifier: GPL-2.0
#
# zab: ZooKeeper atomic broadcast in the Linux kernel.
#
#   make            zab.ko and the userspace tools
#   make deps       install the Debian packages needed to build and test
#   make check      all tests: userspace unit tests and VM selftests
#   make check-all  make check, then KUnit and the selftests on the debug
#                   kernel (what CI runs; see docs/testing.md)
#   make bench      commit latency and throughput beside raw TCP, in a VM
#   make profile    where the time goes: perf of a loaded ensemble, in a VM
#   make fuzz       the libFuzzer targets of the userspace parsers
#   make torture    randomised fault schedules in a VM (SEED=, N=)
#   make torture-vms  power losses of random subsets of three VMs (SEED=, ROUNDS=)
#   make demo       three members with zabd in a VM: writes, reads, failover
#   make install    install zab.ko (modules_install) and the tools
#   make deb        Debian packages zab-dkms and zab-tools in build/deb/
#
# KVER selects the kernel to build for and test on: a series (6.1, the
# default, or 6.12) or a release (6.12.117+deb12-amd64); scripts/krel.sh
# picks the newest installed release of a series. KDIR overrides its build
# tree.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

ZAB_VERSION ?= 0.1.0
export ZAB_VERSION

KVER ?= 6.1
KREL = $(shell scripts/krel.sh $(KVER))
KDIR ?= /lib/modules/$(KREL)/build
PREFIX ?= /usr/local

.PHONY: all module userspace deps check unit selftests crash torture-vms bench demo clean install \
	install-module install-userspace dkms deb debug-kernel debug-module kunit \
	check-debug check-all check-ci profile model model-old model-disk model-disk-old model-ci fuzz torture

all: module userspace

module:
	@test -d "$(KDIR)" || { echo "make: no kernel build tree $(KDIR); run 'make deps' or set KDIR" >&2; exit 2; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) ZAB_VERSION=$(ZAB_VERSION) modules

userspace:
	$(MAKE) -C userspace

deps:
	scripts/deps.sh

# The one test command: unit tests, then the VM suites side by side (the
# selftests on both stock kernels, the crash test, make demo); ends with the
# summary line "N passed, N failed[, N skipped]". See docs/testing.md.
check: all
	$(MAKE) -C tests/selftests
	ZAB_KSERIES=$(KVER) tests/run-all.sh

unit:
	$(MAKE) -C userspace check

selftests: all
	$(MAKE) -C tests/selftests
	ZAB_KREL=$(KREL) tests/vm/run.sh -- tests/selftests/run.sh

# Three members in three VMs: kill -9 of the leader's qemu, then of all.
crash: all
	$(MAKE) -C tests/selftests
	ZAB_KREL=$(KREL) tests/vm/crash.sh

# Commit latency and throughput beside raw TCP, in one VM run.
# The report and the latency distributions' plot go to build/bench/.
bench: all
	$(MAKE) -C tests/selftests
	$(MAKE) -C tests/bench
	rm -rf build/bench && mkdir -p build/bench
	ZAB_KREL=$(KREL) ZAB_VM_DISK=1024 ZAB_VM_OUT=$(CURDIR)/build/bench/vm \
		ZAB_BENCH_SAMPLES=/zab-out/samples tests/vm/run.sh -- tests/bench/run.sh \
		> build/bench/report.txt; rc=$$?; cat build/bench/report.txt; \
		rm -f build/bench/vm/disk.img; [ $$rc = 0 ]
	tests/bench/plot.sh build/bench/vm/samples build/bench/latency.png \
		"zab commit latency, $(KREL), qemu TCG"

# perf record of a 3-member ensemble under writers (tests/bench/profile.sh:
# ZAB_PROFILE_WRITERS, ZAB_PROFILE_BATCH, ZAB_PROFILE_SECONDS); the report
# goes to build/profile.txt.
profile: all
	$(MAKE) -C tests/selftests
	$(MAKE) -C tests/bench
	mkdir -p build
	ZAB_KREL=$(KREL) tests/vm/run.sh -- tests/bench/profile.sh > build/profile.txt; \
		rc=$$?; grep -v '^\[ *[0-9.]*\]' build/profile.txt; [ $$rc = 0 ]

# A 3-member ensemble run by zabd in a VM: appends on different members,
# reads everywhere, the leader killed, a new one elected, nothing lost.
demo: all
	ZAB_KREL=$(KREL) tests/vm/run.sh -- tests/demo/demo.sh

# The Promela model of the protocol (model/README.md), checked with spin on
# the host: the behaviour as built must show no error within MODEL_BOUNDS;
# model-old succeeds only if spin finds the old behaviour losing an
# acknowledged record.
MODEL_BOUNDS ?= -DMAXE=2 -DLMAX=2
model:
	model/check.sh new $(MODEL_BOUNDS)

model-old:
	model/check.sh old

# The same with disks that lose durable records: a member cut short must
# abstain (model-disk: no error); one that votes loses a record
# (model-disk-old finds it). Bitstate hashing: the exhaustive search
# (model/check.sh disk) needs more than 17 GB at these bounds.
model-disk:
	ZAB_MODEL_W=$${ZAB_MODEL_W:-32} model/check.sh bitstate -DDISK_LOSS $(MODEL_BOUNDS)

model-disk-old:
	model/check.sh disk-old

# The short slice make check runs (TAP).
model-ci:
	model/ci.sh

# The libFuzzer targets of the userspace parsers (tests/fuzz/Makefile), each
# for FUZZ_SECONDS; make check runs a 10 s slice of each.
FUZZ_SECONDS ?= 600
fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

# Randomised fault schedules (tests/torture): N schedules from SEED (default
# the time) in TORTURE_VMS VMs side by side; TORTURE_DEBUG=1 on the debug
# kernel. make check runs a slice of fresh seeds (ZAB_TORTURE_SLICE).
torture: all
	$(MAKE) -C tests/selftests
	ZAB_KREL=$(KREL) tests/torture/run.sh

# Power losses of random subsets of three VMs (tests/vm/crash.sh SEED
# ROUNDS): SEED (default: the time) replays a schedule, ROUNDS (default 5).
torture-vms: all
	$(MAKE) -C tests/selftests
	ZAB_KREL=$(KREL) tests/vm/crash.sh $(or $(SEED),$$(date +%s)) $(or $(ROUNDS),5)

# The debug kernel (KASAN, UBSAN, lockdep, kmemleak, fault injection, KUnit),
# built once and cached under /var/cache/zab/debug-kernel; zab.ko and
# zab_test.ko built against it in /var/cache/zab/debug-build.
debug-kernel:
	tests/vm/debug.sh kernel

debug-module:
	tests/vm/debug.sh module

# The KUnit suites of zab_test.ko on the debug kernel, as TAP.
kunit:
	tests/vm/debug.sh kunit

# The selftests on the debug kernel with the debug zab.ko, panic_on_warn=1
# and a kmemleak scan at the end.
check-debug: userspace
	$(MAKE) -C tests/selftests
	tests/vm/debug.sh selftests "$(ZAB_TESTS)"

# make check plus kunit and check-debug, with one summary line.
check-all: export ZAB_DEBUG = 1
check-all: check

# What CI runs: make check plus kunit, with one summary line.
check-ci: export ZAB_DEBUG = kunit
check-ci: check

install: install-module install-userspace

install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(realpath $(KDIR))))

install-userspace: userspace
	$(MAKE) -C userspace install PREFIX=$(PREFIX)
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi

dkms:
	scripts/dkms-install.sh $(ZAB_VERSION)

# zab-dkms and zab-tools (debian/), with Debian's tools, into build/deb/;
# tests/pkg/install.sh installs them in a VM (make check runs it)
deb:
	scripts/mkdeb.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/selftests clean
	$(MAKE) -C tests/bench clean
	$(MAKE) -C tests/fuzz clean

endif
