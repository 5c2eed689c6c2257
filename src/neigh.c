/* SPDX-License-Identifier: MIT */
/*
 * neigh.c - the Ethernet destination of an IP destination (see neigh.h).
 *
 * The requests are the frames Scapy's getmacbyip() and neighsol() send:
 *
 *   Ether(dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc=M, psrc=S, pdst=D)
 *   Ether(dst="33:33:ff:.."/IPv6(src=S, dst="ff02::1:ff..", hlim=255)/
 *       ICMPv6ND_NS(tgt=D)/ICMPv6NDOptSrcLLAddr(lladdr=M)
 *
 * built through pkt_build(), and the answers are read through pkt_parse()
 * from a socket that receives only ARP or only IPv6 on that interface.
 * The address asked about is the next hop: the gateway the kernel's route
 * names (RTM_GETROUTE, as `ip route get DST oif IFACE`), else DST itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "neigh.h"

#define NEIGH_RECV_BATCH 64 /* frames read per wake-up, at the most */

bool neigh_mapped(bool v6, const uint8_t *dst, uint8_t mac[6])
{
	static const uint8_t zero4[4], ones4[4] = { 255, 255, 255, 255 };

	if (v6) {
		if (dst[0] != 0xff)
			return false;
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, dst + 12, 4);
		return true;
	}
	if (!memcmp(dst, ones4, 4) || !memcmp(dst, zero4, 4)) {
		memset(mac, 0xff, 6);
		return true;
	}
	if ((dst[0] & 0xf0) != 224)
		return false;
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = dst[1] & 0x7f;
	mac[4] = dst[2];
	mac[5] = dst[3];
	return true;
}

int neigh_request(const struct neigh_self *self, bool v6, const uint8_t *dst,
		  uint8_t *buf, size_t cap)
{
	struct pkt o;

	memset(&o, 0, sizeof(o));
	o.has = PKT_L_ETH;
	memcpy(o.eth.src, self->mac, 6);
	if (!v6) {
		o.has |= PKT_L_ARP;
		memset(o.eth.dst, 0xff, 6);
		o.eth.type = PKT_ETHERTYPE_ARP;
		o.arp.hwtype = 1;
		o.arp.ptype = PKT_ETHERTYPE_IP;
		o.arp.hwlen = 6;
		o.arp.plen = 4;
		o.arp.op = 1;
		memcpy(o.arp.hwsrc, self->mac, 6);
		memcpy(o.arp.psrc, self->ip4, 4);
		memcpy(o.arp.pdst, dst, 4);
		return pkt_build(&o, buf, cap);
	}
	/* The solicited-node group: ff02::1:ff00:0/104 and dst's low 24 bits. */
	static const uint8_t snm[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	o.has |= PKT_L_IP6 | PKT_L_ICMP6;
	o.eth.type = PKT_ETHERTYPE_IP6;
	o.ip6.version = 6;
	o.ip6.nh = PKT_PROTO_ICMP6;
	o.ip6.hlim = 255;
	memcpy(o.ip6.src, self->ip6, 16);
	memcpy(o.ip6.dst, snm, 13);
	memcpy(o.ip6.dst + 13, dst + 13, 3);
	neigh_mapped(true, o.ip6.dst, o.eth.dst);
	o.icmp6.type = 135;
	memcpy(o.icmp6.tgt, dst, 16);
	o.icmp6.n_opt = 1;
	o.icmp6.opt[0].type = 1; /* source link-layer address */
	o.icmp6.opt[0].len = 1;
	o.icmp6.opt[0].data.p = self->mac;
	o.icmp6.opt[0].data.len = 6;
	return pkt_build(&o, buf, cap);
}

bool neigh_answer(const struct pkt *p, bool v6, const uint8_t *dst,
		  uint8_t mac[6])
{
	unsigned i;

	if (p->verdict != PKT_OK)
		return false;
	if (!v6) {
		if (!(p->has & PKT_L_ARP) || !pkt_arp_is_eth_ip4(&p->arp) ||
		    p->arp.op != 2 || memcmp(p->arp.psrc, dst, 4) != 0)
			return false;
		memcpy(mac, p->arp.hwsrc, 6);
		return true;
	}
	/* RFC 4861 section 7.1.2: a hop limit of 255, or it came from afar. */
	if (!(p->has & PKT_L_ICMP6) || p->icmp6.type != 136 ||
	    p->icmp6.code != 0 || p->ip6.hlim != 255 || p->icmp6.tgt_cut ||
	    memcmp(p->icmp6.tgt, dst, 16) != 0)
		return false;
	memcpy(mac, p->eth.src, 6);
	for (i = 0; i < p->icmp6.n_opt && i < PKT_ND_OPT_MAX; i++)
		if (p->icmp6.opt[i].type == 2 && p->icmp6.opt[i].data.len >= 6)
			memcpy(mac, p->icmp6.opt[i].data.p, 6);
	return true;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A socket that receives ARP (or IPv6) arriving on ifindex, and sends. */
static int open_sock(int ifindex, bool v6)
{
	uint16_t proto = htons(v6 ? ETH_P_IPV6 : ETH_P_ARP);
	struct sockaddr_ll sll;
	int one = 1, fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (fd < 0)
		return -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = proto;
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* Its own requests are not answers (kernels before 4.20: parsed). */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			 sizeof(one));
	return fd;
}

/* Reads what has come; 1 when an answer is among it. */
static int drain(int fd, bool v6, const uint8_t *dst, uint8_t mac[6])
{
	static uint8_t frame[2048];
	static struct pkt p;
	ssize_t n;
	int i;

	for (i = 0; i < NEIGH_RECV_BATCH; i++) {
		n = recv(fd, frame, sizeof(frame), 0);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		pkt_parse(&p, frame, (size_t)n);
		if (neigh_answer(&p, v6, dst, mac))
			return 1;
	}
	return 0;
}

int neigh_resolve(int ifindex, const struct neigh_self *self, bool v6,
		  const uint8_t *dst, unsigned ms, uint8_t mac[6])
{
	uint8_t req[128];
	int64_t start, now, next, end;
	int fd, len, sent = 0, rc = 0;

	len = neigh_request(self, v6, dst, req, sizeof(req));
	if (len < 0)
		return len;
	fd = open_sock(ifindex, v6);
	if (fd < 0)
		return fd;
	start = next = now_ms();
	end = start + ms;
	for (now = start; now < end && rc == 0; now = now_ms()) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t until = end;

		if (sent < NEIGH_TRIES && now >= next) {
			if (send(fd, req, (size_t)len, 0) < 0 &&
			    errno != ENOBUFS && errno != EAGAIN) {
				rc = -errno;
				break;
			}
			sent++;
			next = start + (int64_t)ms * sent / NEIGH_TRIES;
		}
		if (sent < NEIGH_TRIES && next < until)
			until = next;
		if (poll(&pfd, 1, (int)(until > now ? until - now : 0)) < 0 &&
		    errno != EINTR) {
			rc = -errno;
			break;
		}
		if (pfd.revents & POLLIN)
			rc = drain(fd, v6, dst, mac);
	}
	close(fd);
	return rc;
}

/* The gateway in a route the kernel sent, if any. */
struct hop_ctx {
	bool v6;
	uint8_t *hop;
	bool found;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct hop_ctx *c = data;
	size_t len = c->v6 ? 16 : 4;

	if (mnl_attr_get_type(a) == RTA_GATEWAY &&
	    mnl_attr_get_payload_len(a) == len) {
		memcpy(c->hop, mnl_attr_get_payload(a), len);
		c->found = true;
	}
	return MNL_CB_OK;
}

static int route_msg(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr, data);
}

int neigh_next_hop(int ifindex, bool v6, const uint8_t *dst, uint8_t *hop)
{
	static uint8_t buf[8192];
	struct hop_ctx c = { .v6 = v6, .hop = hop };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned seq = 1, port;
	ssize_t n;
	int rc = 0;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return 0;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	port = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = v6 ? 128 : 32;
	mnl_attr_put(nlh, RTA_DST, v6 ? 16 : 4, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	/* One answer: the route, or an error (no route: ask dst itself). */
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n > 0 && mnl_cb_run(buf, (size_t)n, seq, port, route_msg, &c) >= 0)
		rc = c.found;
out:
	mnl_socket_close(nl);
	return rc;
}
