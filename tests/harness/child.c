/*
 * Self-test of the harness: child processes, winetest_get_mainargs() and
 * wait_child_process().  See selftest.c for the expect[] markers; this file
 * is run in the modes wine and windows.
 */

#include <stdarg.h>
#include <stdio.h>
#include <windef.h>
#include <winbase.h>

#include "wine/test.h"

#define run_child(arg) run_child_( __LINE__, arg )
static void run_child_( unsigned int line, const char *arg )
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char cmdline[MAX_PATH + 64];
    char **argv;
    BOOL ret;

    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    winetest_get_mainargs( &argv );
    snprintf( cmdline, sizeof(cmdline), "\"%s\" child %s", argv[0], arg );
    ret = CreateProcessA( NULL, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi );
    ok_(__FILE__, line)( ret, "CreateProcess failed: %lu\n", GetLastError() );
    if (!ret) return;
    wait_child_process_(__FILE__, line)( pi.hProcess );
    CloseHandle( pi.hProcess );
    CloseHandle( pi.hThread );
}

static void child_main( const char *what )
{
    if (!strcmp( what, "fail" ))
    {
        ok( 0, "child failure 1\n" );                 /* expect[wine,windows]: Test failed: child failure 1 */
        ok( 0, "child failure 2\n" );                 /* expect[wine,windows]: Test failed: child failure 2 */
        ok( 0, "child failure 3\n" );                 /* expect[wine,windows]: Test failed: child failure 3 */
    }
    else if (!strcmp( what, "pass" ))
    {
        ok( 1, "child pass\n" );
    }
    else if (!strcmp( what, "crash" ))
    {
        ok( 1, "before the crash\n" );                /* expect[windows]: this is the last test seen before the exception */
        RaiseException( 0xe0000123, EXCEPTION_NONCONTINUABLE, 0, NULL );
        ok( 0, "not reached\n" );
    }
    else ok( 0, "unknown child mode %s\n", what );
}

START_TEST(child)
{
    char **argv;
    int argc = winetest_get_mainargs( &argv );

    if (argc >= 3)
    {
        child_main( argv[2] );
        return;
    }

    ok( argc == 1 || (argc == 2 && !strcmp( argv[1], "child" )), "got argc %d\n", argc );
    run_child( "fail" );                              /* expect[wine,windows]: 3 failures in child process */
    run_child( "pass" );
    if (winetest_platform_is_windows)
        run_child( "crash" );                         /* expect[windows]: unhandled exception e0000123 in child process PID */
    else
        skip( "the crash test needs the Windows exception filter\n" ); /* expect[wine]: Tests skipped: the crash test needs the Windows exception filter */
}
