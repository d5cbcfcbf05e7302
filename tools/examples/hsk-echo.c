// SPDX-License-Identifier: GPL-2.0
/*
 * hsk-echo: an echo server on /dev/hsk, one thread per connection.
 *
 *   hsk-echo [-a ADDR] [-p PORT] [-b BACKLOG]
 *
 * Everything a client sends comes back; when the client closes its side,
 * the server closes its own. "listening" on stdout says it is up.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../mod/uapi/hsk.h"

static void *echo(void *arg)
{
	static __thread char buf[65536];
	int fd = (int)(long)arg;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		ssize_t off = 0;

		while (off < n) {
			ssize_t w = write(fd, buf + off, n - off);

			if (w < 0)
				goto out;
			off += w;
		}
	}
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct hsk_listen ls = { .addr = { .sin_family = AF_INET } };
	const char *addr = "0.0.0.0";
	int port = 7, backlog = 128, fd, c;

	while ((c = getopt(argc, argv, "a:p:b:")) != -1) {
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
		default:
			fputs("usage: hsk-echo [-a ADDR] [-p PORT] [-b BACKLOG]\n", stderr);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (inet_pton(AF_INET, addr, &ls.addr.sin_addr) != 1)
		return 2;
	ls.addr.sin_port = htons(port);
	ls.backlog = backlog;
	fd = open(HSK_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, HSK_IOC_LISTEN, &ls) < 0) {
		perror("hsk-echo");
		return 1;
	}
	printf("listening on %s:%d\n", addr, port);
	fflush(stdout);
	for (;;) {
		struct hsk_accept ac = { .flags = HSK_ACCEPT_CLOEXEC };
		pthread_t t;
		int cfd = ioctl(fd, HSK_IOC_ACCEPT, &ac);

		if (cfd < 0) {
			if (errno == EINTR)
				continue;
			perror("ACCEPT");
			return 1;
		}
		if (pthread_create(&t, NULL, echo, (void *)(long)cfd)) {
			close(cfd);
			continue;
		}
		pthread_detach(t);
	}
}
