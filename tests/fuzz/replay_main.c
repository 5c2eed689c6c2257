/* SPDX-License-Identifier: MIT */
/*
 * replay_main.c - the fuzz targets without libFuzzer: each file named (or
 * each file in each directory named) is given once to
 * LLVMFuzzerTestOneInput, as libFuzzer would run it.  `make corpus` (part of
 * `make check`) builds every tests/fuzz/fuzz_*.c with this main and the
 * normal compiler, then replays the committed corpus, every crash ever
 * found included, so that one comes back as a failed check, under ASan and
 * UBSan with SAN=1.  A harness abort()s on what it finds.
 *
 *   build/rel/tests/corpus_replay tests/fuzz/corpus/replay
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INPUT_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long n_run;

static int run_file(const char *path)
{
	static uint8_t buf[INPUT_MAX];
	uint8_t *copy;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "corpus: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "corpus: %s: %s\n", path,
			ferror(f) ? "read error" : "over 1 MiB");
		fclose(f);
		return -1;
	}
	fclose(f);
	/* Its own allocation, exactly as long: ASan sees any overread. */
	copy = malloc(n ? n : 1);
	if (!copy) {
		fputs("corpus: out of memory\n", stderr);
		return -1;
	}
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	n_run++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir in name order, so that a run is repeatable. */
static int run_dir(const char *dir)
{
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "corpus: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				rc = -1;
				break;
			}
			names = grown;
		}
		if (!(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			rc = -1;
			break;
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		if (!rc && run_file(names[i]) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc < 0 && !n_run)
		fputs("corpus: out of memory\n", stderr);
	return rc;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "corpus: %s: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		if ((S_ISDIR(st.st_mode) ? run_dir(argv[i]) :
					   run_file(argv[i])) < 0)
			return 1;
	}
	if (!n_run) {
		fputs("corpus: no input\n", stderr);
		return 1;
	}
	printf("%lu inputs\n", n_run);
	return 0;
}
