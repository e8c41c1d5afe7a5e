/*
 * Native tests of the wire protocol shared by vssapi.dll and winevssd
 * (providers/proto.c): round trips of every field kind, and rejection of
 * truncated, oversized, malformed and random input without crashing.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static unsigned int passed, failed;

#define check(cond, ...) do { \
	if (cond) { passed++; } else { failed++; printf("not ok - %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__); printf("\n"); } \
} while (0)

static const struct proto_guid guid_a = { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };

static void build_snapshot_message(struct proto_writer *w)
{
	struct proto_snapshot s = {
		.id = guid_a, .set_id = guid_a, .set_count = 2,
		.device = "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7",
		.original_volume = "\\\\?\\Volume{00000000-0000-0000-0000-000000000043}\\",
		.originating_machine = "host", .service_machine = "h\xc3\xb6st",
		.exposed_name = "", .exposed_path = "",
		.provider_id = guid_a, .attributes = 0x20040, .created = 0x01d9000011112222ull, .state = 12,
	};

	proto_writer_begin(w, PROTO_GET_SNAPSHOT, 77);
	proto_put_u32(w, PROTO_OK);
	proto_put_snapshot(w, &s);
}

static void test_round_trip(void)
{
	struct proto_writer w;
	struct proto_reader r;
	struct proto_header h;
	struct proto_snapshot s;

	proto_writer_init(&w);
	build_snapshot_message(&w);
	check(!proto_writer_finish(&w), "finish");
	check(!proto_header_parse(w.data, &h), "header parses");
	check(h.type == PROTO_GET_SNAPSHOT && h.id == 77, "type %u id %u", h.type, h.id);
	check(h.length == w.size - PROTO_HEADER_SIZE, "length %u", h.length);

	proto_reader_init(&r, w.data + PROTO_HEADER_SIZE, h.length);
	check(proto_get_u32(&r) == PROTO_OK, "status");
	proto_get_snapshot(&r, &s);
	check(!proto_reader_end(&r), "reader consumed everything");
	check(!memcmp(&s.id, &guid_a, sizeof(guid_a)), "guid");
	check(s.set_count == 2 && s.attributes == 0x20040 && s.state == 12, "numbers");
	check(s.created == 0x01d9000011112222ull, "u64");
	check(!strcmp(s.device, "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7"), "device %s", s.device);
	check(!strcmp(s.service_machine, "h\xc3\xb6st"), "utf-8 string");
	check(!strcmp(s.exposed_name, ""), "empty string");
	proto_writer_free(&w);
}

/* Every strict prefix of a valid payload must be rejected. */
static void test_truncation(void)
{
	struct proto_writer w;
	struct proto_reader r;
	struct proto_snapshot s;
	size_t len, bad = 0, total;

	proto_writer_init(&w);
	build_snapshot_message(&w);
	proto_writer_finish(&w);
	total = w.size - PROTO_HEADER_SIZE;
	for (len = 0; len < total; len++) {
		proto_reader_init(&r, w.data + PROTO_HEADER_SIZE, len);
		proto_get_u32(&r);
		proto_get_snapshot(&r, &s);
		bad += !proto_reader_end(&r);
	}
	check(!bad, "%zu truncated payloads accepted", bad);

	/* A trailing byte is rejected too. */
	w.data = realloc(w.data, w.size + 1);
	w.data[w.size] = 0;
	proto_reader_init(&r, w.data + PROTO_HEADER_SIZE, total + 1);
	proto_get_u32(&r);
	proto_get_snapshot(&r, &s);
	check(proto_reader_end(&r), "trailing byte accepted");
	proto_writer_free(&w);
}

static int read_one_string(const uint8_t *data, size_t size)
{
	struct proto_reader r;

	proto_reader_init(&r, data, size);
	proto_get_string(&r);
	return proto_reader_end(&r);
}

static void test_strings(void)
{
	static const uint8_t good[] = { 2, 0, 0, 0, 'o', 'k', 0 };
	static const uint8_t no_nul[] = { 2, 0, 0, 0, 'o', 'k', 'x' };
	static const uint8_t inner_nul[] = { 2, 0, 0, 0, 'o', 0, 0 };
	static const uint8_t overlong[] = { 2, 0, 0, 0, 0xc0, 0xaf, 0 };
	static const uint8_t surrogate[] = { 3, 0, 0, 0, 0xed, 0xa0, 0x80, 0 };
	static const uint8_t bad_cont[] = { 2, 0, 0, 0, 0xc3, 0x28, 0 };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0x7f, 'a', 0 };
	struct proto_writer w;
	char big[PROTO_MAX_STRING + 2];

	check(!read_one_string(good, sizeof(good)), "valid string rejected");
	check(read_one_string(no_nul, sizeof(no_nul)), "string without NUL accepted");
	check(read_one_string(inner_nul, sizeof(inner_nul)), "string with NUL inside accepted");
	check(read_one_string(overlong, sizeof(overlong)), "overlong UTF-8 accepted");
	check(read_one_string(surrogate, sizeof(surrogate)), "UTF-8 surrogate accepted");
	check(read_one_string(bad_cont, sizeof(bad_cont)), "bad continuation byte accepted");
	check(read_one_string(huge, sizeof(huge)), "huge length accepted");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	proto_writer_init(&w);
	proto_writer_begin(&w, PROTO_HELLO, 1);
	proto_put_string(&w, big);
	check(proto_writer_finish(&w), "oversized string written");
	proto_writer_free(&w);
}

static void test_headers(void)
{
	struct proto_writer w;
	struct proto_header h;
	uint8_t raw[PROTO_HEADER_SIZE];

	proto_writer_init(&w);
	proto_writer_begin(&w, PROTO_HELLO, 5);
	proto_writer_finish(&w);
	memcpy(raw, w.data, sizeof(raw));
	check(!proto_header_parse(raw, &h), "valid header rejected");

	raw[0] ^= 1;
	check(proto_header_parse(raw, &h), "wrong magic accepted");
	raw[0] ^= 1;
	raw[4] = PROTO_VERSION + 1;
	check(proto_header_parse(raw, &h), "unknown version accepted");
	raw[4] = PROTO_VERSION;
	raw[6] = PROTO_TYPE_COUNT;
	check(proto_header_parse(raw, &h), "unknown type accepted");
	raw[6] = 0;
	check(proto_header_parse(raw, &h), "type 0 accepted");
	raw[6] = PROTO_HELLO;
	raw[15] = 0x7f;
	check(proto_header_parse(raw, &h), "oversized length accepted");
	proto_writer_free(&w);
}

/* Random payloads: decoding never crashes and never reads past the end
 * (run under valgrind or ASan to see the latter). */
static void test_random_input(void)
{
	struct proto_snapshot s;
	struct proto_provider p;
	struct proto_reader r;
	uint8_t buf[512];
	unsigned int i, seed = 12345, accepted = 0;
	size_t j, len;

	for (i = 0; i < 20000; i++) {
		len = rand_r(&seed) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = rand_r(&seed) & (i & 1 ? 0x0f : 0xff);
		proto_reader_init(&r, buf, len);
		if (i & 2)
			proto_get_snapshot(&r, &s);
		else
			proto_get_provider(&r, &p);
		accepted += !proto_reader_end(&r);
	}
	check(1, "random input");
	printf("# %u of 20000 random payloads decoded cleanly\n", accepted);
}

static void test_writer_limit(void)
{
	struct proto_writer w;
	static uint8_t chunk[1 << 16];
	unsigned int i;

	proto_writer_init(&w);
	proto_writer_begin(&w, PROTO_QUERY_SNAPSHOTS, 1);
	for (i = 0; i < (PROTO_MAX_PAYLOAD >> 16) + 1; i++)
		proto_put_bytes(&w, chunk, sizeof(chunk));
	check(proto_writer_finish(&w), "payload over the maximum accepted");
	proto_writer_free(&w);
}

int main(void)
{
	test_round_trip();
	test_truncation();
	test_strings();
	test_headers();
	test_random_input();
	test_writer_limit();
	printf("test-proto: %u passed, %u failed\n", passed, failed);
	return failed != 0;
}
