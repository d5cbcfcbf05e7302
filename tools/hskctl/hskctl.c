// SPDX-License-Identifier: GPL-2.0
/*
 * hskctl: lists hsk's listeners and connections as ss does, and its
 * counters as nstat does, over the "hsk" generic netlink family.
 *
 *   hskctl list  [-l] [-i] [-j] [-s STATE] [-p PORT]
 *   hskctl stats [-j] [-z] [-a]
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "../../mod/uapi/hsk.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct mnl_socket *nl;
static uint16_t family;
static unsigned int seq;
static bool json;

static const char *const state_names[] = {
	[HSK_ESTABLISHED] = "ESTAB",
	[HSK_SYN_SENT] = "SYN-SENT",
	[HSK_SYN_RECV] = "SYN-RECV",
	[HSK_FIN_WAIT1] = "FIN-WAIT-1",
	[HSK_FIN_WAIT2] = "FIN-WAIT-2",
	[HSK_TIME_WAIT] = "TIME-WAIT",
	[HSK_CLOSE] = "UNCONN",
	[HSK_CLOSE_WAIT] = "CLOSE-WAIT",
	[HSK_LAST_ACK] = "LAST-ACK",
	[HSK_LISTEN] = "LISTEN",
	[HSK_CLOSING] = "CLOSING",
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "hskctl: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void print_help(FILE *f)
{
	fputs("usage: hskctl list  [-l] [-i] [-j] [-s STATE] [-p PORT]\n"
	      "       hskctl stats [-j] [-z] [-a]\n", f);
}

/* Bad usage: what is wrong, the usage, exit status 2 (hskctl(8)). */
static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "hskctl: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	print_help(stderr);
	exit(2);
}

static void no_operands(int argc, char **argv)
{
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
}

static void nl_error(int err)
{
	if (err == EPERM || err == EACCES)
		die("%s", "permission denied: listing hsk needs CAP_NET_ADMIN (run as root)");
	die("netlink: %s", strerror(err));
}

static struct nlmsghdr *put_req(char *buf, uint16_t type, uint16_t flags,
				uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = HSK_GENL_VERSION;
	return nlh;
}

/* Sends @nlh and feeds every answer to @cb; exits on any error. */
static void talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[32768];	/* as MNL_SOCKET_DUMP_SIZE */
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		nl_error(errno);
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			nl_error(errno);
		ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, portid, cb, data);
	} while (ret > 0);
	if (ret < 0)
		nl_error(errno);
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
	return MNL_CB_OK;
}

static void open_family(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	char *reply;
	int ret;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket: %s", strerror(errno));
	nlh = put_req(buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, HSK_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		nl_error(errno);
	reply = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!reply)
		die("%s", "out of memory");
	do {
		ret = mnl_socket_recvfrom(nl, reply, MNL_SOCKET_BUFFER_SIZE);
		if (ret < 0)
			nl_error(errno);
		ret = mnl_cb_run(reply, ret, nlh->nlmsg_seq,
				 mnl_socket_get_portid(nl), family_cb, &family);
	} while (ret > 0);
	free(reply);
	if (ret < 0 && errno == ENOENT)
		die("%s", "the hsk module is not loaded (no generic netlink family \"hsk\"): modprobe hsk");
	if (ret < 0)
		nl_error(errno);
}

/* Fails early, before any output, if the caller may not list. */
static void check_permission(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	talk(put_req(buf, family, NLM_F_ACK, HSK_CMD_GET_STATS), NULL, NULL);
}

/* One listener or connection, as the kernel sent it. */
struct row {
	struct in_addr laddr, raddr;
	uint16_t lport, rport;
	uint8_t state, timer;
	uint32_t rq, sq, timer_ms, retrans;
	uint32_t acceptq, accept_max, synq, syn_max, young;
	uint64_t drops, overflows;
	/* list -i: a connection's TCP state (HSK_A_OPTIONS on) */
	uint16_t options;
	uint8_t snd_wscale, rcv_wscale;
	uint32_t mss, rto_ms, srtt_us, rttvar_us, cwnd, ssthresh;
	uint32_t snd_wnd, rcv_wnd, rmem;
	uint32_t reordering, reord_seen, dsack_dups, total_retrans;
	bool peer, listener, tcp;
};

struct list_opts {
	bool listeners_only;
	bool info;
	int state;
	int port;
	unsigned int shown;
};

/*
 * Each attribute's type (uapi/hsk.h): one that is not that size, or not a
 * terminated string, is skipped rather than read past (an older or newer
 * kernel's, or a bug's); one this hskctl does not know is skipped too.
 */
static const enum mnl_attr_data_type attr_types[HSK_A_MAX + 1] = {
	[HSK_A_LOCAL_ADDR] = MNL_TYPE_U32,	[HSK_A_LOCAL_PORT] = MNL_TYPE_U16,
	[HSK_A_PEER_ADDR] = MNL_TYPE_U32,	[HSK_A_PEER_PORT] = MNL_TYPE_U16,
	[HSK_A_STATE] = MNL_TYPE_U8,		[HSK_A_RECV_Q] = MNL_TYPE_U32,
	[HSK_A_SEND_Q] = MNL_TYPE_U32,		[HSK_A_TIMER_MS] = MNL_TYPE_U32,
	[HSK_A_RETRANS] = MNL_TYPE_U32,		[HSK_A_ACCEPT_Q] = MNL_TYPE_U32,
	[HSK_A_ACCEPT_MAX] = MNL_TYPE_U32,	[HSK_A_SYN_Q] = MNL_TYPE_U32,
	[HSK_A_SYN_MAX] = MNL_TYPE_U32,		[HSK_A_YOUNG] = MNL_TYPE_U32,
	[HSK_A_DROPS] = MNL_TYPE_U64,		[HSK_A_OVERFLOWS] = MNL_TYPE_U64,
	[HSK_A_STATS] = MNL_TYPE_NESTED,	[HSK_A_STAT] = MNL_TYPE_NESTED,
	[HSK_A_STAT_NAME] = MNL_TYPE_NUL_STRING, [HSK_A_STAT_VALUE] = MNL_TYPE_U64,
	[HSK_A_OPTIONS] = MNL_TYPE_U16,		[HSK_A_SND_WSCALE] = MNL_TYPE_U8,
	[HSK_A_RCV_WSCALE] = MNL_TYPE_U8,	[HSK_A_MSS] = MNL_TYPE_U32,
	[HSK_A_RTO_MS] = MNL_TYPE_U32,		[HSK_A_SRTT_US] = MNL_TYPE_U32,
	[HSK_A_RTTVAR_US] = MNL_TYPE_U32,	[HSK_A_CWND] = MNL_TYPE_U32,
	[HSK_A_SSTHRESH] = MNL_TYPE_U32,	[HSK_A_SND_WND] = MNL_TYPE_U32,
	[HSK_A_RCV_WND] = MNL_TYPE_U32,		[HSK_A_RMEM] = MNL_TYPE_U32,
	[HSK_A_TIMER] = MNL_TYPE_U8,		[HSK_A_REORDERING] = MNL_TYPE_U32,
	[HSK_A_REORD_SEEN] = MNL_TYPE_U32,	[HSK_A_DSACK_DUPS] = MNL_TYPE_U32,
	[HSK_A_TOTAL_RETRANS] = MNL_TYPE_U32,
};

static bool attr_ok(const struct nlattr *a)
{
	uint16_t type = mnl_attr_get_type(a);

	return type <= HSK_A_MAX && attr_types[type] != MNL_TYPE_UNSPEC &&
	       mnl_attr_validate(a, attr_types[type]) >= 0;
}

static int row_attr(const struct nlattr *a, void *data)
{
	struct row *r = data;

	if (!attr_ok(a))
		return MNL_CB_OK;
	switch (mnl_attr_get_type(a)) {
	case HSK_A_LOCAL_ADDR:
		r->laddr.s_addr = mnl_attr_get_u32(a);
		break;
	case HSK_A_LOCAL_PORT:
		r->lport = mnl_attr_get_u16(a);
		break;
	case HSK_A_PEER_ADDR:
		r->raddr.s_addr = mnl_attr_get_u32(a);
		r->peer = true;
		break;
	case HSK_A_PEER_PORT:
		r->rport = mnl_attr_get_u16(a);
		break;
	case HSK_A_STATE:
		r->state = mnl_attr_get_u8(a);
		break;
	case HSK_A_RECV_Q:
		r->rq = mnl_attr_get_u32(a);
		break;
	case HSK_A_SEND_Q:
		r->sq = mnl_attr_get_u32(a);
		break;
	case HSK_A_TIMER_MS:
		r->timer_ms = mnl_attr_get_u32(a);
		break;
	case HSK_A_TIMER:
		r->timer = mnl_attr_get_u8(a);
		break;
	case HSK_A_RETRANS:
		r->retrans = mnl_attr_get_u32(a);
		break;
	case HSK_A_ACCEPT_Q:
		r->acceptq = mnl_attr_get_u32(a);
		break;
	case HSK_A_ACCEPT_MAX:
		r->accept_max = mnl_attr_get_u32(a);
		break;
	case HSK_A_SYN_Q:
		r->synq = mnl_attr_get_u32(a);
		break;
	case HSK_A_SYN_MAX:
		r->syn_max = mnl_attr_get_u32(a);
		break;
	case HSK_A_YOUNG:
		r->young = mnl_attr_get_u32(a);
		break;
	case HSK_A_DROPS:
		r->drops = mnl_attr_get_u64(a);
		break;
	case HSK_A_OVERFLOWS:
		r->overflows = mnl_attr_get_u64(a);
		r->listener = true;
		break;
	case HSK_A_OPTIONS:
		r->options = mnl_attr_get_u16(a);
		r->tcp = true;
		break;
	case HSK_A_SND_WSCALE:
		r->snd_wscale = mnl_attr_get_u8(a);
		break;
	case HSK_A_RCV_WSCALE:
		r->rcv_wscale = mnl_attr_get_u8(a);
		break;
	case HSK_A_MSS:
		r->mss = mnl_attr_get_u32(a);
		break;
	case HSK_A_RTO_MS:
		r->rto_ms = mnl_attr_get_u32(a);
		break;
	case HSK_A_SRTT_US:
		r->srtt_us = mnl_attr_get_u32(a);
		break;
	case HSK_A_RTTVAR_US:
		r->rttvar_us = mnl_attr_get_u32(a);
		break;
	case HSK_A_CWND:
		r->cwnd = mnl_attr_get_u32(a);
		break;
	case HSK_A_SSTHRESH:
		r->ssthresh = mnl_attr_get_u32(a);
		break;
	case HSK_A_SND_WND:
		r->snd_wnd = mnl_attr_get_u32(a);
		break;
	case HSK_A_RCV_WND:
		r->rcv_wnd = mnl_attr_get_u32(a);
		break;
	case HSK_A_RMEM:
		r->rmem = mnl_attr_get_u32(a);
		break;
	case HSK_A_REORDERING:
		r->reordering = mnl_attr_get_u32(a);
		break;
	case HSK_A_REORD_SEEN:
		r->reord_seen = mnl_attr_get_u32(a);
		break;
	case HSK_A_DSACK_DUPS:
		r->dsack_dups = mnl_attr_get_u32(a);
		break;
	case HSK_A_TOTAL_RETRANS:
		r->total_retrans = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static const char *state_name(uint8_t s)
{
	if (s < ARRAY_SIZE(state_names) && state_names[s])
		return state_names[s];
	return "UNKNOWN";
}

/*
 * list -i, after a connection's line: what ss -i shows, in its words: rtt
 * is srtt/rttvar in ms, cwnd and ssthresh in segments of mss (bytes in
 * JSON), ssthresh only once set (it starts unbounded), reordering only
 * when not 3, and the counts of reorderings, D-SACKed segments and
 * retransmissions only when not 0.
 */
static void print_tcp(const struct row *r)
{
	if (json) {
		printf(",\"ts\":%s,\"sack\":%s,\"wscale\":%s,\"snd_wscale\":%u,\"rcv_wscale\":%u,\"mss\":%u,\"rto_ms\":%u,\"srtt_us\":%u,\"rttvar_us\":%u,\"cwnd\":%u,\"ssthresh\":%u,\"snd_wnd\":%u,\"rcv_wnd\":%u,\"rmem\":%u,\"reordering\":%u,\"reord_seen\":%u,\"dsack_dups\":%u,\"total_retrans\":%u",
		       r->options & HSK_OPTI_TS ? "true" : "false",
		       r->options & HSK_OPTI_SACK ? "true" : "false",
		       r->options & HSK_OPTI_WSCALE ? "true" : "false",
		       r->snd_wscale, r->rcv_wscale, r->mss, r->rto_ms,
		       r->srtt_us, r->rttvar_us, r->cwnd, r->ssthresh,
		       r->snd_wnd, r->rcv_wnd, r->rmem, r->reordering,
		       r->reord_seen, r->dsack_dups, r->total_retrans);
		return;
	}
	printf("\t");
	if (r->options & HSK_OPTI_TS)
		printf(" ts");
	if (r->options & HSK_OPTI_SACK)
		printf(" sack");
	if (r->options & HSK_OPTI_WSCALE)
		printf(" wscale:%u,%u", r->snd_wscale, r->rcv_wscale);
	printf(" rto:%u rtt:%.3f/%.3f mss:%u cwnd:%u", r->rto_ms,
	       r->srtt_us / 1000.0, r->rttvar_us / 1000.0, r->mss,
	       r->mss ? r->cwnd / r->mss : 0);
	if (r->mss && r->ssthresh < INT32_MAX)
		printf(" ssthresh:%u", r->ssthresh / r->mss);
	if (r->reordering && r->reordering != 3)
		printf(" reordering:%u", r->reordering);
	if (r->reord_seen)
		printf(" reord_seen:%u", r->reord_seen);
	if (r->dsack_dups)
		printf(" dsack_dups:%u", r->dsack_dups);
	if (r->total_retrans)
		printf(" total_retrans:%u", r->total_retrans);
	printf(" snd_wnd:%u rcv_wnd:%u rmem:%u\n", r->snd_wnd, r->rcv_wnd,
	       r->rmem);
}

/*
 * ss -o's names (Linux's FIN_WAIT_2 timer is its keepalive timer), and
 * "delack", which ss does not show, for an ACK that waits.
 */
static const char *timer_name(uint8_t t)
{
	static const char *const names[] = {
		[HSK_TIMER_NONE] = "off",
		[HSK_TIMER_RTO] = "on",
		[HSK_TIMER_PERSIST] = "persist",
		[HSK_TIMER_FIN_WAIT2] = "keepalive",
		[HSK_TIMER_TIME_WAIT] = "timewait",
		[HSK_TIMER_DELACK] = "delack",
		[HSK_TIMER_SYNACK] = "on",
	};

	return t < ARRAY_SIZE(names) && names[t] ? names[t] : "unknown";
}

static int row_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_opts *o = data;
	char local[32], peer[32];
	struct row r = { 0 };

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), row_attr, &r);
	if (o->state >= 0 && r.state != o->state)
		return MNL_CB_OK;
	if (o->port >= 0 && r.lport != o->port && r.rport != o->port)
		return MNL_CB_OK;
	snprintf(local, sizeof(local), "%s:%u", r.laddr.s_addr ?
		 inet_ntoa(r.laddr) : "*", r.lport);
	if (r.peer)
		snprintf(peer, sizeof(peer), "%s:%u", inet_ntoa(r.raddr), r.rport);
	else
		snprintf(peer, sizeof(peer), "*:*");

	if (json) {
		printf("%s{\"state\":\"%s\",\"recv_q\":%u,\"send_q\":%u,\"local\":\"%s\",\"peer\":\"%s\"",
		       o->shown ? "," : "", state_name(r.state), r.rq, r.sq,
		       local, peer);
		if (r.listener)
			printf(",\"accept_q\":%u,\"accept_max\":%u,\"syn_q\":%u,\"syn_max\":%u,\"young\":%u,\"drops\":%llu,\"overflows\":%llu",
			       r.acceptq, r.accept_max, r.synq, r.syn_max,
			       r.young, (unsigned long long)r.drops,
			       (unsigned long long)r.overflows);
		else
			printf(",\"timer\":\"%s\",\"timer_ms\":%u,\"retrans\":%u",
			       timer_name(r.timer), r.timer_ms, r.retrans);
		if (o->info && r.tcp)
			print_tcp(&r);
		putchar('}');
	} else if (r.listener) {
		printf("%-10s %-6u %-6u %-21s %-21s syn %u/%u young %u accept %u/%u drops %llu overflows %llu\n",
		       state_name(r.state), r.rq, r.sq, local, peer, r.synq,
		       r.syn_max, r.young, r.acceptq, r.accept_max,
		       (unsigned long long)r.drops,
		       (unsigned long long)r.overflows);
	} else {
		printf("%-10s %-6u %-6u %-21s %-21s", state_name(r.state),
		       r.rq, r.sq, local, peer);
		if (r.timer_ms || r.retrans)
			printf(" timer:(%s,%.3fs,%u)", timer_name(r.timer),
			       r.timer_ms / 1000.0, r.retrans);
		putchar('\n');
		if (o->info && r.tcp)
			print_tcp(&r);
	}
	o->shown++;
	return MNL_CB_OK;
}

static int parse_state(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(state_names); i++)
		if (state_names[i] && !strcasecmp(s, state_names[i]))
			return i;
	if (!strcasecmp(s, "established"))
		return HSK_ESTABLISHED;
	if (!strcasecmp(s, "syn-recv") || !strcasecmp(s, "half-open"))
		return HSK_SYN_RECV;
	usage_error("unknown state %s", s);
	return -1;
}

static int parse_port(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+' || v > 65535)
		usage_error("bad port %s (0 to 65535)", s);
	return (int)v;
}

static int cmd_list(int argc, char **argv)
{
	struct list_opts o = { .state = -1, .port = -1 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int c;

	while ((c = getopt(argc, argv, "lijs:p:")) != -1) {
		switch (c) {
		case 'l':
			o.listeners_only = true;
			break;
		case 'i':
			o.info = true;
			break;
		case 'j':
			json = true;
			break;
		case 's':
			o.state = parse_state(optarg);
			break;
		case 'p':
			o.port = parse_port(optarg);
			break;
		default:
			print_help(stderr);
			return 2;
		}
	}
	no_operands(argc, argv);
	open_family();
	check_permission();
	if (json)
		putchar('[');
	else
		printf("%-10s %-6s %-6s %-21s %-21s\n", "State", "Recv-Q",
		       "Send-Q", "Local Address:Port", "Peer Address:Port");
	talk(put_req(buf, family, NLM_F_DUMP, HSK_CMD_GET_LISTENERS), row_cb, &o);
	if (!o.listeners_only)
		talk(put_req(buf, family, NLM_F_DUMP, HSK_CMD_GET_CONNS), row_cb, &o);
	if (json)
		puts("]");
	return 0;
}

struct counter {
	char name[64];
	uint64_t value;
};

struct stats {
	struct counter c[256];
	unsigned int n;
};

static int stat_attr(const struct nlattr *a, void *data)
{
	struct counter *c = data;

	if (!attr_ok(a))
		return MNL_CB_OK;
	if (mnl_attr_get_type(a) == HSK_A_STAT_NAME)
		snprintf(c->name, sizeof(c->name), "%s", mnl_attr_get_str(a));
	else if (mnl_attr_get_type(a) == HSK_A_STAT_VALUE)
		c->value = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int stats_attr(const struct nlattr *a, void *data)
{
	struct stats *s = data;

	if (mnl_attr_get_type(a) == HSK_A_STATS && attr_ok(a)) {
		const struct nlattr *n;

		mnl_attr_for_each_nested(n, a) {
			struct counter *c = &s->c[s->n];

			if (s->n == ARRAY_SIZE(s->c))
				break;
			if (!attr_ok(n))
				continue;
			memset(c, 0, sizeof(*c));
			mnl_attr_parse_nested(n, stat_attr, c);
			if (c->name[0])	/* a counter without its name: skipped */
				s->n++;
		}
	}
	return MNL_CB_OK;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), stats_attr, data);
	return MNL_CB_OK;
}

/* nstat keeps the last values per user; so does hskctl. */
static void history_path(char *p, size_t len)
{
	const char *env = getenv("HSKCTL_HISTORY");

	if (env)
		snprintf(p, len, "%s", env);
	else
		snprintf(p, len, "/tmp/.hskctl.u%u", (unsigned int)getuid());
}

/*
 * The default history lives in /tmp, where anyone may plant a symlink or a
 * hard link under our name: never follow one, and use the file only if it
 * is a regular file of ours with one link, as nstat does. Locked so that
 * two hskctl runs do not interleave their rewrites.
 */
static FILE *history_open(const char *path)
{
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "hskctl: history %s: %s (not used)\n", path,
			strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_nlink != 1) {
		fprintf(stderr, "hskctl: history %s: not a file of ours (not used)\n",
			path);
		goto err;
	}
	if (flock(fd, LOCK_EX))
		goto err;
	f = fdopen(fd, "r+");
	if (f)
		return f;
err:
	close(fd);
	return NULL;
}

static bool history_get(FILE *f, const char *name, uint64_t *v)
{
	unsigned long long x;
	char n[64];

	if (!f)
		return false;
	rewind(f);
	while (fscanf(f, "%63s %llu", n, &x) == 2) {
		if (!strcmp(n, name)) {
			*v = x;
			return true;
		}
	}
	return false;
}

static int cmd_stats(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], path[256];
	bool zeros = false, absolute = false;
	struct stats *s = calloc(1, sizeof(*s));
	unsigned int i, shown = 0;
	FILE *hist;
	int c;

	if (!s)
		die("%s", "out of memory");
	while ((c = getopt(argc, argv, "jza")) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'z':
			zeros = true;
			break;
		case 'a':
			absolute = true;
			break;
		default:
			print_help(stderr);
			return 2;
		}
	}
	no_operands(argc, argv);
	open_family();
	talk(put_req(buf, family, NLM_F_ACK, HSK_CMD_GET_STATS), stats_cb, s);
	history_path(path, sizeof(path));
	hist = history_open(path);
	printf(json ? "{\"hsk\":{" : "#hsk\n");
	for (i = 0; i < s->n; i++) {
		uint64_t v = s->c[i].value, old;

		/*
		 * A counter below its history has restarted (the module was
		 * reloaded): all of its value is new.
		 */
		if (!absolute && history_get(hist, s->c[i].name, &old) &&
		    old <= v)
			v -= old;

		if (!v && !zeros)
			continue;
		if (json)
			printf("%s\"%s\":%llu", shown ? "," : "", s->c[i].name,
			       (unsigned long long)v);
		else
			printf("%-32s%llu\n", s->c[i].name, (unsigned long long)v);
		shown++;
	}
	if (json)
		puts("}}");
	if (hist) {
		rewind(hist);
		if (ftruncate(fileno(hist), 0) == 0)
			for (i = 0; i < s->n; i++)
				fprintf(hist, "%s %llu\n", s->c[i].name,
					(unsigned long long)s->c[i].value);
		fclose(hist);
	}
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "list") || !strcmp(argv[1], "ls"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	print_help(stderr);
	return 2;
}
