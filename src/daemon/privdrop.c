/* SPDX-License-Identifier: MIT */
/* privdrop.c - see privdrop.h. */
#include <errno.h>
#include <grp.h>
#include <seccomp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

int privdrop(const char *user, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2];
	struct passwd *pw;
	int cap;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "no user %s", user);
		return errno ? -errno : -ENOENT;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "-u %s would keep root", user);
		return -EINVAL;
	}
	/* The bounding set first: dropping it needs CAP_SETPCAP, still ours. */
	for (cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL) {
			snprintf(err, errlen, "cannot drop capability %d: %s",
				 cap, strerror(errno));
			return -errno;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (setgroups(0, NULL) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become %s: %s", user,
			 strerror(errno));
		return -errno;
	}
	/* setresuid cleared them; clear again so nothing is left to chance. */
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(err, errlen, "cannot clear capabilities: %s",
			 strerror(errno));
		return -errno;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s",
			 strerror(errno));
		return -errno;
	}
	/* Proof, not hope: root must be unreachable now. */
	if (setuid(0) == 0 || getuid() == 0 || geteuid() == 0) {
		snprintf(err, errlen, "still root after dropping privileges");
		return -EPERM;
	}
	return 0;
}

/*
 * What the loop does once it runs, and nothing more: read frames from the
 * capture ring (poll, recvfrom, getsockopt for its counters), send
 * replies (sendmmsg), its timers and signals (epoll, signalfd), write
 * logs and counters, and reload a rule file (open, stat, read, memory,
 * the capture filter by setsockopt).  No socket, no connect, no exec, no
 * ptrace, no netlink: anything else kills the process, and the kernel
 * then deletes riposte's nftables tables as on any other death.  abort()
 * stays possible (getpid, gettid, tgkill), so that a crash is a crash.
 */
int privdrop_seccomp(char *err, size_t errlen)
{
	static const int allowed[] = {
		SCMP_SYS(read),
		SCMP_SYS(write),
		SCMP_SYS(writev),
		SCMP_SYS(close),
		SCMP_SYS(openat),
		SCMP_SYS(newfstatat),
		SCMP_SYS(fstat),
		SCMP_SYS(lseek),
		SCMP_SYS(mmap),
		SCMP_SYS(munmap),
		SCMP_SYS(mremap),
		SCMP_SYS(brk),
		SCMP_SYS(madvise),
		SCMP_SYS(epoll_wait),
		SCMP_SYS(epoll_pwait),
		SCMP_SYS(epoll_ctl),
		SCMP_SYS(poll),
		SCMP_SYS(ppoll),
		SCMP_SYS(sendmmsg),
		SCMP_SYS(recvfrom),
		SCMP_SYS(getsockopt),
		SCMP_SYS(setsockopt),
		SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(rt_sigreturn),
		SCMP_SYS(signalfd4),
		SCMP_SYS(clock_gettime),
		SCMP_SYS(gettimeofday),
		SCMP_SYS(time),
		SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep),
		SCMP_SYS(getpid),
		SCMP_SYS(gettid),
		SCMP_SYS(tgkill),
		SCMP_SYS(futex),
		SCMP_SYS(fcntl),
		SCMP_SYS(getuid),
		SCMP_SYS(geteuid),
		SCMP_SYS(getgid),
		SCMP_SYS(getegid),
		SCMP_SYS(exit),
		SCMP_SYS(exit_group),
#if defined(__SANITIZE_ADDRESS__)
		/*
		 * AddressSanitizer's runtime: reports and LeakSanitizer's
		 * check at exit (a tracer thread that stops the world).
		 */
		SCMP_SYS(clone),
		SCMP_SYS(clone3),
		SCMP_SYS(ptrace),
		SCMP_SYS(wait4),
		SCMP_SYS(waitid),
		SCMP_SYS(sched_yield),
		SCMP_SYS(prctl),
		SCMP_SYS(readlink),
		SCMP_SYS(readlinkat),
		SCMP_SYS(sigaltstack),
		SCMP_SYS(rt_sigaction),
		SCMP_SYS(mprotect),
		SCMP_SYS(getppid),
		SCMP_SYS(pipe2),
		SCMP_SYS(dup),
		SCMP_SYS(dup2),
		SCMP_SYS(kill),
		SCMP_SYS(open),
		SCMP_SYS(getdents64),
		SCMP_SYS(getdents),
		SCMP_SYS(set_robust_list),
		SCMP_SYS(lstat),
		SCMP_SYS(stat),
		SCMP_SYS(munlock),
		SCMP_SYS(rt_sigtimedwait),
		SCMP_SYS(getrlimit),
		SCMP_SYS(prlimit64),
		SCMP_SYS(unshare),
#endif
	};
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		snprintf(err, errlen, "seccomp: cannot make a filter");
		return -ENOMEM;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
		if (rc < 0) {
			snprintf(err, errlen, "seccomp: %s", strerror(-rc));
			seccomp_release(ctx);
			return rc;
		}
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0)
		snprintf(err, errlen, "seccomp: cannot load the filter: %s",
			 strerror(-rc));
	return rc;
}
