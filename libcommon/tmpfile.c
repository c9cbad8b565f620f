/* tmpfile.c - the registry of temporary files to remove on a signal (see tmpfile.h). */
#include "tmpfile.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

enum { SLOTS = 8, PATH_MAX_LEN = 4096 };

static char paths[SLOTS][PATH_MAX_LEN];
static volatile sig_atomic_t used[SLOTS];

int gk_tmpfile_remember(const char *path)
{
	size_t len = strlen(path);

	if (len >= PATH_MAX_LEN)
		return -1;
	for (int i = 0; i < SLOTS; i++)
		if (!used[i]) {
			memcpy(paths[i], path, len + 1);
			used[i] = 1;
			return i;
		}
	return -1;
}

void gk_tmpfile_forget(int slot)
{
	if (slot >= 0 && slot < SLOTS)
		used[slot] = 0;
}

void gk_tmpfile_unlink_all(void)
{
	for (int i = 0; i < SLOTS; i++)
		if (used[i]) {
			unlink(paths[i]);
			used[i] = 0;
		}
}
