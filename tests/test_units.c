/* SPDX-License-Identifier: Apache-2.0 */
/* Offline unit enablement compared with the real `systemctl --root=DIR is-enabled` on fixtures:
 * enabled by .wants links, disabled, static, masked, aliases, templates, vendor links. */
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>

#include "hsys_test.h"
#include "units.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "usr/lib/systemd/system/avahi-daemon.service",
		 "[Unit]\nDescription=Avahi\n[Service]\nExecStart=/usr/sbin/avahi-daemon -s\n"
		 "[Install]\nWantedBy=multi-user.target\nAlias=dbus-org.freedesktop.Avahi.service\n", 0644);
	tu_write(root, "usr/lib/systemd/system/cups.service",
		 "[Service]\nExecStart=/usr/sbin/cupsd\n[Install]\nWantedBy=multi-user.target\n", 0644);
	tu_write(root, "usr/lib/systemd/system/static.service", "[Service]\nExecStart=/bin/true\n", 0644);
	tu_write(root, "usr/lib/systemd/system/masked.service",
		 "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n", 0644);
	tu_write(root, "usr/lib/systemd/system/ssh.service",
		 "[Service]\nExecStart=/usr/sbin/sshd -D\n[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n", 0644);
	tu_write(root, "usr/lib/systemd/system/getty@.service",
		 "[Service]\nExecStart=/sbin/agetty %I\n[Install]\nWantedBy=getty.target\n", 0644);
	tu_write(root, "usr/lib/systemd/system/multi-user.target", "[Unit]\nDescription=MU\n", 0644);
	tu_write(root, "usr/lib/systemd/system/getty.target", "[Unit]\nDescription=G\n", 0644);
	/* enabled the way `systemctl enable` leaves it */
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/avahi-daemon.service",
		   "/lib/systemd/system/avahi-daemon.service");
	tu_symlink(root, "etc/systemd/system/dbus-org.freedesktop.Avahi.service",
		   "/lib/systemd/system/avahi-daemon.service");
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service");
	tu_symlink(root, "etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
	tu_symlink(root, "etc/systemd/system/getty.target.wants/getty@tty1.service", "/lib/systemd/system/getty@.service");
	tu_symlink(root, "etc/systemd/system/masked.service", "/dev/null");
	tu_symlink(root, "lib", "usr/lib");
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

static enum unit_state ours(const char *name)
{
	struct safefs fs;
	struct units u;
	struct unit_info info;
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(units_load(&fs, &u, NULL), 0);
	ck_assert_int_eq(units_query(&fs, &u, name, &info, NULL), 0);
	enum unit_state s = info.state;
	unit_info_free(&info);
	units_free(&u);
	safefs_done(&fs);
	return s;
}

/* systemctl's word, mapped onto ours: alias counts as the unit it names */
static char *theirs(const char *name)
{
	_cleanup_free_ char *rootarg = xasprintf("--root=%s", root);
	const char *argv[] = {"systemctl", rootarg, "is-enabled", name, NULL};
	char *out = NULL;
	tu_run(argv, &out, NULL);
	if (out)
		out[strcspn(out, "\n")] = 0;
	return out;
}

START_TEST(matches_systemctl)
{
	static const struct {
		const char *name;
		enum unit_state want;
	} cases[] = {
		{"avahi-daemon.service", UNIT_ENABLED}, {"cups.service", UNIT_DISABLED}, {"static.service", UNIT_STATIC},
		{"masked.service", UNIT_MASKED},        {"ssh.service", UNIT_ENABLED},   {"getty@tty1.service", UNIT_ENABLED},
		{"nonexistent.service", UNIT_NOT_FOUND},
	};
	bool have_systemctl = access("/usr/bin/systemctl", X_OK) == 0 || access("/bin/systemctl", X_OK) == 0;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		enum unit_state s = ours(cases[i].name);
		ck_assert_msg(s == cases[i].want, "%s: %s", cases[i].name, units_state_name(s));
		if (!have_systemctl || cases[i].want == UNIT_NOT_FOUND)
			continue;
		_cleanup_free_ char *t = theirs(cases[i].name);
		ck_assert_msg(t && streq(t, units_state_name(s)), "%s: systemctl says '%s', capgate '%s'", cases[i].name,
			      t ? t : "(nothing)", units_state_name(s));
	}
}
END_TEST

START_TEST(aliases_and_enabled_by)
{
	struct safefs fs;
	struct units u;
	struct unit_info info;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(units_load(&fs, &u, NULL), 0);
	/* an alias name judges the unit it names */
	ck_assert_int_eq(units_query(&fs, &u, "sshd.service", &info, NULL), 0);
	ck_assert_int_eq(info.state, UNIT_ENABLED);
	ck_assert_str_eq(info.real_name, "ssh.service");
	unit_info_free(&info);
	ck_assert_int_eq(units_query(&fs, &u, "avahi-daemon.service", &info, NULL), 0);
	ck_assert_str_eq(info.enabled_by, "/etc/systemd/system/multi-user.target.wants/avahi-daemon.service");
	ck_assert(!info.vendor_only);
	unit_info_free(&info);
	units_free(&u);
	safefs_done(&fs);

	/* a vendor .wants link starts the unit too, though systemctl words it differently */
	tu_symlink(root, "usr/lib/systemd/system/multi-user.target.wants/cups.service", "../cups.service");
	ck_assert_int_eq(ours("cups.service"), UNIT_ENABLED);
}
END_TEST

/* ---- live: a real dbus-daemon, and a stand-in for systemd's manager on it (no systemd runs
 * here), answering GetUnit and ActiveState the way org.freedesktop.systemd1 does ---- */

static volatile int bus_stop;

static int get_unit(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	const char *name;
	int r = sd_bus_message_read(m, "s", &name);
	if (r < 0)
		return r;
	if (!streq(name, "avahi-daemon.service"))
		return sd_bus_error_setf(err, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
	return sd_bus_reply_method_return(m, "o", "/org/freedesktop/systemd1/unit/avahi_2ddaemon_2eservice");
}

static int active_state(sd_bus *bus, const char *path, const char *iface, const char *prop, sd_bus_message *reply,
			void *ud, sd_bus_error *err)
{
	return sd_bus_message_append(reply, "s", "active");
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("GetUnit", "s", "o", get_unit, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};
static const sd_bus_vtable unit_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("ActiveState", "s", active_state, 0, 0),
	SD_BUS_VTABLE_END,
};

static void *fake_systemd(void *ud)
{
	sd_bus *bus = ud;
	while (!bus_stop) {
		int r = sd_bus_process(bus, NULL);
		if (r == 0)
			sd_bus_wait(bus, 100 * 1000);
	}
	return NULL;
}

/* A unit directory that cannot be read is an error naming it, never "no units". */
START_TEST(unreadable_is_an_error)
{
	struct safefs fs;
	struct units u;
	struct unit_info info;
	char *where = NULL;

	/* a symlink loop on the way to a unit directory: ELOOP, not an empty directory */
	tu_symlink(root, "run", "run");
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(units_load(&fs, &u, &where), -ELOOP);
	ck_assert_str_eq(where, "/run/systemd/system.control");
	ck_assert_uint_eq(u.nlinks, 0);
	free(where);
	where = NULL;
	safefs_done(&fs);
	/* a unit directory swapped for a loop after the load: the query is an error naming the file */
	_cleanup_free_ char *run = tu_path(root, "run"), *etc = tu_path(root, "etc/systemd"),
			    *moved = tu_path(root, "etc/systemd.moved");
	ck_assert_int_eq(unlink(run), 0);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(units_load(&fs, &u, NULL), 0);
	ck_assert_int_eq(rename(etc, moved), 0);
	ck_assert_int_eq(symlink("systemd", etc), 0);
	ck_assert_int_eq(units_query(&fs, &u, "cups.service", &info, &where), -ELOOP);
	ck_assert_str_eq(where, "/etc/systemd/system/cups.service");
	ck_assert_int_eq(info.state, UNIT_NOT_FOUND);
	free(where);
	units_free(&u);
	safefs_done(&fs);
	ck_assert_int_eq(unlink(etc), 0);
	ck_assert_int_eq(rename(moved, etc), 0);
}
END_TEST

START_TEST(live_over_bus)
{
	_cleanup_free_ char *dir = tu_scratch(), *sock = xasprintf("%s/bus", dir), *addr = xasprintf("unix:path=%s", sock);
	_cleanup_free_ char *listen = xasprintf("--address=%s", addr);
	pid_t pid = fork();
	struct stat st;
	sd_bus *bus = NULL;
	pthread_t th;
	char *active = NULL;

	if (pid == 0) {
		execlp("dbus-daemon", "dbus-daemon", "--session", "--nofork", "--nopidfile", listen, (char *)NULL);
		_exit(127);
	}
	/* until the socket is there (up to 30 s on a loaded machine), or dbus-daemon is gone: the
	 * suite installs it (scripts/test-packages.txt), so its absence is a failure, not a skip */
	int status = 0;
	for (int i = 0; i < 1500 && stat(sock, &st) < 0 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(20 * 1000);
	if (stat(sock, &st) < 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		tu_rm_rf(dir);
		ck_abort_msg("dbus-daemon did not start (exit status %d): install dbus-daemon", status);
	}
	/* the socket file appears at bind(), a moment before listen(): a refused connect is retried */
	for (int i = 0, e = -ECONNREFUSED; e == -ECONNREFUSED; i++) {
		bus = sd_bus_unref(bus);
		ck_assert_int_ge(sd_bus_new(&bus), 0);
		ck_assert_int_ge(sd_bus_set_address(bus, addr), 0);
		ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
		e = sd_bus_start(bus);
		if (e == -ECONNREFUSED && i < 100)
			usleep(20 * 1000);
		else
			ck_assert_int_ge(e, 0);
	}
	ck_assert_int_ge(sd_bus_request_name(bus, "org.freedesktop.systemd1", 0), 0);
	ck_assert_int_ge(sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
						  manager_vtable, NULL), 0);
	ck_assert_int_ge(sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1/unit/avahi_2ddaemon_2eservice",
						  "org.freedesktop.systemd1.Unit", unit_vtable, NULL), 0);
	bus_stop = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, fake_systemd, bus), 0);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1);

	ck_assert_int_eq(units_live_active("avahi-daemon.service", &active), 0);
	ck_assert_str_eq(active, "active");
	free(active);
	ck_assert_int_eq(units_live_active("cups.service", &active), -ENOENT);
	/* the check, live: avahi is not enabled on this machine but runs, so it is reported */
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, "/", "svc.unneeded-daemons", NULL);
	ck_assert_str_eq(t.rep.mode, "live");
	ck_assert(hs_has_rule(r, "avahi-daemon.service"));
	tu_scan_free(&t);

	unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
	bus_stop = 1;
	pthread_join(th, NULL);
	sd_bus_flush_close_unref(bus);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	tu_rm_rf(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, matches_systemctl);
	tcase_add_test(tc, aliases_and_enabled_by);
	tcase_add_test(tc, unreadable_is_an_error);
	suite_add_tcase(s, tc);
	TCase *live = tcase_create("live");
	tcase_add_test(live, live_over_bus);
	suite_add_tcase(s, live);
	return tu_main(s);
}
