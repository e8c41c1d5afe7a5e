/*
 * winevssd: ExposeSnapshot and UnexposeSnapshot, the local exposure of a
 * snapshot as a drive letter or in an empty folder of a drive.
 *
 * A drive letter belongs to Wine's mount manager: vssapi.dll defines it
 * with IOCTL_MOUNTMGR_DEFINE_UNIX_DRIVE (so that GetLogicalDrives and
 * GetVolumeInformationW know it) once the agent has checked that the letter
 * is free and recorded the exposure; the agent answers with the snapshot's
 * directory for that.  A mount folder is the agent's alone: the empty
 * directory is replaced by a symbolic link to the snapshot, which Wine shows
 * as a directory reparse point, as Windows shows a mount point.
 *
 * The exposure is recorded in the catalog, so it survives restarts (as a
 * persistent snapshot's exposure survives reboots on Windows) and is undone
 * when the snapshot is deleted.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "requests.h"
#include "volume.h"

/* "X:" or "X:\": a drive letter; the exposed name is "X:". */
static bool target_is_drive(const char *target)
{
	return isalpha((unsigned char)target[0]) && target[1] == ':'
		&& (!target[2] || (target[2] == '\\' && !target[3]));
}

/* A mount folder as the agent resolves it, with one trailing backslash. */
static char *folder_root(const char *target)
{
	size_t len = strlen(target);
	char *root;

	if (len < 4 || !isalpha((unsigned char)target[0]) || target[1] != ':' || target[2] != '\\')
		return NULL;
	if (!(root = malloc(len + 2)))
		return NULL;
	memcpy(root, target, len + 1);
	if (root[len - 1] != '\\')
		strcpy(root + len, "\\");
	return root;
}

static bool directory_is_empty(const char *path)
{
	struct dirent *e;
	bool empty = true;
	DIR *d;

	if (!(d = opendir(path)))
		return false;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* Whether path is a symbolic link to target: the only kind of entry this
 * file ever removes. */
static bool link_points_to(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = 0;
	return !strcmp(buf, target);
}

static int reserve_drive(struct agent *a, const struct catalog_snapshot *c, char letter,
			 char *name, size_t name_size, char *path, size_t path_size)
{
	struct stat st;

	snprintf(name, name_size, "%c:", toupper((unsigned char)letter));
	snprintf(path, path_size, "%s/dosdevices/%c:", a->prefix, tolower((unsigned char)letter));
	if (lstat(path, &st) == 0 || errno != ENOENT) {
		log_info("expose: drive %s is in use", name);
		return PROTO_E_BAD_TARGET;
	}
	return PROTO_OK;
}

static int link_folder(struct agent *a, const struct catalog_snapshot *c, const char *target,
		       char *name, size_t name_size, char *path, size_t path_size)
{
	char *root, *unix_path = NULL;
	struct stat st;
	int status;

	if (!(root = folder_root(target)))
		return PROTO_E_BAD_TARGET;
	status = volume_resolve_folder(a, root, &unix_path);
	snprintf(name, name_size, "%s", root);
	free(root);
	if (status)
		return PROTO_E_BAD_TARGET;
	snprintf(path, path_size, "%s", unix_path);
	free(unix_path);

	/* Only an empty folder, as Windows mounts only on empty NTFS folders;
	 * never inside the snapshot itself. */
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || !directory_is_empty(path)) {
		log_info("expose: %s is not an empty folder", name);
		return PROTO_E_BAD_TARGET;
	}
	if (!strncmp(path, c->storage, strlen(c->storage))) {
		log_info("expose: %s is inside the snapshot", name);
		return PROTO_E_BAD_TARGET;
	}
	if (rmdir(path) < 0) {
		log_error("expose: rmdir %s: %s", path, strerror(errno));
		return PROTO_E_BAD_TARGET;
	}
	if (symlink(c->storage, path) < 0) {
		log_error("expose: symlink %s: %s", path, strerror(errno));
		if (mkdir(path, st.st_mode & 07777) < 0)
			log_error("expose: cannot restore %s: %s", path, strerror(errno));
		return PROTO_E_INTERNAL;
	}
	return PROTO_OK;
}

void handle_expose_snapshot(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	char name[PROTO_MAX_STRING], path[PATH_MAX];
	struct agent *a = s->agent;
	struct catalog_snapshot *c;
	struct record_list list;
	struct proto_guid id;
	const char *target;
	uint32_t context;
	int status;

	proto_get_guid(r, &id);
	context = proto_get_u32(r);
	target = proto_get_string(r);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	if ((status = record_find(a, &id, context, &list))) {
		records_free(&list);
		return respond_status(w, status);
	}
	c = &list.items[0];
	if (*c->exposed_name) {
		log_info("expose: the snapshot is exposed as %s already", c->exposed_name);
		status = PROTO_E_PROVIDER_VETO;
	} else if (target_is_drive(target)) {
		status = reserve_drive(a, c, target[0], name, sizeof(name), path, sizeof(path));
	} else {
		status = link_folder(a, c, target, name, sizeof(name), path, sizeof(path));
	}

	if (!status) {
		pthread_mutex_lock(&a->lock);
		if (catalog_set_exposure(a->catalog, &c->id, name, path))
			status = PROTO_E_INTERNAL;
		pthread_mutex_unlock(&a->lock);
		/* Unrecorded, the folder link would outlive every cleanup. */
		if (status && !target_is_drive(target) && link_points_to(path, c->storage)) {
			unlink(path);
			mkdir(path, 0755);
		}
	}
	respond_status(w, status);
	if (!status) {
		proto_put_string(w, name);
		proto_put_string(w, c->storage);
	}
	records_free(&list);
}

int exposure_remove(struct agent *a, const struct catalog_snapshot *c)
{
	int r = 0;

	/* A drive's dosdevices link is normally gone already (the DLL asked the
	 * mount manager); a folder's link is the agent's to undo. */
	if (*c->exposed_path && link_points_to(c->exposed_path, c->storage)) {
		if (unlink(c->exposed_path) < 0)
			r = -errno;
		else if (!target_is_drive(c->exposed_name) && mkdir(c->exposed_path, 0755) < 0)
			r = -errno;
	}
	pthread_mutex_lock(&a->lock);
	if (catalog_set_exposure(a->catalog, &c->id, "", "") && !r)
		r = -EIO;
	pthread_mutex_unlock(&a->lock);
	return r;
}

void handle_unexpose_snapshot(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct record_list list;
	int status;

	if (!(status = find_requested_snapshot(s, r, &list)) && !*list.items[0].exposed_name)
		status = PROTO_E_NOT_FOUND;
	if (!status && exposure_remove(a, &list.items[0]))
		status = PROTO_E_INTERNAL;
	respond_status(w, status);
	if (!status)
		proto_put_string(w, list.items[0].exposed_name);
	records_free(&list);
}
