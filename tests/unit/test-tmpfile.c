/*
 * test-tmpfile.c - a program interrupted by SIGINT or SIGTERM removes the
 * temporary files it remembered and dies of that signal; a forgotten
 * (renamed) file stays.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "tmpfile.h"

/* In a child: make path, remember it (and forget it when asked), then
 * take sig.  Returns the child's wait status. */
static int interrupted(const char *path, int sig, int forget)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		FILE *f;
		int slot;

		gk_cli_init("test-tmpfile");
		f = fopen(path, "w");
		fputs("half written", f);
		fclose(f);
		slot = gk_tmpfile_remember(path);
		if (forget)
			gk_tmpfile_forget(slot);
		raise(sig);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

int main(void)
{
	char path[] = "/tmp/gk-test-tmpfile.XXXXXX";
	int fd = mkstemp(path), status;

	if (fd < 0)
		return 99;
	close(fd);
	status = interrupted(path, SIGINT, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	CHECK(access(path, F_OK) != 0);
	status = interrupted(path, SIGTERM, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK(access(path, F_OK) != 0);
	status = interrupted(path, SIGINT, 1);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	CHECK(access(path, F_OK) == 0);
	unlink(path);
	return check_exit();
}
