/* SPDX-License-Identifier: MIT */
/*
 * fw_hold.c - a test program for tests/live/test_fw.sh: installs the
 * firewall of one or more rule files on an interface, exactly as
 * `riposte run` does (ruleset_load, fw_spec_build, fw_nft_open,
 * fw_nft_install), then holds it until killed.
 *
 *   fw_hold [--spawn] [--leak] IFACE READY RULES...
 *
 * Each RULES file is installed in turn on the same socket, each install
 * replacing the last (what a SIGHUP reload does); then "ready PID\n" is
 * written to the file READY, PID being the child's with --spawn (else 0),
 * and the program sleeps until a signal ends it.
 *   --spawn  fork and exec `sleep 30` after installing: the nfnetlink
 *            socket is SOCK_CLOEXEC, so the child must not keep the
 *            tables alive once this process is killed;
 *   --leak   clear FD_CLOEXEC on every descriptor first, so that the
 *            child does keep them: the control that shows the test can
 *            see a leak.
 * Exit status: 1 when anything fails, with one line on stderr.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "engine/engine.h"
#include "fw/nft.h"
#include "fw/spec.h"
#include "lang/diag.h"

static void leak_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		int fl;

		if (fd <= 2 || fd == dirfd(d))
			continue;
		fl = fcntl(fd, F_GETFD);
		if (fl >= 0)
			(void)fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	closedir(d);
}

static int install(struct fw_nft *fw, const char *iface, const char *path)
{
	char err[FW_NFT_ERRLEN];
	struct ruleset *rs = NULL;
	struct fw_spec spec;
	struct diag d;
	int ret;

	diag_init(&d, path);
	ret = ruleset_load(path, &d, &rs);
	if (ret < 0) {
		diag_print(&d, stderr);
		diag_cleanup(&d);
		return ret;
	}
	diag_cleanup(&d);
	ret = fw_spec_build(rs, &spec);
	if (ret < 0) {
		fprintf(stderr, "fw_hold: %s: %s\n", path, strerror(-ret));
		ruleset_free(rs);
		return ret;
	}
	ret = fw_nft_install(fw, &spec, iface, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "fw_hold: %s: %s\n", path, err);
	fw_spec_cleanup(&spec);
	ruleset_free(rs);
	return ret;
}

int main(int argc, char *argv[])
{
	bool spawn = false, leak = false;
	struct fw_nft *fw;
	pid_t child = 0;
	FILE *ready;
	char tmp[4096];
	int i = 1, ret;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--spawn"))
			spawn = true;
		else if (!strcmp(argv[i], "--leak"))
			leak = true;
		else
			break;
	}
	if (argc - i < 3) {
		fputs("usage: fw_hold [--spawn] [--leak] IFACE READY RULES...\n",
		      stderr);
		return 1;
	}
	ret = fw_nft_open(&fw);
	if (ret < 0) {
		fprintf(stderr, "fw_hold: nftables: %s\n", strerror(-ret));
		return 1;
	}
	for (int k = i + 2; k < argc; k++) {
		if (install(fw, argv[i], argv[k]) < 0) {
			fw_nft_close(fw);
			return 1;
		}
	}
	if (spawn) {
		if (leak)
			leak_fds();
		child = fork();
		if (child < 0)
			return 1;
		if (child == 0) {
			execlp("sleep", "sleep", "30", (char *)NULL);
			_exit(127);
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[i + 1]);
	ready = fopen(tmp, "w");
	if (!ready || fprintf(ready, "ready %ld\n", (long)child) < 0 ||
	    fclose(ready) != 0 || rename(tmp, argv[i + 1]) < 0) {
		perror("fw_hold: ready file");
		return 1;
	}
	for (;;)
		pause();
}
