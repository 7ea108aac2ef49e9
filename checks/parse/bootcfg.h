/* SPDX-License-Identifier: Apache-2.0 */
/* Where the next boot takes its kernel command line from: /etc/default/grub (+ grub.d drop-ins),
 * the generated grub.cfg, BLS entries (/boot/loader/entries), grubenv and /etc/kernel/cmdline.
 * Plain data out; the parser knows no check. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Split a kernel command line into words as the kernel does: blanks separate, double quotes
 * group ("param=\"a b\"" is one word, quotes removed). */
void bootcfg_cmdline_split(const char *s, struct strv *out);
/* Whether some word is KEY=VALUE where VALUE starts with PREFIX (PREFIX NULL: KEY or KEY=anything). */
bool bootcfg_cmdline_has(const struct strv *words, const char *key, const char *prefix);

/* /etc/default/grub and /etc/default/grub.d/\*.cfg: shell assignments, the last one winning,
 * $NAME and ${NAME} expanded from the values assigned before (as grub-mkconfig's `.` does). */
struct bootcfg_var {
	char *name, *value, *path;
	unsigned line;
};
struct bootcfg_defaults {
	struct bootcfg_var *v;
	size_t n;
};
void bootcfg_defaults_parse(struct bootcfg_defaults *d, const char *path, const char *text);
const struct bootcfg_var *bootcfg_defaults_get(const struct bootcfg_defaults *d, const char *name);
void bootcfg_defaults_free(struct bootcfg_defaults *d);

/* grub.cfg: the kernel line of every menu entry, and the terminal set-up. */
struct bootcfg_entry {
	char *title;
	char *kernel; /* path after linux/linux16/linuxefi */
	char *args;   /* the rest of the line */
	unsigned line;
	bool recovery; /* 10_linux's recovery entry ("single", "recovery"): GRUB_CMDLINE_LINUX only */
};
struct bootcfg_grubcfg {
	struct bootcfg_entry *v;
	size_t n;
	bool blscfg;          /* the `blscfg` command: entries come from /boot/loader/entries */
	bool serial_terminal; /* terminal_output names serial */
	unsigned serial_line;
};
void bootcfg_grubcfg_parse(struct bootcfg_grubcfg *g, const char *text);
void bootcfg_grubcfg_free(struct bootcfg_grubcfg *g);

/* A Boot Loader Specification entry (/boot/loader/entries/\*.conf). */
struct bootcfg_bls {
	char *title, *version, *kernel, *initrd, *options; /* "linux" is the BLS key of KERNEL */
	unsigned options_line;
};
void bootcfg_bls_parse(struct bootcfg_bls *e, const char *text);
void bootcfg_bls_free(struct bootcfg_bls *e);

/* grubenv (key=value lines); the value of KEY, malloc'd, or NULL. */
char *bootcfg_grubenv_get(const char *text, const char *key);
/* Replace $NAME and ${NAME} in S with LOOKUP's answers (NULL: empty), malloc'd. */
char *bootcfg_expand(const char *s, const char *(*lookup)(const char *name, void *ud), void *ud);
