// SPDX-License-Identifier: GPL-2.0
/*
 * hsk-server: listens on /dev/hsk and accepts, printing each peer.
 *
 *   hsk-server [-a ADDR] [-p PORT] [-b BACKLOG] [-n COUNT] [-w SECS]
 *              [--no-accept] [--nonblock] [--hold] [--quiet]
 *
 * -n exits after COUNT connections; -w waits SECS before the first accept
 * (connections queue meanwhile); --no-accept listens and never accepts, for
 * overflow tests; --hold keeps accepted connections open until exit;
 * --quiet prints no line per connection (benchmarks).
 * "listening" on stdout says the listener is up.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>

#include "../../mod/uapi/hsk.h"

static void bad_usage(void)
{
	fputs("usage: hsk-server [-a ADDR] [-p PORT] [-b BACKLOG] [-n COUNT] [-w SECS] [--no-accept] [--nonblock] [--hold] [--quiet]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-accept", no_argument, NULL, 'N' },
		{ "nonblock", no_argument, NULL, 'B' },
		{ "hold", no_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct hsk_listen ls = { .addr = { .sin_family = AF_INET } };
	const char *addr = "0.0.0.0";
	int port = 80, backlog = 128, count = -1, wait_s = 0;
	int no_accept = 0, nonblock = 0, hold = 0, quiet = 0, fd, c, n = 0;

	while ((c = getopt_long(argc, argv, "a:p:b:n:w:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'b':
			backlog = atoi(optarg);
			break;
		case 'n':
			count = atoi(optarg);
			break;
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 'N':
			no_accept = 1;
			break;
		case 'B':
			nonblock = 1;
			break;
		case 'H':
			hold = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			bad_usage();
		}
	}
	if (inet_pton(AF_INET, addr, &ls.addr.sin_addr) != 1)
		bad_usage();
	ls.addr.sin_port = htons(port);
	ls.backlog = backlog;

	fd = open(HSK_DEVICE, O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0) {
		perror(HSK_DEVICE);
		return 1;
	}
	if (ioctl(fd, HSK_IOC_LISTEN, &ls) < 0) {
		perror("LISTEN");
		return 1;
	}
	printf("listening on %s:%d backlog %d\n", addr, port, backlog);
	fflush(stdout);
	if (no_accept)
		for (;;)
			pause();
	if (wait_s)
		sleep(wait_s);

	while (count < 0 || n < count) {
		struct hsk_accept ac = { .flags = HSK_ACCEPT_CLOEXEC };
		char peer[INET_ADDRSTRLEN], local[INET_ADDRSTRLEN];
		int cfd;

		cfd = ioctl(fd, HSK_IOC_ACCEPT, &ac);
		if (cfd < 0) {
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLIN };

				poll(&p, 1, -1);
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("ACCEPT");
			return 1;
		}
		if (!quiet) {
			inet_ntop(AF_INET, &ac.peer.sin_addr, peer, sizeof(peer));
			inet_ntop(AF_INET, &ac.local.sin_addr, local,
				  sizeof(local));
			printf("accepted %s:%u -> %s:%u\n", peer,
			       ntohs(ac.peer.sin_port), local,
			       ntohs(ac.local.sin_port));
			fflush(stdout);
		}
		/* Unread data makes this a reset, as Linux's close does. */
		if (!hold)
			close(cfd);
		n++;
	}
	return 0;
}
