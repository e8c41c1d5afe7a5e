/*
 * bench-snap: the providers against the raw host primitives, side by side
 * in one run on the same trees (DESIGN.md, "Performance targets"):
 *
 *   (a) btrfs provider create vs btrfs_util_create_snapshot() (read-only),
 *       on a subvolume holding the tree: absolute times and the difference
 *   (b) reflink provider vs `cp -a --reflink=always`   (target <= 0.6 x)
 *   (c) copy provider vs `cp -a`                       (target <= 1.0 x)
 *
 * (b) and (c) on loop-mounted btrfs and XFS (reflink=1).  Runs are
 * interleaved, each preceded by `sync` and the removal of the previous
 * result; the table shows medians.  Benchmarks report, never fail on
 * timing: the exit status is 0 unless the set-up itself fails.  Needs root
 * (loop devices); otherwise it says why and exits 0.
 *
 *   bench-snap CSV [FILES]
 *
 * BENCH_WORKERS=N sets the tree providers' worker threads (default: one per
 * CPU, as in the agent).
 */
#define _GNU_SOURCE
#include <btrfsutil.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "../tests/lib/testfs.h"

#define REPS_SNAPSHOT 9
#define REPS_TREE 5

extern char **environ;

struct row {
	const char *fs, *what, *ours, *theirs, *target;
	double a, b;		/* medians, ms */
};

static struct row rows[8];
static int nrows;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run(const char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ))
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void settle(void)
{
	sync();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 100 x 10 directories of FILES/1000 files, 0-4 KiB each, some links. */
static int tree_build(const char *root, int files)
{
	static char data[4096];
	char path[PATH_MAX];
	int per_dir = files / 1000, n = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	for (int d = 0; d < 100; d++) {
		snprintf(path, sizeof(path), "%s/d%02d", root, d);
		if (mkdir(path, 0755) < 0)
			return -1;
		for (int s = 0; s < 10; s++) {
			snprintf(path, sizeof(path), "%s/d%02d/s%d", root, d, s);
			mkdir(path, 0750);
			for (int f = 0; f < per_dir; f++, n++) {
				int fd;

				snprintf(path, sizeof(path), "%s/d%02d/s%d/f%03d.dat", root, d, s, f);
				fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
				if (fd < 0 || write(fd, data, (n * 257) % sizeof(data)) < 0)
					return -1;
				close(fd);
			}
			snprintf(path, sizeof(path), "%s/d%02d/s%d/link", root, d, s);
			symlink("f000.dat", path);
		}
	}
	return 0;
}

static void row_add(const char *fs, const char *what, const char *ours,
		    const char *theirs, const char *target, double *a, double *b, int n)
{
	struct row *r = &rows[nrows++];

	*r = (struct row){ fs, what, ours, theirs, target, median(a, n), median(b, n) };
	printf("  %-6s %-8s %s %.1f ms, %s %.1f ms\n", fs, what, ours, r->a, theirs, r->b);
	fflush(stdout);
}

/* (a): provider vs raw ioctl, both read-only snapshots of @vol. */
static void bench_btrfs(const char *vol, const char *snaps)
{
	const struct snap_provider *p = &snap_provider_btrfs;
	double a[REPS_SNAPSHOT], b[REPS_SNAPSHOT], t;
	char dst[PATH_MAX];

	for (int i = 0; i < REPS_SNAPSHOT; i++) {
		snprintf(dst, sizeof(dst), "%s/prov%d", snaps, i);
		settle();
		t = now_ms();
		if (p->create(vol, dst, 0, NULL))
			fprintf(stderr, "bench: btrfs provider: %s\n", strerror(errno));
		a[i] = now_ms() - t;
		snprintf(dst, sizeof(dst), "%s/raw%d", snaps, i);
		settle();
		t = now_ms();
		if (btrfs_util_create_snapshot(vol, dst, BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY, NULL, NULL))
			fprintf(stderr, "bench: raw snapshot: %s\n", strerror(errno));
		b[i] = now_ms() - t;
	}
	for (int i = 0; i < REPS_SNAPSHOT; i++) {
		snprintf(dst, sizeof(dst), "%s/prov%d", snaps, i);
		p->delete(dst);
		snprintf(dst, sizeof(dst), "%s/raw%d", snaps, i);
		btrfs_util_delete_subvolume(dst, 0);
	}
	row_add("btrfs", "snapshot", "provider", "ioctl", "within 10 ms", a, b, REPS_SNAPSHOT);
}

/* (b), (c): provider vs cp on the same tree, interleaved. */
static void bench_tree(const char *fs, const struct snap_provider *p, const char *cp_mode,
		       const char *src, const char *snaps, const char *target)
{
	double a[REPS_TREE], b[REPS_TREE], t;
	struct snap_job job = SNAP_JOB_INIT;
	char dst[PATH_MAX];

	job.workers = getenv("BENCH_WORKERS") ? atoi(getenv("BENCH_WORKERS")) : 0;
	for (int i = 0; i < REPS_TREE; i++) {
		snprintf(dst, sizeof(dst), "%s/%s", snaps, p->name);
		settle();
		t = now_ms();
		if (p->create(src, dst, 0, &job))
			fprintf(stderr, "bench: %s provider: %s\n", p->name, strerror(errno));
		a[i] = now_ms() - t;
		p->delete(dst);

		snprintf(dst, sizeof(dst), "%s/cp", snaps);
		settle();
		t = now_ms();
		if (run(cp_mode ? (const char *const[]){ "cp", "-a", cp_mode, src, dst, NULL }
			       : (const char *const[]){ "cp", "-a", src, dst, NULL }))
			fprintf(stderr, "bench: cp -a %s failed\n", cp_mode ? cp_mode : "");
		b[i] = now_ms() - t;
		run((const char *const[]){ "rm", "-rf", dst, NULL });
	}
	row_add(fs, p->name, "provider",
		cp_mode ? "cp -a --reflink=always" : "cp -a",
		target, a, b, REPS_TREE);
}

static int bench_fs(const char *type, const char *mkfs_args, int files)
{
	char vol[PATH_MAX], snaps[PATH_MAX];
	struct testfs fs;
	double t;

	if (testfs_make(&fs, type, 3072, mkfs_args, NULL) < 0)
		return -1;
	snprintf(vol, sizeof(vol), "%s/vol", fs.mnt);
	snprintf(snaps, sizeof(snaps), "%s/snaps", fs.mnt);
	mkdir(snaps, 0755);
	if (!strcmp(type, "btrfs") ? btrfs_util_create_subvolume(vol, 0, NULL, NULL) != 0
				   : mkdir(vol, 0755) < 0)
		return -1;
	t = now_ms();
	if (tree_build(vol, files) < 0)
		return -1;
	settle();
	printf("%s: %d files in %.1f s\n", type, files, (now_ms() - t) / 1e3);
	if (!strcmp(type, "btrfs"))
		bench_btrfs(vol, snaps);
	bench_tree(type, &snap_provider_reflink, "--reflink=always", vol, snaps, "<= 0.6 x");
	bench_tree(type, &snap_provider_copy, NULL, vol, snaps, "<= 1.0 x");
	testfs_destroy(&fs);
	return 0;
}

static void report(const char *csv_path, int files)
{
	FILE *csv = fopen(csv_path, "w");

	printf("\n%-6s %-9s %-24s %12s %12s %12s  %s\n", "fs", "provider", "compared with",
	       "ours (ms)", "theirs (ms)", "ratio/diff", "target");
	if (csv)
		fprintf(csv, "fs,provider,compared_with,files,ours_ms,theirs_ms,ratio,difference_ms,target\n");
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		char cmp[32];

		if (!strcmp(r->what, "snapshot"))
			snprintf(cmp, sizeof(cmp), "%+.2f ms", r->a - r->b);
		else
			snprintf(cmp, sizeof(cmp), "%.2f x", r->a / r->b);
		printf("%-6s %-9s %-24s %12.2f %12.2f %12s  %s\n", r->fs,
		       !strcmp(r->what, "snapshot") ? "btrfs" : r->what, r->theirs, r->a, r->b,
		       cmp, r->target);
		if (csv)
			fprintf(csv, "%s,%s,%s,%d,%.3f,%.3f,%.4f,%.3f,%s\n", r->fs,
				!strcmp(r->what, "snapshot") ? "btrfs" : r->what, r->theirs, files,
				r->a, r->b, r->a / r->b, r->a - r->b, r->target);
	}
	if (csv && !fclose(csv))
		printf("\nwritten to %s\n", csv_path);
}

int main(int argc, char **argv)
{
	const char *why = testfs_unavailable();
	int files = argc > 2 ? atoi(argv[2]) : 50000;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-snap CSV [FILES]\n");
		return 2;
	}
	if (why || testfs_unavailable_type("btrfs") || testfs_unavailable_type("xfs")) {
		printf("bench: skipped: %s\n", why ? why : "mkfs.btrfs or mkfs.xfs missing");
		return 0;
	}
	printf("bench: %d files, medians of %d (snapshot) and %d (tree) runs, %ld CPUs\n",
	       files, REPS_SNAPSHOT, REPS_TREE, sysconf(_SC_NPROCESSORS_ONLN));
	if (bench_fs("btrfs", NULL, files) < 0 || bench_fs("xfs", "-m reflink=1", files) < 0) {
		fprintf(stderr, "bench: could not set up the file systems\n");
		return 1;
	}
	report(argv[1], files);
	return 0;
}
