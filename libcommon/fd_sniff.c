/* fd_sniff.c - peeking at an input's first byte (see fd_sniff.h). */
#include "fd_sniff.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct relay {
	int in, out;
	unsigned char first;
};

static bool write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void *relay_run(void *arg)
{
	struct relay r = *(struct relay *)arg;
	unsigned char buf[1 << 16];
	sigset_t pipe_sig;
	ssize_t n;

	free(arg);
	/* When the reader stops early, write fails with EPIPE here instead of
	 * killing the process. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	if (write_all(r.out, &r.first, 1)) {
		while ((n = read(r.in, buf, sizeof buf)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 || !write_all(r.out, buf, (size_t)n))
				break;
		}
	}
	close(r.out);
	return NULL;
}

int gk_sniff_open(gk_sniff *s, int fd, const char *name, gk_error *err)
{
	unsigned char c;
	ssize_t n;
	int p[2];
	struct relay *r;

	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->source = fd;
	s->first = -1;
	n = pread(fd, &c, 1, lseek(fd, 0, SEEK_CUR));
	if (n >= 0 && lseek(fd, 0, SEEK_CUR) >= 0) {
		s->first = n == 1 ? c : -1;
		return 0;
	}
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return gk_error_set(err, GK_EIO, "%s: read error: %s", name, strerror(errno));
	if (n == 0)
		return 0;  /* empty: nothing to give back */
	s->first = c;
	if (pipe(p) < 0 || !(r = malloc(sizeof *r)))
		return gk_error_set(err, GK_EIO, "%s: cannot make a pipe: %s", name, strerror(errno));
	*r = (struct relay){ .in = fd, .out = p[1], .first = c };
	if (pthread_create(&s->thread, NULL, relay_run, r) != 0) {
		free(r);
		close(p[0]);
		close(p[1]);
		return gk_error_set(err, GK_EIO, "%s: cannot start a thread", name);
	}
	s->fd = p[0];
	s->relayed = true;
	return 0;
}

bool gk_sniff_is_stream(const gk_sniff *s)
{
	return (s->first >= 0x80 && s->first <= 0x8f) || s->first == 0xde || s->first == 0xdf;
}

void gk_sniff_done(gk_sniff *s)
{
	if (!s->relayed)
		return;
	/* Not joined: after an early stop the thread may wait in read() on an
	 * upstream that never ends; it goes when the process does. */
	close(s->fd);
	pthread_detach(s->thread);
	s->relayed = false;
}
