# Native tests: one program per module, each printing "ok N - ...",
# "not ok N - ...", "skip N - ..." and a last line
# "test-NAME: N passed, N failed, N skipped":
#   $(BUILD)/native/tests/test-*       from tests/test-*.c
# linked with the helpers of tests/lib/ and $(BUILD)/native/libsnap.a
# (providers/rules.mk).  tests/run-suite.sh runs every one of them.
#
# This file is included before providers/rules.mk: paths are spelled out
# here rather than taken from that file's variables.

TEST_CFLAGS   := -Wall -Wextra -O2 -g -std=gnu11 -D_FILE_OFFSET_BITS=64 -Wno-format-truncation
TEST_LIBS     := -lbtrfsutil -lpthread
TEST_SRCS     := $(wildcard tests/test-*.c)
TEST_BINS     := $(TEST_SRCS:tests/%.c=$(BUILD)/native/tests/%)
TEST_LIB_SRCS := $(wildcard tests/lib/*.c)
TEST_LIB_OBJS := $(TEST_LIB_SRCS:tests/lib/%.c=$(BUILD)/native/tests/lib/%.o)
TEST_HEADERS  := $(wildcard tests/lib/*.h) $(wildcard providers/*.h)

all: $(TEST_BINS)

$(BUILD)/native/tests/lib/%.o: tests/lib/%.c $(TEST_HEADERS) tests/rules.mk
	@mkdir -p $(@D)
	$(HOSTCC) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/native/tests/test-%: tests/test-%.c $(TEST_LIB_OBJS) $(BUILD)/native/libsnap.a $(TEST_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIB_OBJS) $(BUILD)/native/libsnap.a $(TEST_LIBS)

# The Backup Components Document model is portable: its test builds it
# natively from vssapi/.
$(BUILD)/native/tests/test-bcd: tests/test-bcd.c vssapi/xml.c vssapi/bcd.c vssapi/xml.h vssapi/bcd.h
	@mkdir -p $(@D)
	$(HOSTCC) $(TEST_CFLAGS) -Ivssapi -o $@ tests/test-bcd.c vssapi/xml.c vssapi/bcd.c

# Built by a pattern rule but not intermediate: keep them.
.SECONDARY: $(TEST_LIB_OBJS)
