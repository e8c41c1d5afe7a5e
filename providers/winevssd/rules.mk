# winevssd, the native agent: $(BUILD)/native/winevssd
# Links the provider library ($(BUILD)/native/libsnap.a, providers/rules.mk)
# and the wire protocol code shared with vssapi.dll (providers/proto.c).

WINEVSSD_SRCS := catalog.c expose.c exposure.c hold.c log.c main.c provider.c requests.c revert.c session.c transport.c util.c volume.c
WINEVSSD_OBJS := $(WINEVSSD_SRCS:%.c=$(BUILD)/native/winevssd/%.o) $(BUILD)/native/winevssd/proto.o
WINEVSSD_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
                   -D_GNU_SOURCE -Iproviders -Iproviders/winevssd
WINEVSSD_LIBS := -lsqlite3 -lbtrfsutil -lpthread

$(BUILD)/native/winevssd/%.o: providers/winevssd/%.c $(wildcard providers/winevssd/*.h) providers/proto.h providers/snap.h
	@mkdir -p $(@D)
	$(HOSTCC) $(WINEVSSD_CFLAGS) -c -o $@ $<

$(BUILD)/native/winevssd/proto.o: providers/proto.c providers/proto.h
	@mkdir -p $(@D)
	$(HOSTCC) $(WINEVSSD_CFLAGS) -c -o $@ $<

$(BUILD)/native/winevssd/winevssd: $(WINEVSSD_OBJS) $(BUILD)/native/libsnap.a
	$(HOSTCC) -o $@ $(WINEVSSD_OBJS) $(BUILD)/native/libsnap.a $(WINEVSSD_LIBS)

.PHONY: winevssd
winevssd: $(BUILD)/native/winevssd/winevssd
all: winevssd

# Native tests of the protocol and of the agent.
$(BUILD)/native/tests/test-proto: tests/test-proto.c providers/proto.c providers/proto.h
	@mkdir -p $(@D)
	$(HOSTCC) $(WINEVSSD_CFLAGS) -o $@ tests/test-proto.c providers/proto.c

all: $(BUILD)/native/tests/test-proto

$(BUILD)/native/tests/test-agent: tests/test-agent.c providers/proto.c providers/proto.h $(BUILD)/native/libsnap.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WINEVSSD_CFLAGS) -Wno-format-truncation -o $@ tests/test-agent.c providers/proto.c \
		$(BUILD)/native/libsnap.a -lbtrfsutil -lpthread

all: $(BUILD)/native/tests/test-agent
