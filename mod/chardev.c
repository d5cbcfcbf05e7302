// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hsk: each open() is an unbound handle. The fops' owner pins the
 * module while any handle is open, so rmmod is refused until all close.
 */

#include "hsk.h"
#include "uapi/hsk.h"

#include <linux/fs.h>
#include <linux/miscdevice.h>

static int hsk_chr_open(struct inode *inode, struct file *file)
{
	/* Byte streams: no seeking, and reads and writes may run at once. */
	return stream_open(inode, file);
}

static int hsk_chr_release(struct inode *inode, struct file *file)
{
	return 0;
}

static long hsk_chr_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case HSK_IOC_LISTEN:
	case HSK_IOC_ACCEPT:
	case HSK_IOC_SHUTDOWN:
	case HSK_IOC_INFO:
		/* The passive open (LISTEN, ACCEPT) comes next. */
		return -EOPNOTSUPP;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hsk_chr_fops = {
	.owner = THIS_MODULE,
	.open = hsk_chr_open,
	.release = hsk_chr_release,
	.unlocked_ioctl = hsk_chr_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
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
