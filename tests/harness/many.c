/*
 * Self-test of the harness: "many <n>" fails n times, for the exit status
 * cap.  See selftest.c for the expect[] markers (mode many, run as
 * "many 300").
 */

#include <stdarg.h>
#include <stdlib.h>
#include <windef.h>
#include <winbase.h>

#include "wine/test.h"

START_TEST(many)
{
    char **argv;
    int argc = winetest_get_mainargs( &argv ), i, count;

    count = argc >= 3 ? atoi( argv[2] ) : 0;
    for (i = 0; i < count; i++)
        ok( 0, "many failures\n" );                   /* expect[many]*300: Test failed: many failures */
    ok( 1, "done\n" );
}
