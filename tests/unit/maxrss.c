/*
 * maxrss - run a command and report its peak resident memory:
 *
 *   maxrss FILE COMMAND [ARG...]
 *
 * writes the peak resident set size in KiB (getrusage's ru_maxrss of the
 * child) to FILE, then exits with the command's status.  For measuring
 * that memory stays flat as inputs grow, without GNU time.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss FILE COMMAND [ARG...]\n");
		return 99;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 99;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 99;
	}
	if (!(out = fopen(argv[1], "w")))
		return 99;
	fprintf(out, "%ld\n", ru.ru_maxrss);
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
