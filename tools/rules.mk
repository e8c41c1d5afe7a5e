# Tools, one program per architecture:
#   $(BUILD)/<arch>/tools/vssadmin.exe
# vssadmin links against mingw-w64's import library of vssapi.dll, so it
# runs on whichever vssapi.dll the prefix loads (winevss's with the
# vssapi=native,builtin override).

TOOLS_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
                -municode -D_WIN32_WINNT=0x0A00 -I$(GEN_INCLUDE)
TOOLS_LIBS   := -municode -lvssapi -lole32 -loleaut32 -luuid

# $(call tools_rules,ARCH)
define tools_rules
$(BUILD)/$(1)/tools/vssadmin.exe: tools/vssadmin.c $$(GEN_HEADERS) | $(BUILD)/$(1)/tools
	$$(CC_$(1)) $$(TOOLS_CFLAGS) -o $$@ tools/vssadmin.c $$(TOOLS_LIBS)

$(BUILD)/$(1)/tools:
	mkdir -p $$@
endef

$(foreach arch,$(ARCHES),$(eval $(call tools_rules,$(arch))))

TOOLS_EXES := $(ARCHES:%=$(BUILD)/%/tools/vssadmin.exe)
.PHONY: tools
tools: $(TOOLS_EXES)
all: tools
