/*
 * winevss conformance-test harness
 *
 * A small, header-only harness that follows the conventions and the output
 * format of Wine's test framework, so that tests written against it read like
 * Wine's dlls/<dll>/tests/ and could move upstream unchanged.  It was written
 * for this project from a description of the format; it is not Wine's file.
 *
 * Usage
 *
 *   Every test file includes "wine/test.h" and has one START_TEST(name).
 *   Exactly one translation unit of the program defines STANDALONE before
 *   including this header; that unit gets the implementation and main().
 *   In a program built from several test files that unit is a generated
 *   testlist.c:
 *
 *       #define STANDALONE
 *       #include "wine/test.h"
 *       extern void func_foo(void);
 *       extern void func_bar(void);
 *       const struct test winetest_testlist[] =
 *       {
 *           { "foo", func_foo },
 *           { "bar", func_bar },
 *           { 0, 0 }
 *       };
 *
 *   A single-file test just defines STANDALONE itself; START_TEST then also
 *   defines the one-entry winetest_testlist[].
 *
 *   Both main() and wmain() are provided, so the program links with or
 *   without -municode.
 *
 * Command line
 *
 *   prog.exe <test> [args...]   run one test (args are for the test itself,
 *                               see winetest_get_mainargs())
 *   prog.exe                    run every test of the list, in order
 *   prog.exe --list             list the test names
 *
 *   The exit status is the number of failures (failures plus todo blocks
 *   that succeeded, plus flaky failures with WINETEST_REPORT_FLAKY), capped
 *   at 255.  An unknown test name exits with 1.
 *
 * Output (stdout, switched to binary mode so that lines end in "\n" only; one
 * flushed write per line; "file" is the base name of __FILE__; "[t]" is the
 * elapsed "secs.msecs" with WINETEST_TIME=1, else empty)
 *
 *   file:line:[t] Test failed: ctx1: ctx2: message
 *   file:line:[t] Test marked todo: ...            (only when WINETEST_DEBUG > 0)
 *   file:line:[t] Test succeeded inside todo block: ...     (counts as failure)
 *   file:line:[t] Test marked flaky: ...
 *   file:line:[t] Test succeeded inside flaky todo block: ...
 *   file:line:[t] Tests skipped: ...
 *   file:line:[t] ctx: trace message               (only when WINETEST_DEBUG > 0)
 *   file:line:[t] Test succeeded                   (WINETEST_REPORT_SUCCESS=1)
 *   file:line:[t] Line has been silenced after 42 occurrences
 *   pid:test:[t] Silenced T todos, S skips and R traces.
 *   pid:test:[t] N tests executed (T marked as todo, F as flaky, X failures), S skipped.
 *
 *   pid is the process id in hex, at least 4 digits.  N counts every ok()
 *   (including todo and flaky ones) plus winetest_add_failures(); X counts
 *   failures plus todo blocks that succeeded, and reads "1 failure" when it
 *   is 1.  The summary is printed unless WINETEST_DEBUG=0 and nothing failed.
 *   Todo, skip and trace messages of one source line are silenced after 42
 *   occurrences unless WINETEST_DEBUG > 1; failures are never silenced.
 *
 *   wait_child_process() waits up to WINETEST_CHILD_TIMEOUT ms and adds the
 *   child's exit status to the failures ("file:line: N failures in child
 *   process"); a status above 255 is an unhandled exception and counts as
 *   one failure.  When the platform is "windows", an unhandled exception
 *   prints "file:line: this is the last test seen before the exception"
 *   and "pid:test: unhandled exception CODE at ADDRESS" (unless
 *   ignore_exceptions(TRUE) is in effect on that thread).
 *
 * Environment
 *
 *   WINETEST_PLATFORM        "wine" or "windows"; default "wine" when ntdll
 *                            exports wine_server_call, else "windows"
 *   WINETEST_DEBUG           0 quiet, 1 (default) normal, >1 verbose/no muting
 *   WINETEST_REPORT_SUCCESS  print "Test succeeded" for each passing ok()
 *   WINETEST_REPORT_FLAKY    count flaky failures in the exit status
 *   WINETEST_INTERACTIVE     sets winetest_interactive
 *   WINETEST_TIME            add the elapsed time to each line
 *   WINETEST_COLOR           colour the message kinds with ANSI escapes
 *
 * Semantics worth knowing
 *
 *   todo_wine marks the enclosed checks as known failures on Wine only;
 *   broken(x) is x on Windows and FALSE elsewhere; win_skip() is a skip on
 *   Windows and a failure (exactly like ok(0, ...)) elsewhere.  Counters are
 *   process wide and updated with Interlocked operations; the location, todo
 *   and flaky state and the context stack are per thread, so ok() may be
 *   used from any thread.  The harness preserves GetLastError() across its
 *   calls, so ok(GetLastError() == X, ...) works.
 *
 *   When wine/debug.h has NOT been included before this header, a subset of
 *   its helpers (wine_dbgstr_a/w/an/wn/guid/longlong/point/rect,
 *   wine_dbg_sprintf and the debugstr_* forms) is provided here.  To use the
 *   real wine/debug.h instead, include it before this header.
 */

#ifndef __WINE_WINE_TEST_H
#define __WINE_WINE_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windef.h>
#include <winbase.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __GNUC__
# ifdef __MINGW_PRINTF_FORMAT
#  define WINETEST_PRINTF_ATTR(fmt, args) __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, args)))
# else
#  define WINETEST_PRINTF_ATTR(fmt, args) __attribute__((format(printf, fmt, args)))
# endif
#else
# define WINETEST_PRINTF_ATTR(fmt, args)
#endif

/* How long winetest_wait_child_process() waits for a child, in ms. */
#ifndef WINETEST_CHILD_TIMEOUT
#define WINETEST_CHILD_TIMEOUT 120000
#endif

struct test
{
    const char *name;
    void (*func)(void);
};

/* Settings, read from the environment at start-up. */
extern int winetest_debug;
extern int winetest_interactive;
extern int winetest_report_success;
extern int winetest_report_flaky;
extern int winetest_time;
extern int winetest_color;
extern int winetest_mute_threshold;
extern const char *winetest_platform;
extern int winetest_platform_is_wine;
extern int winetest_platform_is_windows;

extern void winetest_set_location( const char *file, int line );
extern int winetest_vok( int condition, const char *msg, va_list args );
extern int winetest_ok( int condition, const char *msg, ... ) WINETEST_PRINTF_ATTR(2,3);
extern void winetest_vskip( const char *msg, va_list args );
extern void winetest_skip( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_win_skip( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_trace( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_subtest( const char *name );
extern void winetest_ignore_exceptions( BOOL ignore );
extern void winetest_wait_child_process( HANDLE process );

extern void winetest_start_todo( int is_todo );
extern int winetest_loop_todo( void );
extern void winetest_end_todo( void );
extern void winetest_start_flaky( int is_flaky );
extern int winetest_loop_flaky( void );
extern void winetest_end_flaky( void );

extern void winetest_push_context( const char *fmt, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_pop_context( void );

extern int winetest_get_mainargs( char ***pargv );
extern LONG winetest_get_failures( void );
extern void winetest_add_failures( LONG new_failures );

/* Lower-level output: "file:line:[t] " followed by the message. */
extern void winetest_printf( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
/* Keeps other threads from printing until the matching unlock (recursive). */
extern void winetest_print_lock( void );
extern void winetest_print_unlock( void );
/* "secs.msecs" since start-up when WINETEST_TIME is set, else "". */
extern const char *winetest_elapsed( void );
/* Per-thread scratch memory that stays valid for a while (ring buffer). */
extern char *winetest_get_temp_buffer( size_t len );

#define ok_(file, line)       (winetest_set_location(file, line), 0) ? (void)0 : winetest_ok
#define skip_(file, line)     (winetest_set_location(file, line), 0) ? (void)0 : winetest_skip
#define win_skip_(file, line) (winetest_set_location(file, line), 0) ? (void)0 : winetest_win_skip
#define trace_(file, line)    (winetest_set_location(file, line), 0) ? (void)0 : winetest_trace
#define subtest_(file, line)  (winetest_set_location(file, line), 0) ? (void)0 : winetest_subtest
#define wait_child_process_(file, line) \
    (winetest_set_location(file, line), 0) ? (void)0 : winetest_wait_child_process

#define ok                    ok_(__FILE__, __LINE__)
#define skip                  skip_(__FILE__, __LINE__)
#define win_skip              win_skip_(__FILE__, __LINE__)
#define trace                 trace_(__FILE__, __LINE__)
#define subtest               subtest_(__FILE__, __LINE__)
#define wait_child_process    wait_child_process_(__FILE__, __LINE__)
#define ignore_exceptions(ignore) winetest_ignore_exceptions(ignore)

#define todo_if(is_todo) for (winetest_start_todo(is_todo); \
                              winetest_loop_todo(); \
                              winetest_end_todo())
#define todo_wine               todo_if(winetest_platform_is_wine)
#define todo_wine_if(is_todo)   todo_if((is_todo) && winetest_platform_is_wine)

#define flaky_if(is_flaky) for (winetest_start_flaky(is_flaky); \
                                winetest_loop_flaky(); \
                                winetest_end_flaky())
#define flaky                   flaky_if(TRUE)
#define flaky_wine              flaky_if(winetest_platform_is_wine)
#define flaky_wine_if(is_flaky) flaky_if((is_flaky) && winetest_platform_is_wine)

#define broken(res) (winetest_platform_is_windows && (res))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

#ifdef STANDALONE
#define START_TEST(name) \
    static void func_##name(void); \
    const struct test winetest_testlist[] = { { #name, func_##name }, { 0, 0 } }; \
    static void func_##name(void)
#else
#define START_TEST(name) \
    void func_##name(void); \
    void func_##name(void)
#endif


/*
 * Debug-string helpers, used when wine/debug.h is not available.
 * They return strings in the per-thread ring buffer.
 */
#ifndef __WINE_WINE_DEBUG_H

#define WINETEST_DBGSTR_MAX 200  /* characters of a string shown before "..." */

static inline const char *winetest_dbgstr_copy( const char *str, size_t len )
{
    char *ret = winetest_get_temp_buffer( len + 1 );
    memcpy( ret, str, len );
    ret[len] = 0;
    return ret;
}

static inline const char * WINETEST_PRINTF_ATTR(1,2) wine_dbg_sprintf( const char *format, ... )
{
    char buffer[512];
    va_list args;
    int len;

    va_start( args, format );
    len = vsnprintf( buffer, sizeof(buffer), format, args );
    va_end( args );
    if (len < 0 || len >= (int)sizeof(buffer)) len = sizeof(buffer) - 1;
    buffer[len] = 0;
    return winetest_dbgstr_copy( buffer, len );
}

/* Escapes one character the way Wine's debug strings do; returns the length. */
static inline int winetest_dbgstr_escape( char *dst, unsigned int c, int hex_digits )
{
    switch (c)
    {
    case '\n': strcpy( dst, "\\n" ); return 2;
    case '\r': strcpy( dst, "\\r" ); return 2;
    case '\t': strcpy( dst, "\\t" ); return 2;
    case '"':  strcpy( dst, "\\\"" ); return 2;
    case '\\': strcpy( dst, "\\\\" ); return 2;
    }
    if (c >= ' ' && c < 127)
    {
        dst[0] = (char)c;
        dst[1] = 0;
        return 1;
    }
    return sprintf( dst, "\\%0*x", hex_digits, c );
}

static inline const char *wine_dbgstr_an( const char *str, int n )
{
    char buffer[WINETEST_DBGSTR_MAX * 5 + 16];
    int pos = 0, count = 0;

    if (!str) return "(null)";
    if (!((ULONG_PTR)str >> 16)) return wine_dbg_sprintf( "#%04x", (unsigned int)(ULONG_PTR)str );
    if (n == -1) n = (int)strlen( str );
    if (n < 0) n = 0;
    buffer[pos++] = '"';
    for (count = 0; count < n && count < WINETEST_DBGSTR_MAX; count++)
        pos += winetest_dbgstr_escape( buffer + pos, (unsigned char)str[count], 2 );
    buffer[pos++] = '"';
    if (count < n)
    {
        memcpy( buffer + pos, "...", 3 );
        pos += 3;
    }
    return winetest_dbgstr_copy( buffer, pos );
}

static inline const char *wine_dbgstr_wn( const WCHAR *str, int n )
{
    char buffer[WINETEST_DBGSTR_MAX * 5 + 16];
    int pos = 0, count = 0;

    if (!str) return "(null)";
    if (!((ULONG_PTR)str >> 16)) return wine_dbg_sprintf( "#%04x", (unsigned int)(ULONG_PTR)str );
    if (n == -1) for (n = 0; str[n]; n++) ;
    if (n < 0) n = 0;
    buffer[pos++] = 'L';
    buffer[pos++] = '"';
    for (count = 0; count < n && count < WINETEST_DBGSTR_MAX; count++)
        pos += winetest_dbgstr_escape( buffer + pos, str[count], 4 );
    buffer[pos++] = '"';
    if (count < n)
    {
        memcpy( buffer + pos, "...", 3 );
        pos += 3;
    }
    return winetest_dbgstr_copy( buffer, pos );
}

static inline const char *wine_dbgstr_a( const char *str ) { return wine_dbgstr_an( str, -1 ); }
static inline const char *wine_dbgstr_w( const WCHAR *str ) { return wine_dbgstr_wn( str, -1 ); }

static inline const char *wine_dbgstr_guid( const GUID *id )
{
    if (!id) return "(null)";
    if (!((ULONG_PTR)id >> 16)) return wine_dbg_sprintf( "<guid-0x%04x>", (unsigned int)(ULONG_PTR)id );
    return wine_dbg_sprintf( "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                             (unsigned int)id->Data1, id->Data2, id->Data3,
                             id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3],
                             id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7] );
}

static inline const char *wine_dbgstr_longlong( ULONGLONG value )
{
    if (value >> 32)
        return wine_dbg_sprintf( "%x%08x", (unsigned int)(value >> 32), (unsigned int)value );
    return wine_dbg_sprintf( "%x", (unsigned int)value );
}

static inline const char *wine_dbgstr_point( const POINT *pt )
{
    if (!pt) return "(null)";
    return wine_dbg_sprintf( "(%ld,%ld)", (long)pt->x, (long)pt->y );
}

static inline const char *wine_dbgstr_rect( const RECT *rect )
{
    if (!rect) return "(null)";
    return wine_dbg_sprintf( "(%ld,%ld)-(%ld,%ld)", (long)rect->left, (long)rect->top,
                             (long)rect->right, (long)rect->bottom );
}

static inline const char *debugstr_an( const char *str, int n ) { return wine_dbgstr_an( str, n ); }
static inline const char *debugstr_wn( const WCHAR *str, int n ) { return wine_dbgstr_wn( str, n ); }
static inline const char *debugstr_a( const char *str ) { return wine_dbgstr_an( str, -1 ); }
static inline const char *debugstr_w( const WCHAR *str ) { return wine_dbgstr_wn( str, -1 ); }
static inline const char *debugstr_guid( const GUID *id ) { return wine_dbgstr_guid( id ); }

#endif  /* __WINE_WINE_DEBUG_H */

#ifdef __cplusplus
}
#endif


/*
 * Implementation: only in the translation unit that defines STANDALONE.
 */
#ifdef STANDALONE

#include <fcntl.h>
#include <io.h>
#include <winnls.h>

extern const struct test winetest_testlist[];

int winetest_debug = 1;
int winetest_interactive;
int winetest_report_success;
int winetest_report_flaky;
int winetest_time;
int winetest_color;
int winetest_mute_threshold = 42;
const char *winetest_platform = "windows";
int winetest_platform_is_wine;
int winetest_platform_is_windows = 1;

#define WINETEST_MAX_CONTEXT   16
#define WINETEST_CONTEXT_LEN   128
#define WINETEST_TEMP_LEN      8192
#define WINETEST_MAX_LINE      (1024 * 1024)
#define WINETEST_MUTE_ENTRIES  4096

/* Everything a thread owns; allocated on its first use of the harness. */
struct winetest_thread_data
{
    const char *file;               /* location set by the last ok()/skip()/... */
    int line;
    unsigned int todo_level;        /* one bit per nested todo_if(), innermost in bit 0 */
    unsigned int flaky_level;       /* same for flaky_if() */
    int todo_do_loop;
    int flaky_do_loop;
    int exceptions_ignored;
    unsigned int context_count;     /* may exceed WINETEST_MAX_CONTEXT; extra levels are not shown */
    char context[WINETEST_MAX_CONTEXT][WINETEST_CONTEXT_LEN];
    size_t temp_pos;
    char temp[WINETEST_TEMP_LEN];
};

/* Source lines seen by todo/skip/trace messages, for muting. */
struct winetest_mute_entry
{
    const char *file;
    int line;
    int count;
};

static int winetest_argc;
static char **winetest_argv;
static const struct test *winetest_current_test;
static DWORD winetest_start_ticks;
static DWORD winetest_tls_index = TLS_OUT_OF_INDEXES;
static LONG winetest_init_state;    /* 0 not done, 1 in progress, 2 done */
static CRITICAL_SECTION winetest_output_cs;  /* serialises whole output lines */
static CRITICAL_SECTION winetest_mute_cs;    /* protects winetest_mute_table */
static struct winetest_mute_entry winetest_mute_table[WINETEST_MUTE_ENTRIES];

/* Counters of the running test, updated with Interlocked operations. */
static LONG winetest_successes;
static LONG winetest_failures;
static LONG winetest_flaky_failures;
static LONG winetest_todo_successes;  /* todo checks that failed, as expected */
static LONG winetest_todo_failures;   /* todo checks that succeeded */
static LONG winetest_skipped;
static LONG winetest_muted_todos;
static LONG winetest_muted_skips;
static LONG winetest_muted_traces;

#define WINETEST_COLOR_RED    "\033[1;31m"
#define WINETEST_COLOR_GREEN  "\033[1;32m"
#define WINETEST_COLOR_YELLOW "\033[1;33m"
#define WINETEST_COLOR_BLUE   "\033[1;34m"
#define WINETEST_COLOR_RESET  "\033[0m"

static int winetest_env_int( const char *name, int def )
{
    const char *value = getenv( name );
    return value && *value ? atoi( value ) : def;
}

static void winetest_read_settings( void )
{
    const char *platform = getenv( "WINETEST_PLATFORM" );

    if (!platform || !*platform)
    {
        HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
        platform = ntdll && GetProcAddress( ntdll, "wine_server_call" ) ? "wine" : "windows";
    }
    winetest_platform = platform;
    winetest_platform_is_wine = !strcmp( platform, "wine" );
    winetest_platform_is_windows = !strcmp( platform, "windows" );

    winetest_debug = winetest_env_int( "WINETEST_DEBUG", 1 );
    winetest_interactive = winetest_env_int( "WINETEST_INTERACTIVE", 0 );
    winetest_report_success = winetest_env_int( "WINETEST_REPORT_SUCCESS", 0 );
    winetest_report_flaky = winetest_env_int( "WINETEST_REPORT_FLAKY", 0 );
    winetest_time = winetest_env_int( "WINETEST_TIME", 0 );
    winetest_color = winetest_env_int( "WINETEST_COLOR", 0 );
    if (winetest_debug > 1) winetest_mute_threshold = 0x7fffffff;
}

/* Sets up the process-wide state once; safe to call from any thread. */
static void winetest_init( void )
{
    if (InterlockedCompareExchange( &winetest_init_state, 1, 0 ) == 0)
    {
        winetest_start_ticks = GetTickCount();
        winetest_tls_index = TlsAlloc();
        InitializeCriticalSection( &winetest_output_cs );
        InitializeCriticalSection( &winetest_mute_cs );
        winetest_read_settings();
        InterlockedExchange( &winetest_init_state, 2 );
    }
    else while (InterlockedCompareExchange( &winetest_init_state, 2, 2 ) != 2) Sleep( 0 );
}

static struct winetest_thread_data *winetest_get_thread_data( void )
{
    DWORD last_error = GetLastError();
    struct winetest_thread_data *data;

    winetest_init();
    if (!(data = TlsGetValue( winetest_tls_index )))
    {
        if (!(data = HeapAlloc( GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*data) )))
        {
            fputs( "wine/test.h: out of memory\n", stderr );
            ExitProcess( 255 );
        }
        TlsSetValue( winetest_tls_index, data );
    }
    SetLastError( last_error );
    return data;
}

/* An output line under construction; starts in the embedded buffer. */
struct winetest_line
{
    char *buf;
    size_t len;
    size_t size;
    char stack[1024];
};

static void winetest_line_init( struct winetest_line *l )
{
    l->buf = l->stack;
    l->len = 0;
    l->size = sizeof(l->stack);
    l->buf[0] = 0;
}

static void winetest_line_vappend( struct winetest_line *l, const char *fmt, va_list args )
{
    for (;;)
    {
        size_t avail = l->size - l->len, new_size;
        char *new_buf;
        va_list copy;
        int n;

        va_copy( copy, args );
        n = vsnprintf( l->buf + l->len, avail, fmt, copy );
        va_end( copy );
        if (n >= 0 && (size_t)n < avail)
        {
            l->len += n;
            return;
        }
        new_size = n >= 0 ? l->len + n + 1 : l->size * 2;
        if (new_size > WINETEST_MAX_LINE || !(new_buf = malloc( new_size )))
        {
            /* Keep what fits. */
            l->buf[l->size - 1] = 0;
            l->len = strlen( l->buf );
            return;
        }
        memcpy( new_buf, l->buf, l->len + 1 );
        if (l->buf != l->stack) free( l->buf );
        l->buf = new_buf;
        l->size = new_size;
    }
}

static void WINETEST_PRINTF_ATTR(2,3) winetest_line_append( struct winetest_line *l, const char *fmt, ... )
{
    va_list args;

    va_start( args, fmt );
    winetest_line_vappend( l, fmt, args );
    va_end( args );
}

/* Writes the line with a single write and releases it. */
static void winetest_line_flush( struct winetest_line *l )
{
    EnterCriticalSection( &winetest_output_cs );
    fwrite( l->buf, 1, l->len, stdout );
    fflush( stdout );
    LeaveCriticalSection( &winetest_output_cs );
    if (l->buf != l->stack) free( l->buf );
    winetest_line_init( l );
}

static void winetest_format_elapsed( char *buffer, size_t size )
{
    DWORD ticks;

    buffer[0] = 0;
    if (!winetest_time) return;
    ticks = GetTickCount() - winetest_start_ticks;
    snprintf( buffer, size, "%u.%03u", (unsigned int)(ticks / 1000), (unsigned int)(ticks % 1000) );
}

static const char *winetest_basename( const char *file )
{
    const char *p;

    if (!file) return "unknown";
    if ((p = strrchr( file, '/' ))) file = p + 1;
    if ((p = strrchr( file, '\\' ))) file = p + 1;
    return file;
}

/* Starts a line with "file:line:[t] " for the thread's current location. */
static void winetest_line_start( struct winetest_line *l, const struct winetest_thread_data *data )
{
    char elapsed[32];

    winetest_line_init( l );
    winetest_format_elapsed( elapsed, sizeof(elapsed) );
    winetest_line_append( l, "%s:%d:%s ", winetest_basename( data->file ), data->line, elapsed );
}

/* Appends a message kind such as "Test failed", with colour if enabled. */
static void winetest_line_kind( struct winetest_line *l, const char *color, const char *kind )
{
    if (winetest_color) winetest_line_append( l, "%s%s%s: ", color, kind, WINETEST_COLOR_RESET );
    else winetest_line_append( l, "%s: ", kind );
}

static void winetest_line_context( struct winetest_line *l, const struct winetest_thread_data *data )
{
    unsigned int i;

    for (i = 0; i < data->context_count && i < WINETEST_MAX_CONTEXT; i++)
        winetest_line_append( l, "%s: ", data->context[i] );
}

/* Prints one message: location, optional kind, contexts, then the message. */
static void winetest_print_message( const struct winetest_thread_data *data, const char *color,
                                    const char *kind, const char *msg, va_list args )
{
    struct winetest_line l;

    winetest_line_start( &l, data );
    if (kind) winetest_line_kind( &l, color, kind );
    winetest_line_context( &l, data );
    winetest_line_vappend( &l, msg, args );
    winetest_line_flush( &l );
}

/*
 * Counts one more occurrence of a muted message kind at the thread's
 * location and tells whether to print it.  The threshold-th occurrence is
 * printed, followed by the "silenced" note; later ones are not.
 */
static int winetest_mute_check( const struct winetest_thread_data *data, int *silence_now )
{
    size_t i, hash;
    int count = 1;

    *silence_now = 0;
    if (winetest_mute_threshold == 0x7fffffff) return 1;

    hash = ((ULONG_PTR)data->file >> 2) * 31 + (size_t)data->line;
    EnterCriticalSection( &winetest_mute_cs );
    for (i = 0; i < WINETEST_MUTE_ENTRIES; i++)
    {
        struct winetest_mute_entry *entry = &winetest_mute_table[(hash + i) % WINETEST_MUTE_ENTRIES];
        if (!entry->file)
        {
            entry->file = data->file;
            entry->line = data->line;
        }
        if (entry->file == data->file && entry->line == data->line)
        {
            count = ++entry->count;
            break;
        }
    }
    LeaveCriticalSection( &winetest_mute_cs );

    if (count > winetest_mute_threshold) return 0;
    *silence_now = count == winetest_mute_threshold;
    return 1;
}

static void winetest_print_silenced( const struct winetest_thread_data *data )
{
    struct winetest_line l;

    winetest_line_start( &l, data );
    winetest_line_append( &l, "Line has been silenced after %d occurrences\n", winetest_mute_threshold );
    winetest_line_flush( &l );
}

/* Prints a todo/skip/trace message unless its line is muted; returns FALSE if muted. */
static int winetest_print_mutable( const struct winetest_thread_data *data, const char *color,
                                   const char *kind, const char *msg, va_list args )
{
    int silence_now;

    if (!winetest_mute_check( data, &silence_now )) return 0;
    winetest_print_message( data, color, kind, msg, args );
    if (silence_now) winetest_print_silenced( data );
    return 1;
}

void winetest_set_location( const char *file, int line )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    data->file = file;
    data->line = line;
}

int winetest_vok( int condition, const char *msg, va_list args )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    DWORD last_error = GetLastError();
    int ret;

    if (data->todo_level)
    {
        if (condition)
        {
            winetest_print_message( data, WINETEST_COLOR_RED, data->flaky_level ?
                                    "Test succeeded inside flaky todo block" :
                                    "Test succeeded inside todo block", msg, args );
            if (data->flaky_level) InterlockedIncrement( &winetest_flaky_failures );
            else InterlockedIncrement( &winetest_todo_failures );
            ret = 0;
        }
        else
        {
            if (winetest_debug > 0 &&
                !winetest_print_mutable( data, WINETEST_COLOR_YELLOW, "Test marked todo", msg, args ))
                InterlockedIncrement( &winetest_muted_todos );
            InterlockedIncrement( &winetest_todo_successes );
            ret = 1;
        }
    }
    else if (!condition)
    {
        if (data->flaky_level)
        {
            winetest_print_message( data, WINETEST_COLOR_YELLOW, "Test marked flaky", msg, args );
            InterlockedIncrement( &winetest_flaky_failures );
        }
        else
        {
            winetest_print_message( data, WINETEST_COLOR_RED, "Test failed", msg, args );
            InterlockedIncrement( &winetest_failures );
        }
        ret = 0;
    }
    else
    {
        if (winetest_report_success)
        {
            struct winetest_line l;

            winetest_line_start( &l, data );
            if (winetest_color)
                winetest_line_append( &l, "%sTest succeeded%s\n", WINETEST_COLOR_GREEN, WINETEST_COLOR_RESET );
            else
                winetest_line_append( &l, "Test succeeded\n" );
            winetest_line_flush( &l );
        }
        InterlockedIncrement( &winetest_successes );
        ret = 1;
    }
    SetLastError( last_error );
    return ret;
}

int winetest_ok( int condition, const char *msg, ... )
{
    va_list args;
    int ret;

    va_start( args, msg );
    ret = winetest_vok( condition, msg, args );
    va_end( args );
    return ret;
}

void winetest_vskip( const char *msg, va_list args )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    DWORD last_error = GetLastError();

    if (!winetest_print_mutable( data, WINETEST_COLOR_BLUE, "Tests skipped", msg, args ))
        InterlockedIncrement( &winetest_muted_skips );
    InterlockedIncrement( &winetest_skipped );
    SetLastError( last_error );
}

void winetest_skip( const char *msg, ... )
{
    va_list args;

    va_start( args, msg );
    winetest_vskip( msg, args );
    va_end( args );
}

void winetest_win_skip( const char *msg, ... )
{
    va_list args;

    va_start( args, msg );
    if (winetest_platform_is_windows) winetest_vskip( msg, args );
    else winetest_vok( 0, msg, args );
    va_end( args );
}

void winetest_trace( const char *msg, ... )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    DWORD last_error = GetLastError();
    va_list args;

    if (winetest_debug > 0)
    {
        va_start( args, msg );
        if (!winetest_print_mutable( data, NULL, NULL, msg, args ))
            InterlockedIncrement( &winetest_muted_traces );
        va_end( args );
    }
    SetLastError( last_error );
}

void winetest_printf( const char *msg, ... )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    DWORD last_error = GetLastError();
    struct winetest_line l;
    va_list args;

    winetest_line_start( &l, data );
    va_start( args, msg );
    winetest_line_vappend( &l, msg, args );
    va_end( args );
    winetest_line_flush( &l );
    SetLastError( last_error );
}

void winetest_subtest( const char *name )
{
    winetest_printf( "Subtest %s\n", name );
}

void winetest_ignore_exceptions( BOOL ignore )
{
    winetest_get_thread_data()->exceptions_ignored = !!ignore;
}

void winetest_start_todo( int is_todo )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    data->todo_level = (data->todo_level << 1) | (is_todo != 0);
    data->todo_do_loop = 1;
}

int winetest_loop_todo( void )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    int do_loop = data->todo_do_loop;

    data->todo_do_loop = 0;
    return do_loop;
}

void winetest_end_todo( void )
{
    winetest_get_thread_data()->todo_level >>= 1;
}

void winetest_start_flaky( int is_flaky )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    data->flaky_level = (data->flaky_level << 1) | (is_flaky != 0);
    data->flaky_do_loop = 1;
}

int winetest_loop_flaky( void )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    int do_loop = data->flaky_do_loop;

    data->flaky_do_loop = 0;
    return do_loop;
}

void winetest_end_flaky( void )
{
    winetest_get_thread_data()->flaky_level >>= 1;
}

void winetest_push_context( const char *fmt, ... )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    DWORD last_error = GetLastError();
    va_list args;

    if (data->context_count < WINETEST_MAX_CONTEXT)
    {
        char *buffer = data->context[data->context_count];
        int len;

        va_start( args, fmt );
        len = vsnprintf( buffer, WINETEST_CONTEXT_LEN, fmt, args );
        va_end( args );
        if (len < 0 || len >= WINETEST_CONTEXT_LEN) buffer[WINETEST_CONTEXT_LEN - 1] = 0;
    }
    data->context_count++;
    SetLastError( last_error );
}

void winetest_pop_context( void )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    if (data->context_count) data->context_count--;
}

int winetest_get_mainargs( char ***pargv )
{
    *pargv = winetest_argv;
    return winetest_argc;
}

LONG winetest_get_failures( void )
{
    return winetest_failures + winetest_todo_failures;
}

void winetest_add_failures( LONG new_failures )
{
    if (new_failures > 0) InterlockedExchangeAdd( &winetest_failures, new_failures );
}

void winetest_wait_child_process( HANDLE process )
{
    DWORD exit_code = 1, ret;

    ret = WaitForSingleObject( process, WINETEST_CHILD_TIMEOUT );
    if (ret == WAIT_TIMEOUT)
    {
        winetest_printf( "Timed out waiting for the child process\n" );
        InterlockedIncrement( &winetest_failures );
    }
    else if (ret != WAIT_OBJECT_0 || !GetExitCodeProcess( process, &exit_code ))
    {
        winetest_printf( "Failed to get the child process status, error %lu\n", GetLastError() );
        InterlockedIncrement( &winetest_failures );
    }
    else if (exit_code > 255)
    {
        winetest_printf( "unhandled exception %08lx in child process %04lx\n",
                         exit_code, GetProcessId( process ) );
        InterlockedIncrement( &winetest_failures );
    }
    else if (exit_code)
    {
        winetest_printf( "%lu failure%s in child process\n", exit_code, exit_code == 1 ? "" : "s" );
        winetest_add_failures( exit_code );
    }
}

void winetest_print_lock( void )
{
    winetest_init();
    EnterCriticalSection( &winetest_output_cs );
}

void winetest_print_unlock( void )
{
    LeaveCriticalSection( &winetest_output_cs );
}

const char *winetest_elapsed( void )
{
    char buffer[32];

    winetest_format_elapsed( buffer, sizeof(buffer) );
    return strcpy( winetest_get_temp_buffer( strlen( buffer ) + 1 ), buffer );
}

char *winetest_get_temp_buffer( size_t len )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    char *ret;

    if (len > WINETEST_TEMP_LEN / 2)
    {
        /* Too big for the ring: never freed, but never reused either. */
        if (!(ret = HeapAlloc( GetProcessHeap(), 0, len ? len : 1 ))) ExitProcess( 255 );
        return ret;
    }
    if (data->temp_pos + len > WINETEST_TEMP_LEN) data->temp_pos = 0;
    ret = data->temp + data->temp_pos;
    data->temp_pos += len;
    return ret;
}

/* Prints a "pid:test:[t] " line about the whole test. */
static void WINETEST_PRINTF_ATTR(1,2) winetest_print_test_line( const char *msg, ... )
{
    struct winetest_line l;
    char elapsed[32];
    va_list args;

    winetest_line_init( &l );
    winetest_format_elapsed( elapsed, sizeof(elapsed) );
    winetest_line_append( &l, "%04x:%s:%s ", (unsigned int)GetCurrentProcessId(),
                          winetest_current_test ? winetest_current_test->name : "unknown", elapsed );
    va_start( args, msg );
    winetest_line_vappend( &l, msg, args );
    va_end( args );
    winetest_line_flush( &l );
}

/* Installed on Windows only; on Wine the debugger reports crashes. */
static LONG WINAPI winetest_exception_filter( EXCEPTION_POINTERS *ptrs )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    if (data->exceptions_ignored) return EXCEPTION_CONTINUE_SEARCH;
    if (data->file)
    {
        struct winetest_line l;

        winetest_line_start( &l, data );
        winetest_line_append( &l, "this is the last test seen before the exception\n" );
        winetest_line_flush( &l );
    }
    winetest_print_test_line( "unhandled exception %08x at %p\n",
                              (unsigned int)ptrs->ExceptionRecord->ExceptionCode,
                              ptrs->ExceptionRecord->ExceptionAddress );
    return EXCEPTION_EXECUTE_HANDLER;
}

static void winetest_reset_counters( void )
{
    winetest_successes = winetest_failures = winetest_flaky_failures = 0;
    winetest_todo_successes = winetest_todo_failures = winetest_skipped = 0;
    winetest_muted_todos = winetest_muted_skips = winetest_muted_traces = 0;
    memset( winetest_mute_table, 0, sizeof(winetest_mute_table) );
}

/* Runs one test and prints its summary; returns its failure count. */
static LONG winetest_run_test( const struct test *test )
{
    LONG executed, failures, status;

    winetest_reset_counters();
    winetest_current_test = test;
    test->func();

    if (winetest_muted_todos || winetest_muted_skips || winetest_muted_traces)
        winetest_print_test_line( "Silenced %ld todos, %ld skips and %ld traces.\n",
                                  winetest_muted_todos, winetest_muted_skips, winetest_muted_traces );

    executed = winetest_successes + winetest_failures + winetest_flaky_failures +
               winetest_todo_successes + winetest_todo_failures;
    failures = winetest_failures + winetest_todo_failures;
    status = failures + (winetest_report_flaky ? winetest_flaky_failures : 0);
    if (winetest_debug > 0 || status)
        winetest_print_test_line( "%ld tests executed (%ld marked as todo, %ld as flaky, %ld failure%s), %ld skipped.\n",
                                  executed, winetest_todo_successes, winetest_flaky_failures,
                                  failures, failures == 1 ? "" : "s", winetest_skipped );
    return status;
}

static int winetest_main( int argc, char **argv )
{
    const struct test *test;
    LONG status = 0;

    winetest_argc = argc;
    winetest_argv = argv;
    /* Plain "\n" line ends, also when the output goes to a Unix pipe under Wine. */
    _setmode( _fileno( stdout ), _O_BINARY );
    winetest_init();
    winetest_get_thread_data();

    if (winetest_platform_is_windows)
    {
        SetErrorMode( SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX );
        SetUnhandledExceptionFilter( winetest_exception_filter );
    }

    if (argc > 1 && !strcmp( argv[1], "--list" ))
    {
        printf( "Valid test names:\n" );
        for (test = winetest_testlist; test->name; test++) printf( "    %s\n", test->name );
        fflush( stdout );
        return 0;
    }

    if (argc > 1)
    {
        for (test = winetest_testlist; test->name; test++)
            if (!strcmp( test->name, argv[1] )) break;
        if (!test->name)
        {
            fprintf( stderr, "Fatal: test '%s' does not exist.\n", argv[1] );
            return 1;
        }
        status = winetest_run_test( test );
    }
    else
    {
        for (test = winetest_testlist; test->name; test++)
            status += winetest_run_test( test );
    }
    return status > 255 ? 255 : (int)status;
}

int main( int argc, char **argv )
{
    return winetest_main( argc, argv );
}

/* Entry point under -municode: the arguments in the ANSI code page. */
int wmain( int argc, WCHAR **wargv );
int wmain( int argc, WCHAR **wargv )
{
    char **argv = HeapAlloc( GetProcessHeap(), 0, (argc + 1) * sizeof(*argv) );
    int i;

    if (!argv) return 255;
    for (i = 0; i < argc; i++)
    {
        int len = WideCharToMultiByte( CP_ACP, 0, wargv[i], -1, NULL, 0, NULL, NULL );

        if (!(argv[i] = HeapAlloc( GetProcessHeap(), 0, len > 0 ? len : 1 ))) return 255;
        argv[i][0] = 0;
        if (len > 0) WideCharToMultiByte( CP_ACP, 0, wargv[i], -1, argv[i], len, NULL, NULL );
    }
    argv[argc] = NULL;
    return winetest_main( argc, argv );
}

#endif  /* STANDALONE */

#endif  /* __WINE_WINE_TEST_H */
