# Self-test of the conformance-test harness (winetest/include/wine/test.h).
#
#   $(BUILD)/<arch>/tests/harness-selftest.exe    several test files plus a
#                                                 Wine-style testlist.c
#   $(BUILD)/<arch>/tests/harness-standalone.exe  one STANDALONE file, linked
#                                                 with -municode (wmain entry)
#
# Both are built for every architecture in $(ARCHES); only the x86_64 ones
# are run, by tests/harness/test-harness.sh ("make check-harness").
# -Werror: the harness must compile warning-free.

HARNESS_HEADER      := winetest/include/wine/test.h
HARNESS_SELFTEST_SRCS := $(addprefix tests/harness/,selftest.c child.c mute.c many.c testlist.c)
HARNESS_STANDALONE_SRCS := tests/harness/standalone.c
HARNESS_CFLAGS      := -O2 -g -Wall -Wextra -Wno-unused-parameter -Werror \
                       -D_WIN32_WINNT=0x0A00 -Iwinetest/include

# $(call harness_rules,ARCH)
define harness_rules
$(BUILD)/$(1)/tests/harness-selftest.exe: $(HARNESS_SELFTEST_SRCS) $(HARNESS_HEADER) winetest/harness.mk
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(HARNESS_CFLAGS) -o $$@ $(HARNESS_SELFTEST_SRCS)

$(BUILD)/$(1)/tests/harness-standalone.exe: $(HARNESS_STANDALONE_SRCS) $(HARNESS_HEADER) winetest/harness.mk
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(HARNESS_CFLAGS) -municode -o $$@ $(HARNESS_STANDALONE_SRCS)
endef

$(foreach arch,$(ARCHES),$(eval $(call harness_rules,$(arch))))

HARNESS_SELFTEST_EXES := $(foreach arch,$(ARCHES),$(BUILD)/$(arch)/tests/harness-selftest.exe \
                                                   $(BUILD)/$(arch)/tests/harness-standalone.exe)

.PHONY: harness-selftest check-harness
harness-selftest: $(HARNESS_SELFTEST_EXES)
all: harness-selftest

check-harness: harness-selftest
	sh tests/harness/test-harness.sh $(BUILD)
