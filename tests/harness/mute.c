/*
 * Self-test of the harness: muting of repeated todo, skip and trace lines.
 * See selftest.c for the expect[] markers; this file is run in the modes
 * wine (WINETEST_DEBUG unset) and debug2 (WINETEST_DEBUG=2).
 */

#include <stdarg.h>
#include <windef.h>
#include <winbase.h>

#include "wine/test.h"

#define REPEAT 50

START_TEST(mute)
{
    int i;

    for (i = 0; i < REPEAT; i++)
        trace( "repeated trace\n" );                  /* expect[wine]*42: repeated trace */ /* expect[wine]: Line has been silenced after 42 occurrences */ /* expect[debug2]*50: repeated trace */
    for (i = 0; i < REPEAT; i++)
        skip( "repeated skip\n" );                    /* expect[wine]*42: Tests skipped: repeated skip */ /* expect[wine]: Line has been silenced after 42 occurrences */ /* expect[debug2]*50: Tests skipped: repeated skip */
    for (i = 0; i < REPEAT; i++)
        todo_if( 1 ) ok( 0, "repeated todo\n" );      /* expect[wine]*42: Test marked todo: repeated todo */ /* expect[wine]: Line has been silenced after 42 occurrences */ /* expect[debug2]*50: Test marked todo: repeated todo */
    trace( "another line\n" );                        /* expect[wine,debug2]: another line */
}
