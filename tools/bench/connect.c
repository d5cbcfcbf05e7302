// SPDX-License-Identifier: GPL-2.0
/*
 * connect: the connection-rate client of the benchmarks. THREADS loops,
 * each: socket, connect, write one byte, close, for SECS seconds.
 *
 *   connect -a ADDR [-p PORT] [-n THREADS] [-t SECS]
 *
 * Prints "connections N failed N seconds S rate R": N connects that
 * succeeded (and those that did not) and their rate per second.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_THREADS 256

static struct sockaddr_in peer = { .sin_family = AF_INET };
static atomic_long ok, failed;
static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *loop(void *arg)
{
	(void)arg;
	while (now() < deadline) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			perror("socket");
			exit(1);
		}
		if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) == 0) {
			atomic_fetch_add(&ok, 1);
			/* The server may have reset us already: no matter. */
			if (write(fd, "x", 1) < 0 && errno != ECONNRESET &&
			    errno != EPIPE)
				perror("write");
		} else {
			atomic_fetch_add(&failed, 1);
		}
		close(fd);
	}
	return NULL;
}

static void bad_usage(void)
{
	fputs("usage: connect -a ADDR [-p PORT] [-n THREADS] [-t SECS]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	const char *addr = NULL;
	int port = 80, threads = 4, i, c;
	double secs = 3, start;

	while ((c = getopt(argc, argv, "a:p:n:t:")) != -1) {
		switch (c) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			threads = atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (!addr || inet_pton(AF_INET, addr, &peer.sin_addr) != 1 ||
	    threads < 1 || threads > MAX_THREADS || secs <= 0)
		bad_usage();
	peer.sin_port = htons(port);
	signal(SIGPIPE, SIG_IGN);

	start = now();
	deadline = start + secs;
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, loop, NULL)) {
			perror("pthread_create");
			return 1;
		}
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	secs = now() - start;
	printf("connections %ld failed %ld seconds %.3f rate %.1f\n",
	       atomic_load(&ok), atomic_load(&failed), secs,
	       atomic_load(&ok) / secs);
	return 0;
}
