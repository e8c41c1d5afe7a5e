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

# The Wine-side benchmarks (bench/wine-bench.sh): DoSnapshotSet against the
# raw btrfs ioctl, and reads through GLOBALROOT against the drive letter.
RAW_SNAPSHOT := $(BUILD)/native/bench/raw-snapshot
WINE_BENCH   := $(BUILD)/x86_64/bench/wine-bench.exe

$(RAW_SNAPSHOT): bench/raw-snapshot.c
	@mkdir -p $(@D)
	$(HOSTCC) $(BENCH_CFLAGS) -o $@ $< -lbtrfsutil

$(WINE_BENCH): bench/wine-bench.c $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_x86_64) -O2 -municode -Wall -D_WIN32_WINNT=0x0A00 -I$(GEN_INCLUDE) -o $@ $< -lvssapi -lole32 -luuid

all: $(RAW_SNAPSHOT) $(WINE_BENCH)

bench: bench-wine
.PHONY: bench-wine
bench-wine: $(RAW_SNAPSHOT) $(WINE_BENCH) $(BUILD)/x86_64/vssapi.dll $(BUILD)/native/winevssd/winevssd
	@mkdir -p $(BUILD)/bench
	sh bench/wine-bench.sh $(BUILD) $(BUILD)/bench/results.csv $(BENCH_FILES)
