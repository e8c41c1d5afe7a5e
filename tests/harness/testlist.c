/* Test list of harness-selftest.exe, in the form Wine's makedep generates. */

#define STANDALONE
#include <stdarg.h>
#include "wine/test.h"

extern void func_selftest(void);
extern void func_child(void);
extern void func_mute(void);
extern void func_many(void);

const struct test winetest_testlist[] =
{
    { "selftest", func_selftest },
    { "child", func_child },
    { "mute", func_mute },
    { "many", func_many },
    { 0, 0 }
};
