# vssapi.dll for every architecture in $(ARCHES):
#   $(BUILD)/<arch>/vssapi.dll
# Exports come from vssapi/vssapi.spec through winebuild --def.

VSSAPI_SRCS := agent.c async.c backup.c bcd.c components.c enum.c guid.c main.c policy.c snapshots.c writer.c
VSSAPI_SRCS += volume.c drive.c
# Snapshot management: IVssSnapshotMgmt, its class, the diff-area interfaces.
VSSAPI_SRCS += mgmt.c
# The Backup Components Document: xml.c and bcd.c are portable, also built
# natively into tests/test-bcd.c.
VSSAPI_SRCS += component.c xml.c
# IVssWMFiledesc and the documents' attribute readers (filedesc.c), the
# Writer Metadata Document (wmd.c).
VSSAPI_SRCS += filedesc.c wmd.c
VSSAPI_IMPORTS := -lole32 -loleaut32 -luuid -lws2_32

# $(call vssapi_rules,ARCH)
define vssapi_rules
VSSAPI_OBJS_$(1) := $$(VSSAPI_SRCS:%.c=$(BUILD)/$(1)/vssapi/%.o) $(BUILD)/$(1)/vssapi/proto.o

# The wire protocol code is shared with the agent (providers/proto.c).
$(BUILD)/$(1)/vssapi/proto.o: providers/proto.c providers/proto.h | $(BUILD)/$(1)/vssapi
	$$(CC_$(1)) -O2 -g -Wall -Wextra -c -o $$@ $$<

$(BUILD)/$(1)/vssapi/%.o: vssapi/%.c vssapi/vssapi_private.h vssapi/agent.h vssapi/bcd.h vssapi/xml.h providers/proto.h $$(GEN_HEADERS) | $(BUILD)/$(1)/vssapi
	$$(CC_$(1)) $$(PE_CFLAGS) -I$$(WINE_INCLUDE) -Iproviders -c -o $$@ $$<

$(BUILD)/$(1)/vssapi/vssapi.def: vssapi/vssapi.spec | $(BUILD)/$(1)/vssapi
	winebuild --def -k -b $$(WINEBUILD_TARGET_$(1)) -F vssapi.dll -E $$< -o $$@

$(BUILD)/$(1)/vssapi/libntdll_debug.a: vssapi/ntdll_debug.def | $(BUILD)/$(1)/vssapi
	$$(DLLTOOL_$(1)) -d $$< -l $$@

$(BUILD)/$(1)/vssapi.dll: $$(VSSAPI_OBJS_$(1)) $(BUILD)/$(1)/vssapi/vssapi.def $(BUILD)/$(1)/vssapi/libntdll_debug.a
	$$(CC_$(1)) -shared -static-libgcc -o $$@ $$(VSSAPI_OBJS_$(1)) $(BUILD)/$(1)/vssapi/vssapi.def \
		-Wl,--enable-stdcall-fixup $(BUILD)/$(1)/vssapi/libntdll_debug.a $$(VSSAPI_IMPORTS)

$(BUILD)/$(1)/vssapi:
	mkdir -p $$@
endef

$(foreach arch,$(ARCHES),$(eval $(call vssapi_rules,$(arch))))

VSSAPI_DLLS := $(ARCHES:%=$(BUILD)/%/vssapi.dll)
.PHONY: vssapi
vssapi: $(VSSAPI_DLLS)
all: vssapi
