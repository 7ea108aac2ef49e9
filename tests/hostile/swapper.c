/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile-image helper: exchange two names (a directory and a symlink, or two directories) in a
 * tight loop with renameat2(RENAME_EXCHANGE) until SIGTERM, then print how many swaps it made.
 * Used while capgate scans, to race its walker and resolver. Usage: swapper PATH_A PATH_B */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	unsigned long long swaps = 0, failed = 0;
	struct sigaction sa;

	if (argc != 3) {
		fprintf(stderr, "usage: swapper PATH_A PATH_B\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop) {
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) == 0)
			swaps++;
		else
			failed++;
	}
	/* leave the names as they started: an even number of exchanges */
	if (swaps % 2 && renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) == 0)
		swaps++;
	printf("%llu\n", swaps);
	return failed && !swaps ? 1 : 0;
}
