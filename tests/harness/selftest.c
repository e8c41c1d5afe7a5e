/*
 * Self-test of winetest/include/wine/test.h: exercises every macro.
 *
 * test-harness.sh runs this test in several modes and compares the output
 * with the expectations written next to each statement:
 *
 *   expect[MODES]: TEXT      this line prints "selftest.c:LINE: TEXT"
 *   expect[MODES]*N: TEXT    ... N times
 *   raw[MODES]: TEXT         a line "TEXT" without prefix (continuation lines)
 *
 * MODES is a comma-separated list of wine (platform autodetected under Wine),
 * windows (WINETEST_PLATFORM=windows), success (Wine with
 * WINETEST_REPORT_SUCCESS=1) and quiet (Wine with WINETEST_DEBUG=0), or * for
 * all of them.  Any output line not announced here fails the self-test, so
 * statements without a marker must print nothing.  The summary counts are
 * in test-harness.sh.
 */

#include <stdarg.h>
#include <windef.h>
#include <winbase.h>

#include "wine/test.h"

#define THREAD_PASSES 1000

static void check_value_( const char *file, int line, int value, int expected )
{
    ok_(file, line)( value == expected, "got %d, expected %d\n", value, expected );
}
#define check_value(value, expected) check_value_( __FILE__, __LINE__, value, expected )

#define expect_hr(hr, expected) expect_hr_( __LINE__, hr, expected )
static void expect_hr_( unsigned int line, HRESULT hr, HRESULT expected )
{
    ok_(__FILE__, line)( hr == expected, "got hr %#lx, expected %#lx\n", hr, expected );
}

#define report_helper(what) report_helper_( __LINE__, what )
static void report_helper_( unsigned int line, const char *what )
{
    trace_(__FILE__, line)( "helper trace %s\n", what );
    skip_(__FILE__, line)( "helper skip %s\n", what );
    win_skip_(__FILE__, line)( "helper win_skip %s\n", what );
}

static DWORD WINAPI thread_proc( void *arg )
{
    HANDLE go = arg;
    int i;

    winetest_push_context( "thread" );
    ok( 0, "thread failure\n" );                      /* expect[*]: Test failed: thread: thread failure */
    todo_wine ok( 0, "thread todo\n" );               /* expect[wine,success]: Test marked todo: thread: thread todo */ /* expect[windows]: Test failed: thread: thread todo */
    trace( "thread trace\n" );                        /* expect[wine,windows,success]: thread: thread trace */
    WaitForSingleObject( go, INFINITE );
    for (i = 0; i < THREAD_PASSES; i++)
        ok( 1, "thread pass %d\n", i );               /* expect[success]*1000: Test succeeded */
    winetest_pop_context();
    return 0;
}

static void test_ok(void)
{
    HRESULT hr = E_FAIL;

    ok( 1, "passing ok\n" );                          /* expect[success]: Test succeeded */
    ok( 0, "plain failure %d\n", 42 );                /* expect[*]: Test failed: plain failure 42 */
    ok( hr == S_OK, "got %#lx\n", hr );               /* expect[*]: Test failed: got 0x80004005 */
    ok( 0, "two\nlines\n" );                          /* expect[*]: Test failed: two */ /* raw[*]: lines */

    SetLastError( 0xdeadbeef );
    ok( GetLastError() == 0xdeadbeef, "location clobbered the last error: %lu\n", GetLastError() ); /* expect[success]: Test succeeded */
    SetLastError( 1234 );
    ok( 0, "a failing ok\n" );                        /* expect[*]: Test failed: a failing ok */
    ok( GetLastError() == 1234, "ok() clobbered the last error: %lu\n", GetLastError() ); /* expect[success]: Test succeeded */
}

static void test_todo(void)
{
    todo_wine ok( 0, "todo fails as expected\n" );    /* expect[wine,success]: Test marked todo: todo fails as expected */ /* expect[windows]: Test failed: todo fails as expected */
    todo_wine ok( 1, "todo succeeds\n" );             /* expect[wine,success,quiet]: Test succeeded inside todo block: todo succeeds */
    todo_if( 1 ) ok( 0, "todo_if(1) fails\n" );       /* expect[wine,windows,success]: Test marked todo: todo_if(1) fails */
    todo_if( 0 ) ok( 1, "todo_if(0) passes\n" );      /* expect[success]: Test succeeded */
    todo_wine_if( 1 ) ok( 0, "todo_wine_if(1)\n" );   /* expect[wine,success]: Test marked todo: todo_wine_if(1) */ /* expect[windows]: Test failed: todo_wine_if(1) */
    todo_wine_if( 0 ) ok( 0, "todo_wine_if(0)\n" );   /* expect[*]: Test failed: todo_wine_if(0) */

    todo_wine
    {
        todo_if( 0 ) ok( 0, "nested todo\n" );        /* expect[wine,success]: Test marked todo: nested todo */ /* expect[windows]: Test failed: nested todo */
        ok( 0, "inside todo block\n" );               /* expect[wine,success]: Test marked todo: inside todo block */ /* expect[windows]: Test failed: inside todo block */
    }
    ok( 0, "after todo block\n" );                    /* expect[*]: Test failed: after todo block */

    if (0) todo_wine ok( 0, "not reached\n" );
    else ok( 1, "todo_wine is one statement\n" );     /* expect[success]: Test succeeded */
}

static void test_flaky(void)
{
    flaky ok( 0, "flaky failure\n" );                 /* expect[*]: Test marked flaky: flaky failure */
    flaky ok( 1, "flaky pass\n" );                    /* expect[success]: Test succeeded */
    flaky_wine ok( 0, "flaky on wine\n" );            /* expect[wine,success,quiet]: Test marked flaky: flaky on wine */ /* expect[windows]: Test failed: flaky on wine */
    flaky_wine_if( 0 ) ok( 0, "flaky_wine_if(0)\n" ); /* expect[*]: Test failed: flaky_wine_if(0) */
    flaky todo_wine ok( 1, "flaky todo\n" );          /* expect[wine,success,quiet]: Test succeeded inside flaky todo block: flaky todo */
}

static void test_skip(void)
{
    skip( "skipping %s\n", "this" );                  /* expect[*]: Tests skipped: skipping this */
    win_skip( "win_skip %d\n", 1 );                   /* expect[wine,success,quiet]: Test failed: win_skip 1 */ /* expect[windows]: Tests skipped: win_skip 1 */
    todo_wine win_skip( "todo win_skip\n" );          /* expect[wine,success]: Test marked todo: todo win_skip */ /* expect[windows]: Tests skipped: todo win_skip */
}

static void test_broken(void)
{
    int ret = 0;

    ok( broken(1), "broken(1)\n" );                   /* expect[wine,success,quiet]: Test failed: broken(1) */
    ok( broken(0), "broken(0)\n" );                   /* expect[*]: Test failed: broken(0) */
    ok( ret == 1 || broken(ret == 0), "ret %d\n", ret ); /* expect[wine,success,quiet]: Test failed: ret 0 */
}

static void test_trace(void)
{
    trace( "trace %s\n", "message" );                 /* expect[wine,windows,success]: trace message */
    subtest( "named" );                               /* expect[*]: Subtest named */
}

static void test_context(void)
{
    winetest_push_context( "outer %d", 1 );
    ok( 0, "in outer\n" );                            /* expect[*]: Test failed: outer 1: in outer */
    trace( "traced in context\n" );                   /* expect[wine,windows,success]: outer 1: traced in context */
    winetest_push_context( "inner" );
    ok( 0, "in inner\n" );                            /* expect[*]: Test failed: outer 1: inner: in inner */
    ok( 1, "passes in inner\n" );                     /* expect[success]: Test succeeded */
    skip( "skip in inner\n" );                        /* expect[*]: Tests skipped: outer 1: inner: skip in inner */
    todo_wine ok( 0, "todo in inner\n" );             /* expect[wine,success]: Test marked todo: outer 1: inner: todo in inner */ /* expect[windows]: Test failed: outer 1: inner: todo in inner */
    winetest_pop_context();
    ok( 0, "back in outer\n" );                       /* expect[*]: Test failed: outer 1: back in outer */
    winetest_pop_context();
    ok( 0, "no context\n" );                          /* expect[*]: Test failed: no context */
    winetest_pop_context();                           /* popping an empty stack is harmless */
    ok( 0, "still no context\n" );                    /* expect[*]: Test failed: still no context */
}

static void test_helpers(void)
{
    check_value( 1, 2 );                              /* expect[*]: Test failed: got 1, expected 2 */
    check_value( 3, 3 );                              /* expect[success]: Test succeeded */
    expect_hr( E_FAIL, S_OK );                        /* expect[*]: Test failed: got hr 0x80004005, expected 0 */
    report_helper( "one" );                           /* expect[wine,windows,success]: helper trace one */ /* expect[*]: Tests skipped: helper skip one */ /* expect[wine,success,quiet]: Test failed: helper win_skip one */ /* expect[windows]: Tests skipped: helper win_skip one */
}

static void test_failures(void)
{
    LONG before = winetest_get_failures();

    ok( 0, "counted\n" );                             /* expect[*]: Test failed: counted */
    ok( winetest_get_failures() == before + 1, "got %ld, before %ld\n", winetest_get_failures(), before ); /* expect[success]: Test succeeded */
    winetest_add_failures( 2 );
    ok( winetest_get_failures() == before + 3, "got %ld, before %ld\n", winetest_get_failures(), before ); /* expect[success]: Test succeeded */
}

static void test_debugstr(void)
{
    static const WCHAR wstr[] = {'a','\t',0x263a,'"',0};
    static const GUID guid = {0x12345678, 0x9abc, 0xdef0, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};

    ok( !strcmp( wine_dbgstr_w( wstr ), "L\"a\\t\\263a\\\"\"" ), "got %s\n", wine_dbgstr_w( wstr ) ); /* expect[success]: Test succeeded */
    ok( !strcmp( debugstr_a( "x\n" ), "\"x\\n\"" ), "got %s\n", debugstr_a( "x\n" ) ); /* expect[success]: Test succeeded */
    ok( !strcmp( debugstr_a( NULL ), "(null)" ), "got %s\n", debugstr_a( NULL ) ); /* expect[success]: Test succeeded */
    ok( !strcmp( debugstr_guid( &guid ), "{12345678-9abc-def0-0123-456789abcdef}" ), /* expect[success]: Test succeeded */
        "got %s\n", debugstr_guid( &guid ) );
    ok( !strcmp( wine_dbgstr_longlong( 0x123456789ull ), "123456789" ), /* expect[success]: Test succeeded */
        "got %s\n", wine_dbgstr_longlong( 0x123456789ull ) );
    trace( "wide %s\n", wine_dbgstr_w( wstr ) );     /* expect[wine,windows,success]: wide L"a\t\263a\"" */
}

static void test_thread(void)
{
    HANDLE go, thread;
    int i;

    winetest_push_context( "main" );
    go = CreateEventA( NULL, TRUE, FALSE, NULL );
    thread = CreateThread( NULL, 0, thread_proc, go, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() ); /* expect[success]: Test succeeded */
    SetEvent( go );
    for (i = 0; i < THREAD_PASSES; i++)
        ok( 1, "main pass %d\n", i );                 /* expect[success]*1000: Test succeeded */
    WaitForSingleObject( thread, INFINITE );
    CloseHandle( thread );
    CloseHandle( go );
    ok( 0, "main after thread\n" );                   /* expect[*]: Test failed: main: main after thread */
    winetest_pop_context();
}

START_TEST(selftest)
{
    test_ok();
    test_todo();
    test_flaky();
    test_skip();
    test_broken();
    test_trace();
    test_context();
    test_helpers();
    test_failures();
    test_debugstr();
    test_thread();
}
