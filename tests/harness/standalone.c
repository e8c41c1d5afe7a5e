/*
 * Self-test of the harness: a single-file test with STANDALONE, built with
 * -municode so that the harness's wmain() is the entry point.  See
 * selftest.c for the expect[] markers (mode standalone).
 */

#include <stdarg.h>
#include <windef.h>
#include <winbase.h>

#define STANDALONE
#include "wine/test.h"

START_TEST(standalone)
{
    char **argv;
    int argc = winetest_get_mainargs( &argv );

    ok( argc == 2, "got argc %d\n", argc );
    ok( argc >= 2 && !strcmp( argv[1], "standalone" ), "got argv[1] %s\n", argc >= 2 ? argv[1] : "(none)" );
    ok( 0, "standalone failure\n" );                  /* expect[standalone]: Test failed: standalone failure */
    todo_if( 1 ) ok( 0, "standalone todo\n" );        /* expect[standalone]: Test marked todo: standalone todo */
}
