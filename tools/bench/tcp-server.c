// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-server: Linux's own listener for the benchmarks, the counterpart of
 * tools/examples/hsk-server: accepts and closes at once, or never accepts;
 * with --echo, that of tools/examples/hsk-echo: a thread per connection
 * sends back what comes, and closes at end of stream.
 *
 *   tcp-server [-a ADDR] [-p PORT] [-b BACKLOG] [--no-accept | --echo]
 *
 * "listening" on stdout says the listener is up.
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void bad_usage(void)
{
	fputs("usage: tcp-server [-a ADDR] [-p PORT] [-b BACKLOG] [--no-accept | --echo]\n",
	      stderr);
	exit(2);
}

static void *echo(void *arg)
{
	static __thread char buf[65536];
	int fd = (int)(long)arg;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		ssize_t off = 0, w;

		for (; off < n; off += w) {
			w = write(fd, buf + off, n - off);
			if (w < 0)
				goto out;
		}
	}
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-accept", no_argument, NULL, 'N' },
		{ "echo", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *addr = "0.0.0.0";
	int port = 80, backlog = 128, no_accept = 0, echoes = 0, one = 1, fd, c;

	while ((c = getopt_long(argc, argv, "a:p:b:", longopts, NULL)) != -1) {
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
		case 'N':
			no_accept = 1;
			break;
		case 'E':
			echoes = 1;
			break;
		default:
			bad_usage();
		}
	}
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 || (no_accept && echoes))
		bad_usage();
	signal(SIGPIPE, SIG_IGN);
	sin.sin_port = htons(port);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fd, backlog)) {
		perror("tcp-server");
		return 1;
	}
	printf("listening on %s:%d backlog %d\n", addr, port, backlog);
	fflush(stdout);
	if (no_accept)
		for (;;)
			pause();
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		pthread_t t;

		if (cfd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				perror("accept");
		} else if (!echoes) {
			close(cfd);
		} else if (pthread_create(&t, NULL, echo, (void *)(long)cfd)) {
			close(cfd);
		} else {
			pthread_detach(t);
		}
	}
}
