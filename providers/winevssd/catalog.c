/*
 * winevssd catalog: SQLite storage of snapshot records.  See catalog.h.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "agent.h"
#include "catalog.h"
#include "log.h"

struct catalog {
	sqlite3 *db;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS snapshots ("
	" id TEXT PRIMARY KEY,"
	" set_id TEXT NOT NULL,"
	" set_count INTEGER NOT NULL,"
	" volume_name TEXT NOT NULL,"
	" volume_root TEXT NOT NULL,"
	" provider TEXT NOT NULL,"
	" provider_id TEXT NOT NULL,"
	" storage TEXT NOT NULL,"
	" device INTEGER NOT NULL DEFAULT 0,"
	" attributes INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" committed INTEGER NOT NULL DEFAULT 0,"
	" run_id INTEGER NOT NULL DEFAULT 0,"
	" session INTEGER NOT NULL DEFAULT 0,"
	" exposed_name TEXT NOT NULL DEFAULT '',"
	" exposed_path TEXT NOT NULL DEFAULT '');"
	"INSERT OR IGNORE INTO meta VALUES ('next_device', 1);";

static int sql_fail(struct catalog *c, const char *what)
{
	log_error("catalog: %s: %s", what, sqlite3_errmsg(c->db));
	return -EIO;
}

static int exec(struct catalog *c, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("catalog: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int check_schema_version(struct catalog *c)
{
	sqlite3_stmt *st;
	int version = 0, r;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c, "user_version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	if (version == CATALOG_SCHEMA_VERSION)
		return 0;
	/* Version 2 added the exposure columns. */
	if (version == 1)
		return exec(c, "ALTER TABLE snapshots ADD COLUMN exposed_name TEXT NOT NULL DEFAULT '';"
			    "ALTER TABLE snapshots ADD COLUMN exposed_path TEXT NOT NULL DEFAULT '';"
			    "PRAGMA user_version = 2");
	if (version != 0) {
		log_error("catalog: schema version %d is newer than this agent's %d",
			  version, CATALOG_SCHEMA_VERSION);
		return -EPROTO;
	}
	r = exec(c, schema);
	if (!r)
		r = exec(c, "PRAGMA user_version = 2");
	return r;
}

int catalog_open(const char *path, struct catalog **out)
{
	struct catalog *c;
	int r;

	if (!(c = calloc(1, sizeof(*c))))
		return -ENOMEM;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		r = sql_fail(c, path);
		goto fail;
	}
	sqlite3_busy_timeout(c->db, 5000);
	/* Durable commits: a record must survive a crash right after it. */
	if ((r = exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL")))
		goto fail;
	if ((r = check_schema_version(c)))
		goto fail;
	*out = c;
	return 0;
fail:
	sqlite3_close(c->db);
	free(c);
	return r;
}

void catalog_close(struct catalog *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c);
}

int catalog_begin(struct catalog *c)
{
	return exec(c, "BEGIN IMMEDIATE");
}

int catalog_commit(struct catalog *c)
{
	return exec(c, "COMMIT");
}

void catalog_rollback(struct catalog *c)
{
	exec(c, "ROLLBACK");
}

static void bind_guid(sqlite3_stmt *st, int i, const struct proto_guid *g)
{
	char text[39];

	guid_to_string(g, text);
	sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
}

int catalog_insert_intent(struct catalog *c, const struct catalog_snapshot *s)
{
	static const char sql[] =
		"INSERT INTO snapshots (id, set_id, set_count, volume_name, volume_root, provider,"
		" provider_id, storage, attributes, created, run_id, session)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c, "insert");
	bind_guid(st, 1, &s->id);
	bind_guid(st, 2, &s->set_id);
	sqlite3_bind_int64(st, 3, s->set_count);
	sqlite3_bind_text(st, 4, s->volume_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->volume_root, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, s->provider, -1, SQLITE_STATIC);
	bind_guid(st, 7, &s->provider_id);
	sqlite3_bind_text(st, 8, s->storage, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, s->attributes);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)s->created);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)s->run_id);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)s->session);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(c, "insert");
	sqlite3_finalize(st);
	return r;
}

int catalog_commit_set(struct catalog *c, const struct proto_guid *set_id)
{
	static const char sql[] =
		"UPDATE snapshots SET committed = 1,"
		" device = (SELECT value FROM meta WHERE key = 'next_device')"
		" WHERE id = (SELECT id FROM snapshots WHERE set_id = ?1 AND committed = 0 LIMIT 1)";
	sqlite3_stmt *st;
	int r, changed;

	if ((r = catalog_begin(c)))
		return r;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		r = sql_fail(c, "commit set");
		goto fail;
	}
	bind_guid(st, 1, set_id);
	do {
		/* One row at a time, each taking the next device number, so that
		 * numbers are never reused. */
		if (sqlite3_step(st) != SQLITE_DONE) {
			r = sql_fail(c, "commit set");
			sqlite3_finalize(st);
			goto fail;
		}
		changed = sqlite3_changes(c->db);
		sqlite3_reset(st);
		if (changed && (r = exec(c, "UPDATE meta SET value = value + 1 WHERE key = 'next_device'"))) {
			sqlite3_finalize(st);
			goto fail;
		}
	} while (changed);
	sqlite3_finalize(st);
	return catalog_commit(c);
fail:
	catalog_rollback(c);
	return r;
}

int catalog_remove(struct catalog *c, const struct proto_guid *id)
{
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(c->db, "DELETE FROM snapshots WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c, "delete");
	bind_guid(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(c, "delete");
	sqlite3_finalize(st);
	return r;
}

int catalog_set_exposure(struct catalog *c, const struct proto_guid *id, const char *name, const char *path)
{
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(c->db, "UPDATE snapshots SET exposed_name = ?2, exposed_path = ?3 WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c, "set exposure");
	bind_guid(st, 1, id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_fail(c, "set exposure");
	else if (!sqlite3_changes(c->db))
		r = -ENOENT;
	sqlite3_finalize(st);
	return r;
}

static void row_to_snapshot(sqlite3_stmt *st, struct catalog_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	guid_from_string((const char *)sqlite3_column_text(st, 0), &s->id);
	guid_from_string((const char *)sqlite3_column_text(st, 1), &s->set_id);
	s->set_count = sqlite3_column_int64(st, 2);
	s->volume_name = (char *)sqlite3_column_text(st, 3);
	s->volume_root = (char *)sqlite3_column_text(st, 4);
	s->provider = (char *)sqlite3_column_text(st, 5);
	guid_from_string((const char *)sqlite3_column_text(st, 6), &s->provider_id);
	s->storage = (char *)sqlite3_column_text(st, 7);
	s->device = sqlite3_column_int64(st, 8);
	s->attributes = sqlite3_column_int64(st, 9);
	s->created = sqlite3_column_int64(st, 10);
	s->committed = sqlite3_column_int(st, 11);
	s->run_id = sqlite3_column_int64(st, 12);
	s->session = sqlite3_column_int64(st, 13);
	s->exposed_name = (char *)sqlite3_column_text(st, 14);
	s->exposed_path = (char *)sqlite3_column_text(st, 15);
}

int catalog_foreach(struct catalog *c, enum catalog_filter filter, const struct proto_guid *key,
		    const char *text, int (*fn)(const struct catalog_snapshot *s, void *ctx), void *ctx)
{
	static const char columns[] =
		"SELECT id, set_id, set_count, volume_name, volume_root, provider, provider_id, storage,"
		" device, attributes, created, committed, run_id, session, exposed_name, exposed_path"
		" FROM snapshots";
	static const char * const where[] = {
		[CATALOG_ALL] = "",
		[CATALOG_COMMITTED] = " WHERE committed = 1",
		[CATALOG_INTENT] = " WHERE committed = 0",
		[CATALOG_SET] = " WHERE set_id = ?1",
		[CATALOG_ID] = " WHERE id = ?1",
		[CATALOG_VOLUME] = " WHERE committed = 1 AND volume_name = ?2 COLLATE NOCASE",
	};
	struct catalog_snapshot s;
	char sql[512];
	sqlite3_stmt *st;
	int r = 0, step;

	snprintf(sql, sizeof(sql), "%s%s ORDER BY created, device", columns, where[filter]);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c, "select");
	if (key)
		bind_guid(st, 1, key);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_snapshot(st, &s);
		if ((r = fn(&s, ctx)))
			break;
	}
	if (!r && step != SQLITE_DONE)
		r = sql_fail(c, "select");
	sqlite3_finalize(st);
	return r;
}

int catalog_count_volume(struct catalog *c, const char *volume_name, unsigned int *count)
{
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(c->db, "SELECT COUNT(*) FROM snapshots WHERE volume_name = ?1 COLLATE NOCASE",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c, "count");
	sqlite3_bind_text(st, 1, volume_name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	else
		r = sql_fail(c, "count");
	sqlite3_finalize(st);
	return r;
}
