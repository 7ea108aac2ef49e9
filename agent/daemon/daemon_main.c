/* SPDX-License-Identifier: Apache-2.0 */
/* capgate-daemon: the small server `capgate daemon` execs once the token and socket are ready. */
#include "daemon.h"

int main(int argc, char **argv)
{
	return daemon_server_main(argc, argv);
}
