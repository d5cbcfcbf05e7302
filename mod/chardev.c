// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hsk: each open() is an unbound handle; LISTEN makes it a listener,
 * and ACCEPT hands out connection fds (anonymous inodes). The fops' owner
 * pins the module while any handle or connection fd is open, so rmmod is
 * refused until all are closed.
 */

#include "conn.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"
#include "uapi/hsk.h"

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

static const struct file_operations hsk_conn_fops;

static int hsk_chr_open(struct inode *inode, struct file *file)
{
	file->private_data = NULL;	/* unbound until LISTEN */
	return stream_open(inode, file);
}

static int hsk_chr_release(struct inode *inode, struct file *file)
{
	struct hsk_listener *l = file->private_data;

	if (l)
		hsk_listener_close(l);
	return 0;
}

static long hsk_ioctl_listen(struct file *file, void __user *arg)
{
	struct hsk_listener *l;
	struct hsk_listen req;
	__be32 addr;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.addr.sin_family != AF_INET || !req.addr.sin_port)
		return -EINVAL;
	addr = req.addr.sin_addr.s_addr;
	/* What the input path drops: such a listener could never be reached. */
	if (addr && (hsk_bad_addr(addr) || hsk_dev_is_bcast(addr, addr)))
		return -EINVAL;
	if (READ_ONCE(file->private_data))
		return -EISCONN;

	ret = hsk_listener_create(addr, req.addr.sin_port, req.backlog, &l);
	if (ret)
		return ret;
	/* Two LISTENs racing on one handle: the second one loses. */
	if (cmpxchg(&file->private_data, NULL, l)) {
		hsk_listener_close(l);
		return -EISCONN;
	}
	return 0;
}

static long hsk_ioctl_accept(struct file *file, void __user *arg)
{
	struct hsk_listener *l = READ_ONCE(file->private_data);
	struct hsk_accept req;
	struct file *cfile;
	struct hsk_conn *c;
	int fd, ret;

	if (!l)
		return -EINVAL;
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved || req.flags & ~(HSK_ACCEPT_CLOEXEC |
					  HSK_ACCEPT_NONBLOCK |
					  HSK_ACCEPT_DONTWAIT))
		return -EINVAL;

	/*
	 * The fd first, as accept(2) takes it: without one (EMFILE, ENFILE)
	 * the connection stays queued for a later call.
	 */
	fd = get_unused_fd_flags(req.flags & HSK_ACCEPT_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0)
		return fd;
	for (;;) {
		c = hsk_acceptq_pop(l);
		if (c)
			break;
		ret = -EAGAIN;
		if ((file->f_flags & O_NONBLOCK) ||
		    (req.flags & HSK_ACCEPT_DONTWAIT))
			goto err_put_fd;
		/* As accept(2): restarted after SA_RESTART, else EINTR. */
		ret = wait_event_interruptible_exclusive(l->wait,
				READ_ONCE(l->acceptq_len));
		if (ret)
			goto err_put_fd;
	}

	hsk_sin(&req.peer, c->key.raddr, c->key.rport);
	hsk_sin(&req.local, c->key.laddr, c->key.lport);
	cfile = anon_inode_getfile("[hsk-conn]", &hsk_conn_fops, c,
				   O_RDWR | (req.flags & HSK_ACCEPT_NONBLOCK ?
					     O_NONBLOCK : 0));
	if (IS_ERR(cfile)) {
		ret = PTR_ERR(cfile);
		goto err_abort;
	}
	/* From here the file owns the connection; its release closes it. */
	if (copy_to_user(arg, &req, sizeof(req))) {
		ret = -EFAULT;
		goto err_fput;
	}
	fd_install(fd, cfile);
	return fd;

err_fput:
	fput(cfile);
	goto err_put_fd;
err_abort:
	hsk_conn_abort(c);
	hsk_conn_put(c);
err_put_fd:
	put_unused_fd(fd);
	return ret;
}

static long hsk_chr_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case HSK_IOC_LISTEN:
		return hsk_ioctl_listen(file, (void __user *)arg);
	case HSK_IOC_ACCEPT:
		return hsk_ioctl_accept(file, (void __user *)arg);
	case HSK_IOC_SHUTDOWN:
	case HSK_IOC_INFO:
		return -ENOTCONN;	/* not a connection */
	default:
		return -ENOTTY;
	}
}

/*
 * As Linux's sock_poll_wait(): the barrier after queueing pairs with the
 * one in wq_has_sleeper() on the waking side (hsk_conn_wake(),
 * hsk_acceptq_add()), so that either the waker sees this poller queued or
 * the poller reads the state the waker changed.
 */
static void hsk_poll_wait(struct file *file, wait_queue_head_t *wq,
			  poll_table *wait)
{
	if (!poll_does_not_wait(wait)) {
		poll_wait(file, wq, wait);
		/* Pairs with wq_has_sleeper() in the waker. */
		smp_mb();
	}
}

static __poll_t hsk_chr_poll(struct file *file, poll_table *wait)
{
	struct hsk_listener *l = READ_ONCE(file->private_data);

	if (!l)
		return EPOLLERR;
	hsk_poll_wait(file, &l->wait, wait);
	return READ_ONCE(l->acceptq_len) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations hsk_chr_fops = {
	.owner = THIS_MODULE,
	.open = hsk_chr_open,
	.release = hsk_chr_release,
	.unlocked_ioctl = hsk_chr_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = hsk_chr_poll,
};

/* Connection fds. */

static int hsk_conn_release(struct inode *inode, struct file *file)
{
	hsk_conn_close(file->private_data);
	return 0;
}

static ssize_t hsk_conn_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return hsk_conn_read(iocb->ki_filp->private_data, to,
			     (iocb->ki_filp->f_flags & O_NONBLOCK) ||
			     (iocb->ki_flags & IOCB_NOWAIT));
}

static ssize_t hsk_conn_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return hsk_conn_write(iocb->ki_filp->private_data, from,
			      (iocb->ki_filp->f_flags & O_NONBLOCK) ||
			      (iocb->ki_flags & IOCB_NOWAIT));
}

static __poll_t hsk_conn_poll(struct file *file, poll_table *wait)
{
	struct hsk_conn *c = file->private_data;
	__poll_t mask = 0;
	bool rcv_shut;
	u8 state;

	hsk_poll_wait(file, &c->wait, wait);
	state = READ_ONCE(c->state);
	if (hsk_conn_readable(c))
		mask |= EPOLLIN | EPOLLRDNORM;
	/* The peer's FIN or our SHUT_RD: Linux's RCV_SHUTDOWN. */
	rcv_shut = READ_ONCE(c->fin_rcvd) || READ_ONCE(c->rd_shut);
	if (rcv_shut)
		mask |= EPOLLRDHUP;
	if (READ_ONCE(c->err))
		mask |= EPOLLERR;
	if (state == HSK_CLOSE || (rcv_shut && READ_ONCE(c->fin_queued)))
		mask |= EPOLLHUP;
	/* After our FIN or a reset a write fails at once: writable, as Linux. */
	if (READ_ONCE(c->fin_queued) || state == HSK_CLOSE)
		mask |= EPOLLOUT | EPOLLWRNORM;
	else if ((state == HSK_ESTABLISHED || state == HSK_CLOSE_WAIT) &&
		 hsk_conn_sndbuf_room(c))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static long hsk_conn_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct hsk_conn *c = file->private_data;
	struct hsk_info info = { };

	switch (cmd) {
	case HSK_IOC_INFO:
		hsk_conn_info(c, &info);
		if (copy_to_user((void __user *)arg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	case HSK_IOC_SHUTDOWN:
		/* Whole: (int) would make 1 << 32 | SHUT_WR a SHUT_WR. */
		if (arg > SHUT_RDWR)
			return -EINVAL;
		return hsk_conn_shutdown(c, arg);
	case HSK_IOC_LISTEN:
	case HSK_IOC_ACCEPT:
		return -EINVAL;		/* a connection, not a listener */
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hsk_conn_fops = {
	.owner = THIS_MODULE,
	.release = hsk_conn_release,
	.read_iter = hsk_conn_read_iter,
	.write_iter = hsk_conn_write_iter,
	.poll = hsk_conn_poll,
	.unlocked_ioctl = hsk_conn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hsk_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hsk",
	.fops = &hsk_chr_fops,
	.mode = 0600,
};

int hsk_chardev_init(void)
{
	return misc_register(&hsk_miscdev);
}

void hsk_chardev_exit(void)
{
	misc_deregister(&hsk_miscdev);
}
