/*
 * winevssd: volume resolution and snapshot storage (volume.c).
 */

#ifndef WINEVSSD_VOLUME_H
#define WINEVSSD_VOLUME_H

struct agent;

/* Resolves a DOS root ("C:\" or a mount folder "C:\mnt\data\") to the real
 * Unix directory behind the prefix's dosdevices entry; symbolic links below
 * the drive are not followed.  Returns PROTO_OK with a malloc'd path, or
 * PROTO_E_NOT_FOUND. */
int volume_resolve(struct agent *a, const char *root, char **unix_root);

/* Resolves any folder below a drive ("X:\dir\", trailing backslash) the
 * same way, without following symbolic links. */
int volume_resolve_folder(struct agent *a, const char *folder, char **unix_path);

/* The \\?\Volume{GUID}\ name of a mount folder, stable for its directory. */
void volume_folder_name(const char *unix_root, char name[50]);

/* Chooses (and creates) the directory where snapshots of the volume rooted
 * at unix_root are stored.  0 with a malloc'd path, or a negative errno
 * (-EXDEV when no place outside the volume exists). */
int volume_storage_dir(struct agent *a, const char *unix_root, char **dir);

#endif
