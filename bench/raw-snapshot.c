/*
 * The raw primitive DoSnapshotSet is compared with: one read-only btrfs
 * snapshot ioctl (through libbtrfsutil) of a subvolume, timed alone.
 *
 *   raw-snapshot SUBVOLUME DEST_DIR RUNS
 *
 * Prints the median in milliseconds.  Each snapshot is deleted again.
 *
 *   raw-snapshot mktree DIR FILES BYTES
 *
 * Fills DIR with FILES files of BYTES bytes, 1000 to a directory, for the
 * benchmarks' trees (much faster than a shell loop).
 */

#include <btrfsutil.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int make_tree(const char *dir, int files, size_t bytes)
{
	char path[4096], *data = malloc(bytes ? bytes : 1);
	int i, fd;

	if (!data)
		return 1;
	memset(data, 'w', bytes);
	for (i = 0; i < files; i++) {
		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/d%03d", dir, i / 1000);
			mkdir(path, 0755);
		}
		snprintf(path, sizeof(path), "%s/d%03d/f%06d", dir, i / 1000, i);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
		    write(fd, data, bytes) != (ssize_t)bytes) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	char dest[4096];
	double times[64], start;
	int runs, i;

	if (argc == 5 && !strcmp(argv[1], "mktree"))
		return make_tree(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 10));
	if (argc != 4 || (runs = atoi(argv[3])) < 1 || runs > 64) {
		fprintf(stderr, "usage: raw-snapshot SUBVOLUME DEST_DIR RUNS\n");
		return 2;
	}
	for (i = 0; i < runs; i++) {
		snprintf(dest, sizeof(dest), "%s/raw-%d", argv[2], i);
		start = now_ms();
		if (btrfs_util_create_snapshot(argv[1], dest, BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY, NULL, NULL)) {
			perror("snapshot");
			return 1;
		}
		times[i] = now_ms() - start;
		btrfs_util_delete_subvolume(dest, 0);
	}
	qsort(times, runs, sizeof(times[0]), compare);
	printf("%.3f\n", times[runs / 2]);
	return 0;
}
