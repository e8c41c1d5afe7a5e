# The snapshot provider library (providers/snap.h), for the tests, the
# benchmarks and the agent:
#   $(BUILD)/native/libsnap.a      from providers/snap*.c (proto.c and
#   winevssd/ belong to the agent's rules)
# Users link it with -lbtrfsutil -lpthread.

NATIVE_CFLAGS := -Wall -Wextra -O2 -g -std=gnu11 -D_FILE_OFFSET_BITS=64
SNAP_LIBS     := -lbtrfsutil -lpthread

SNAP_SRCS    := $(wildcard providers/snap*.c)
SNAP_OBJS    := $(SNAP_SRCS:providers/%.c=$(BUILD)/native/providers/%.o)
SNAP_HEADERS := $(wildcard providers/*.h)
SNAP_LIB     := $(BUILD)/native/libsnap.a

all: $(SNAP_LIB)

$(BUILD)/native/providers/%.o: providers/%.c $(SNAP_HEADERS) providers/rules.mk
	@mkdir -p $(@D)
	$(HOSTCC) $(NATIVE_CFLAGS) -c -o $@ $<

$(SNAP_LIB): $(SNAP_OBJS)
	@rm -f $@
	ar rcs $@ $^
