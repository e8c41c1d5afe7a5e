# Benchmarks: `make bench` builds $(BUILD)/native/bench/bench-snap and runs
# it; it prints a table and writes $(BUILD)/bench/results.csv.  Needs root
# (loop devices); otherwise it says why and succeeds.  Timing never fails
# the target.  BENCH_FILES sets the tree size (default 50000).

BENCH_FILES ?= 50000
BENCH_BIN   := $(BUILD)/native/bench/bench-snap
BENCH_CFLAGS := -Wall -Wextra -O2 -g -std=gnu11 -D_FILE_OFFSET_BITS=64 -Wno-format-truncation

$(BENCH_BIN): bench/bench-snap.c tests/lib/testfs.c tests/lib/testfs.h $(BUILD)/native/libsnap.a providers/snap.h
	@mkdir -p $(@D)
	$(HOSTCC) $(BENCH_CFLAGS) -o $@ bench/bench-snap.c tests/lib/testfs.c \
		$(BUILD)/native/libsnap.a -lbtrfsutil -lpthread

all: $(BENCH_BIN)

bench: $(BENCH_BIN)
	@mkdir -p $(BUILD)/bench
	$(BENCH_BIN) $(BUILD)/bench/results.csv $(BENCH_FILES)
