/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded racer of the removal-race scenario: rename A to B and back, COUNT times, as fast as
 * it can, while `capgate fix` empties the tree A is in (run it as root, or as nobody via setpriv). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n, moved = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: capgate_renamer A B COUNT\n");
		return 2;
	}
	n = strtol(argv[3], NULL, 10);
	for (long i = 0; i < n; i++) {
		moved += rename(argv[1], argv[2]) == 0;
		moved += rename(argv[2], argv[1]) == 0;
	}
	printf("%ld renames\n", moved);
	return 0;
}
