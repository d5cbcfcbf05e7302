// SPDX-License-Identifier: GPL-2.0
/*
 * connect: the real-client side of the benchmarks, THREADS threads of it.
 *
 *   connect -a ADDR [-p PORT] [-n THREADS] [-t SECS] [-m MODE] [-s BYTES]
 *
 * conn (the default): each thread loops on socket, connect, write one
 * byte, close, for SECS seconds; prints "connections N failed N seconds S
 * rate R": the connects that succeeded (and those that did not) and their
 * rate per second.
 *
 * rr, against an echo server: each thread holds one connection and sends
 * one byte, waits for it back, again, for SECS seconds; prints
 * "transactions N seconds S rate R".
 *
 * stream, against an echo server: each thread's connection sends BYTES
 * (a writer thread, then SHUT_WR) while it reads the echo back to end of
 * stream; prints "bytes N seconds S rate R", N the bytes that came back.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_THREADS 256
#define CHUNK 65536

static struct sockaddr_in peer = { .sin_family = AF_INET };
static atomic_long ok, failed;
static double deadline;
static long stream_bytes = 16L << 20;
static const char zeros[CHUNK];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A connected socket, or the end of the run: rr and stream need one. */
static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&peer, sizeof(peer)))
		die("connect");
	return fd;
}

static void *rr(void *arg)
{
	int fd = dial();
	long n = 0;
	char c = 'x';

	(void)arg;
	while (now() < deadline) {
		if (write(fd, &c, 1) != 1)
			die("write");
		if (read(fd, &c, 1) != 1)
			die("read");
		n++;
	}
	close(fd);
	atomic_fetch_add(&ok, n);
	return NULL;
}

static void *stream_out(void *arg)
{
	int fd = (int)(long)arg;
	long left = stream_bytes;

	while (left > 0) {
		ssize_t w = write(fd, zeros, left < CHUNK ? left : CHUNK);

		if (w <= 0)
			die("write");
		left -= w;
	}
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	return NULL;
}

static void *stream(void *arg)
{
	static __thread char buf[CHUNK];
	int fd = dial();
	pthread_t out;
	long got = 0;
	ssize_t n;

	(void)arg;
	if (pthread_create(&out, NULL, stream_out, (void *)(long)fd))
		die("pthread_create");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += n;
	if (n < 0)
		die("read");
	pthread_join(out, NULL);
	close(fd);
	if (got != stream_bytes) {
		fprintf(stderr, "echo: %ld bytes came back of %ld\n", got,
			stream_bytes);
		exit(1);
	}
	atomic_fetch_add(&ok, got);
	return NULL;
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
	fputs("usage: connect -a ADDR [-p PORT] [-n THREADS] [-t SECS] [-m conn|rr|stream] [-s BYTES]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "conn", "rr", "stream" };
	static const char *const what[] = { "connections", "transactions",
					    "bytes" };
	void *(*fn[])(void *) = { loop, rr, stream };
	pthread_t tid[MAX_THREADS];
	const char *addr = NULL;
	int mode = 0;
	int port = 80, threads = 4, i, c;
	double secs = 3, start;

	while ((c = getopt(argc, argv, "a:p:n:t:m:s:")) != -1) {
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
		case 'm':
			for (mode = 0; mode < 3; mode++)
				if (!strcmp(optarg, modes[mode]))
					break;
			break;
		case 's':
			stream_bytes = atol(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (!addr || inet_pton(AF_INET, addr, &peer.sin_addr) != 1 ||
	    threads < 1 || threads > MAX_THREADS || secs <= 0 || mode > 2 ||
	    stream_bytes < 1)
		bad_usage();
	peer.sin_port = htons(port);
	signal(SIGPIPE, SIG_IGN);

	start = now();
	deadline = start + secs;
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, fn[mode], NULL)) {
			perror("pthread_create");
			return 1;
		}
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	secs = now() - start;
	printf("%s %ld", what[mode], atomic_load(&ok));
	if (!mode)
		printf(" failed %ld", atomic_load(&failed));
	printf(" seconds %.3f rate %.1f\n", secs, atomic_load(&ok) / secs);
	return 0;
}
