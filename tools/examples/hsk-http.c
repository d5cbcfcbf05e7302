// SPDX-License-Identifier: GPL-2.0
/*
 * hsk-http: a small HTTP/1.1 file server on /dev/hsk, one thread per
 * connection.
 *
 *   hsk-http [-a ADDR] [-p PORT] [-b BACKLOG] [-t IDLE_SECS] [ROOT]
 *
 * Serves the files under ROOT (default: the current directory) to GET and
 * HEAD, with Content-Length. Connections persist (HTTP/1.1's default,
 * HTTP/1.0's with "Connection: keep-alive") until the client says
 * "Connection: close", closes, or stays idle IDLE_SECS (default 30);
 * pipelined requests are answered in order. A directory is served by its
 * index.html. What is not there is 404; a malformed request is 400 and
 * closes the connection, as does a path that would climb above ROOT (files
 * are opened with RESOLVE_BENEATH, so no symlink leads out either); methods
 * other than GET and HEAD are 501. "listening" on stdout says it is up.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "../../mod/uapi/hsk.h"

#define HEAD_MAX	8192	/* request line and headers */
#define BODY_CHUNK	65536

static int root_fd;
static int idle_ms = 30000;

struct conn {
	int fd;
	size_t len;		/* bytes in buf */
	char buf[HEAD_MAX];
};

struct request {
	int head;		/* HEAD: no body in the response */
	int minor;		/* HTTP/1.minor */
	int keep_alive;
	int has_host;
	int has_te;
	long long clen;		/* request body to skip; -1 if none given */
	char *target;
};

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= w;
	}
	return 0;
}

/* Waits for input up to the idle limit; reads. 0 at EOF or timeout. */
static ssize_t read_some(int fd, void *p, size_t n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t r;

	for (;;) {
		int ready = poll(&pfd, 1, idle_ms);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			return ready;
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

/* Bytes up to and including the blank line that ends the head, or 0. */
static size_t head_end(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/*
 * Reads until c->buf holds a whole head. Returns its length, 0 when the
 * client closed (or idled) between requests, -1 on an error, or -431 when
 * the head does not fit.
 */
static ssize_t read_head(struct conn *c)
{
	for (;;) {
		size_t end, skip = 0;
		ssize_t r;

		/* RFC 9112 2.2: empty lines before a request are ignored. */
		while (skip < c->len && (c->buf[skip] == '\r' || c->buf[skip] == '\n'))
			skip++;
		if (skip) {
			memmove(c->buf, c->buf + skip, c->len - skip);
			c->len -= skip;
		}
		end = head_end(c->buf, c->len);
		if (end)
			return end;
		if (c->len == sizeof(c->buf))
			return -431;
		r = read_some(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r <= 0)
			return r < 0 ? -1 : 0;
		c->len += r;
	}
}

/* RFC 9110 5.6.2: the characters of a token. */
static int is_tchar(int ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Cuts the line at *p (ended by LF or CRLF) and moves *p past it. */
static char *next_line(char **p)
{
	char *line = *p, *nl = strchr(line, '\n');

	*p = nl + 1;
	if (nl > line && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return line;
}

static int has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	while (*list) {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		if (!strncasecmp(list, tok, n) &&
		    (!list[n] || list[n] == ',' || list[n] == ' ' || list[n] == '\t'))
			return 1;
		while (*list && *list != ',')
			list++;
	}
	return 0;
}

/*
 * Parses the head in c->buf (NUL-terminated in place). Returns 0, or the
 * status to answer: 400, 501 or 505.
 */
static int parse_request(char *head, struct request *rq)
{
	char *p = head, *line, *method, *sp;

	memset(rq, 0, sizeof(*rq));
	rq->clen = -1;
	line = next_line(&p);

	/* method SP request-target SP HTTP/1.x, single spaces */
	method = line;
	sp = strchr(line, ' ');
	if (!sp || sp == line)
		return 400;
	*sp = '\0';
	for (char *m = method; *m; m++)
		if (!is_tchar((unsigned char)*m))
			return 400;
	rq->target = sp + 1;
	sp = strchr(rq->target, ' ');
	if (!sp || sp == rq->target)
		return 400;
	*sp = '\0';
	for (char *t = rq->target; *t; t++)
		if ((unsigned char)*t <= ' ' || (unsigned char)*t >= 0x7f)
			return 400;
	sp++;
	if (strncmp(sp, "HTTP/", 5) || !isdigit((unsigned char)sp[5]) || sp[6] != '.' ||
	    !isdigit((unsigned char)sp[7]) || sp[8])
		return 400;
	if (sp[5] != '1')
		return 505;
	rq->minor = sp[7] - '0';
	rq->keep_alive = rq->minor >= 1;

	while (*p) {
		char *name, *value, *colon, *end;

		line = next_line(&p);
		if (!*line)
			break;
		/* No obsolete line folding, no space before the colon. */
		colon = strchr(line, ':');
		if (!colon || colon == line)
			return 400;
		for (name = line; name < colon; name++)
			if (!is_tchar((unsigned char)*name))
				return 400;
		*colon = '\0';
		name = line;
		value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		end = value + strlen(value);
		while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		for (char *v = value; *v; v++)
			if ((unsigned char)*v < ' ' && *v != '\t')
				return 400;

		if (!strcasecmp(name, "Host")) {
			if (rq->has_host)
				return 400;
			rq->has_host = 1;
		} else if (!strcasecmp(name, "Connection")) {
			if (has_token(value, "close"))
				rq->keep_alive = 0;
			else if (has_token(value, "keep-alive"))
				rq->keep_alive = 1;
		} else if (!strcasecmp(name, "Content-Length")) {
			long long n = 0;
			char *d = value;

			if (!*d)
				return 400;
			for (; *d; d++) {
				if (!isdigit((unsigned char)*d) || n > (1LL << 50))
					return 400;
				n = n * 10 + (*d - '0');
			}
			if (rq->clen >= 0 && rq->clen != n)
				return 400;
			rq->clen = n;
		} else if (!strcasecmp(name, "Transfer-Encoding")) {
			rq->has_te = 1;
		}
	}
	/* RFC 9112 3.2: a 1.1 request without Host is rejected. */
	if (rq->minor >= 1 && !rq->has_host)
		return 400;
	if (rq->has_te && rq->clen >= 0)
		return 400;
	if (!strcmp(method, "HEAD"))
		rq->head = 1;
	else if (strcmp(method, "GET"))
		return 501;
	if (rq->has_te)
		return 501;	/* no chunked request bodies here */
	return 0;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * The target as a path relative to ROOT ("." for ROOT itself) in out:
 * query dropped, %XX decoded, "." and ".." resolved without climbing above
 * ROOT. Returns 0, or 400 for a malformed target or one that climbs out.
 */
static int target_path(const char *target, char *out, size_t size)
{
	char path[HEAD_MAX];
	size_t n = 0, o = 0;
	const char *s = target;
	char *seg, *save;

	/* absolute-form: http://host/path */
	if (!strncasecmp(s, "http://", 7)) {
		s = strchr(s + 7, '/');
		if (!s)
			s = "/";
	}
	if (*s != '/')
		return 400;
	for (; *s && *s != '?' && *s != '#'; s++) {
		int ch = (unsigned char)*s;

		if (ch == '%') {
			int hi = hexval((unsigned char)s[1]);
			int lo = hi < 0 ? -1 : hexval((unsigned char)s[2]);

			if (lo < 0)
				return 400;
			ch = hi * 16 + lo;
			s += 2;
			if (!ch)
				return 400;
		}
		if (n + 1 >= sizeof(path))
			return 400;
		path[n++] = ch;
	}
	path[n] = '\0';

	out[0] = '\0';
	for (seg = strtok_r(path, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		size_t len = strlen(seg);

		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			char *slash;

			if (!o)
				return 400;	/* above ROOT */
			slash = strrchr(out, '/');
			o = slash ? (size_t)(slash - out) : 0;
			out[o] = '\0';
			continue;
		}
		if (o + !!o + len + 1 > size)
			return 400;
		if (o)
			out[o++] = '/';
		memcpy(out + o, seg, len + 1);
		o += len;
	}
	if (!o)
		strcpy(out, ".");
	return 0;
}

static int open_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* An open regular file for the path, or -1 with *status 404 or 403. */
static int open_file(const char *path, struct stat *st, int *status)
{
	int fd = open_beneath(root_fd, path);

	if (fd >= 0 && !fstat(fd, st) && S_ISDIR(st->st_mode)) {
		int dfd = fd;

		fd = open_beneath(dfd, "index.html");
		close(dfd);
	}
	if (fd >= 0 && (fstat(fd, st) || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
		errno = ENOENT;
	}
	if (fd < 0)
		*status = errno == EACCES || errno == EPERM ? 403 : 404;
	return fd;
}

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{ ".html", "text/html" }, { ".htm", "text/html" },
		{ ".txt", "text/plain" }, { ".css", "text/css" },
		{ ".js", "text/javascript" }, { ".json", "application/json" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" }, { ".gif", "image/gif" },
		{ ".svg", "image/svg+xml" }, { NULL, NULL },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot && !strchr(dot, '/'))
		for (i = 0; types[i][0]; i++)
			if (!strcasecmp(dot, types[i][0]))
				return types[i][1];
	return "application/octet-stream";
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Internal Server Error";
	}
}

static int send_head(int fd, int status, const char *type, long long len,
		     int keep_alive)
{
	char hdr[512], date[64];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
	n = snprintf(hdr, sizeof(hdr),
		     "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: hsk-http\r\n"
		     "Content-Type: %s\r\nContent-Length: %lld\r\nConnection: %s\r\n\r\n",
		     status, reason(status), date, type, len,
		     keep_alive ? "keep-alive" : "close");
	return write_all(fd, hdr, n);
}

/* An error page; its body unless head. */
static int send_error(int fd, int status, int head, int keep_alive)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));

	if (send_head(fd, status, "text/plain", n, keep_alive))
		return -1;
	return head ? 0 : write_all(fd, body, n);
}

static int send_file(int fd, int file, long long size)
{
	static __thread char buf[BODY_CHUNK];
	long long off = 0;

	while (off < size) {
		ssize_t r = pread(file, buf, sizeof(buf), off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;	/* shrank under us: the length was a lie */
		if (r > size - off)
			r = size - off;
		if (write_all(fd, buf, r))
			return -1;
		off += r;
	}
	return 0;
}

/* Drops n bytes of request body, from what is buffered, then the fd. */
static int skip_body(struct conn *c, long long n)
{
	char sink[4096];

	while (n > 0) {
		ssize_t r;

		if (c->len) {
			size_t k = c->len < (unsigned long long)n ? c->len : (size_t)n;

			memmove(c->buf, c->buf + k, c->len - k);
			c->len -= k;
			n -= k;
			continue;
		}
		r = read_some(c->fd, sink, n < (long long)sizeof(sink) ? (size_t)n : sizeof(sink));
		if (r <= 0)
			return -1;
		n -= r;
	}
	return 0;
}

/*
 * Answers one request. Returns 1 to keep the connection, 0 when the server
 * ends it (after the response), -1 when it broke.
 */
static int serve_one(struct conn *c, size_t hlen)
{
	char head[HEAD_MAX + 1], path[HEAD_MAX];
	struct request rq = { 0 };
	struct stat st;
	int status, file, ok;

	memcpy(head, c->buf, hlen);
	head[hlen] = '\0';
	memmove(c->buf, c->buf + hlen, c->len - hlen);
	c->len -= hlen;

	if (memchr(head, '\0', hlen))
		status = 400;
	else
		status = parse_request(head, &rq);
	if (!status)
		status = target_path(rq.target, path, sizeof(path));
	if (status)
		return send_error(c->fd, status, rq.head, 0) ? -1 : 0;
	if (rq.clen > 0 && skip_body(c, rq.clen))
		return -1;

	file = open_file(path, &st, &status);
	if (file < 0) {
		ok = !send_error(c->fd, status, rq.head, rq.keep_alive);
	} else {
		ok = !send_head(c->fd, 200, content_type(path), st.st_size, rq.keep_alive) &&
		     (rq.head || !send_file(c->fd, file, st.st_size));
		close(file);
	}
	if (!ok)
		return -1;
	return rq.keep_alive;
}

/*
 * The server ends the connection: FIN first, then what the client still
 * sends is read and dropped (for up to 2 s) until its FIN, so that unread
 * data does not turn the close into a RST that could destroy the response
 * before the client has read it.
 */
static void lingering_close(struct conn *c)
{
	struct timespec t0, t;
	char sink[4096];

	if (ioctl(c->fd, HSK_IOC_SHUTDOWN, SHUT_WR) < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = 2000 - ((t.tv_sec - t0.tv_sec) * 1000 +
			       (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0 ||
		    read(c->fd, sink, sizeof(sink)) <= 0)
			return;
	}
}

static void *serve(void *arg)
{
	struct conn *c = arg;

	for (;;) {
		ssize_t hlen = read_head(c);

		if (hlen == -431) {
			if (!send_error(c->fd, 431, 0, 0))
				lingering_close(c);
			break;
		}
		if (hlen <= 0)
			break;
		hlen = serve_one(c, hlen);
		if (hlen <= 0) {
			if (!hlen)
				lingering_close(c);
			break;
		}
	}
	close(c->fd);
	free(c);
	return NULL;
}

static void bad_usage(void)
{
	fputs("usage: hsk-http [-a ADDR] [-p PORT] [-b BACKLOG] [-t IDLE_SECS] [ROOT]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct hsk_listen ls = { .addr = { .sin_family = AF_INET } };
	const char *addr = "0.0.0.0", *root = ".";
	int port = 80, backlog = 128, fd, c;

	while ((c = getopt(argc, argv, "a:p:b:t:")) != -1) {
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
		case 't':
			idle_ms = atoi(optarg) * 1000;
			break;
		default:
			bad_usage();
		}
	}
	if (optind < argc)
		root = argv[optind++];
	if (optind < argc || idle_ms <= 0 || inet_pton(AF_INET, addr, &ls.addr.sin_addr) != 1)
		bad_usage();
	signal(SIGPIPE, SIG_IGN);
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		perror(root);
		return 1;
	}
	ls.addr.sin_port = htons(port);
	ls.backlog = backlog;
	fd = open(HSK_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, HSK_IOC_LISTEN, &ls) < 0) {
		perror("hsk-http");
		return 1;
	}
	printf("listening on %s:%d\n", addr, port);
	fflush(stdout);
	for (;;) {
		struct hsk_accept ac = { .flags = HSK_ACCEPT_CLOEXEC };
		struct conn *cn;
		pthread_t t;
		int cfd = ioctl(fd, HSK_IOC_ACCEPT, &ac);

		if (cfd < 0) {
			if (errno == EINTR)
				continue;
			perror("ACCEPT");
			/* Out of fds or memory: that connection was reset. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
				usleep(100000);
				continue;
			}
			return 1;
		}
		cn = malloc(sizeof(*cn));
		if (!cn) {
			close(cfd);
			continue;
		}
		cn->fd = cfd;
		cn->len = 0;
		if (pthread_create(&t, NULL, serve, cn)) {
			close(cfd);
			free(cn);
			continue;
		}
		pthread_detach(t);
	}
}
