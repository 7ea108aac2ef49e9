/* SPDX-License-Identifier: Apache-2.0 */
/* Live unit actions over sd-bus: capgate's DisableUnitFiles, MaskUnitFiles, StopUnit and Reload
 * calls, answered by a stand-in for systemd's Manager on a private, real dbus-daemon (systemd
 * itself cannot run as PID 1 here). */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <systemd/sd-bus.h>

#include "fixture.h"
#include "remediate.h"

static struct fixture fx;
static pid_t daemon_pid;
static pthread_t manager;
static volatile int stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct strbuf calls;

static void record(const char *fmt, ...) _printf_(1, 2);
static void record(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	pthread_mutex_lock(&lock);
	strbuf_puts(&calls, s);
	strbuf_puts(&calls, "\n");
	pthread_mutex_unlock(&lock);
	free(s);
}

static int reply_changes(sd_bus_message *m, const char *unit, const char *type)
{
	sd_bus_message *reply = NULL;
	int r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "a(sss)", 1, type, unit, "");
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int m_disable(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	char **units = NULL;
	int runtime = -1;
	sd_bus_message_read_strv(m, &units);
	sd_bus_message_read(m, "b", &runtime);
	record("DisableUnitFiles %s runtime=%d", units && units[0] ? units[0] : "-", runtime);
	int r = reply_changes(m, units && units[0] ? units[0] : "", "unlink");
	for (char **u = units; u && *u; u++)
		free(*u);
	free(units);
	return r;
}

static int m_mask(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	char **units = NULL;
	int runtime = -1, force = -1;
	sd_bus_message_read_strv(m, &units);
	sd_bus_message_read(m, "bb", &runtime, &force);
	record("MaskUnitFiles %s runtime=%d force=%d", units && units[0] ? units[0] : "-", runtime, force);
	int r = reply_changes(m, units && units[0] ? units[0] : "", "symlink");
	for (char **u = units; u && *u; u++)
		free(*u);
	free(units);
	return r;
}

static int m_stop(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	const char *unit, *mode;
	sd_bus_message_read(m, "ss", &unit, &mode);
	record("StopUnit %s %s", unit, mode);
	if (startswith(unit, "missing"))
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", unit);
	return sd_bus_reply_method_return(m, "o", "/org/freedesktop/systemd1/job/1");
}

static int m_reload(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	record("Reload");
	return sd_bus_reply_method_return(m, "");
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("DisableUnitFiles", "asb", "a(sss)", m_disable, 0),
	SD_BUS_METHOD("MaskUnitFiles", "asbb", "a(sss)", m_mask, 0),
	SD_BUS_METHOD("StopUnit", "ss", "o", m_stop, 0),
	SD_BUS_METHOD("Reload", "", "", m_reload, 0),
	SD_BUS_VTABLE_END,
};

static void *manager_main(void *addr)
{
	sd_bus *bus = NULL;
	sd_bus_slot *slot = NULL;

	ck_assert_int_ge(sd_bus_new(&bus), 0);
	sd_bus_set_address(bus, addr);
	sd_bus_set_bus_client(bus, 1);
	ck_assert_int_ge(sd_bus_start(bus), 0);
	ck_assert_int_ge(sd_bus_add_object_vtable(bus, &slot, "/org/freedesktop/systemd1",
						  "org.freedesktop.systemd1.Manager", manager_vtable, NULL), 0);
	ck_assert_int_ge(sd_bus_request_name(bus, "org.freedesktop.systemd1", 0), 0);
	record("ready");
	while (!stopping) {
		int r = sd_bus_process(bus, NULL);
		if (r > 0)
			continue;
		sd_bus_wait(bus, 100000);
	}
	sd_bus_slot_unref(slot);
	sd_bus_flush_close_unref(bus);
	return NULL;
}

static bool called(const char *what)
{
	pthread_mutex_lock(&lock);
	bool hit = calls.buf && strstr(calls.buf, what);
	pthread_mutex_unlock(&lock);
	return hit;
}

static char addr[512];

/* also on a failed assertion, where Check skips the teardown */
static void kill_daemon(void)
{
	if (daemon_pid > 0)
		kill(daemon_pid, SIGTERM);
	daemon_pid = 0;
}

static void setup(void)
{
	FILE *p = popen("dbus-daemon --session --fork --print-address=1 --print-pid=1", "r");
	char pid[32];

	fixture_init(&fx);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(addr, sizeof addr, p));
	ck_assert_ptr_nonnull(fgets(pid, sizeof pid, p));
	pclose(p);
	addr[strcspn(addr, "\n")] = '\0';
	daemon_pid = (pid_t)atoi(pid);
	atexit(kill_daemon);
	/* only this process's bus: capgate's sd_bus_open_system() connects here */
	setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1);
	stopping = 0;
	pthread_create(&manager, NULL, manager_main, addr);
	/* up to 30 s: a loaded machine under valgrind takes seconds to connect and take the name */
	for (int i = 0; i < 1500 && !called("ready"); i++)
		usleep(20000);
	ck_assert(called("ready"));
}

static void teardown(void)
{
	stopping = 1;
	pthread_join(manager, NULL);
	kill_daemon();
	fixture_done(&fx);
	strbuf_free(&calls);
}

static int live_action(const char *action, const char *unit)
{
	struct cg_ctx ctx;
	struct rem_opts o = {0};
	struct rem_item it = {
		.action = remediate_action_find(action, strlen(action)), .arg = xstrdup(unit),
		.path = xasprintf("/etc/systemd/system/%s", unit),
	};
	int r;

	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	ctx.mode = CG_MODE_LIVE; /* the live path talks only to the bus, never to the tree */
	r = it.action->apply(&ctx, &it, &o);
	free(it.arg);
	free(it.path);
	free(it.reason);
	ctx_done(&ctx);
	return r;
}

START_TEST(disable_mask_stop_over_the_bus)
{
	struct strv before = {0}, after = {0};
	_cleanup_free_ char *diff = NULL;

	fx_put(&fx, "/etc/systemd/system/multi-user.target.wants/avahi-daemon.service", "x", 0644);
	fx_digest(fx.root, &before);
	ck_assert_int_eq(live_action("disable-unit", "avahi-daemon.service"), 0);
	ck_assert(called("DisableUnitFiles avahi-daemon.service runtime=0\nReload\n"));
	ck_assert_int_eq(live_action("mask-unit", "cups.service"), 0);
	ck_assert(called("MaskUnitFiles cups.service runtime=0 force=1\nReload\nStopUnit cups.service replace\n"));
	ck_assert_int_eq(live_action("stop-unit", "walinuxagent.service"), 0);
	ck_assert(called("StopUnit walinuxagent.service replace"));
	/* a unit that is not loaded is already stopped */
	ck_assert_int_eq(live_action("stop-unit", "missing.service"), 0);
	fx_digest(fx.root, &after);
	ck_assert_msg(fx_diff(&before, &after, &diff) == 0, "the live path wrote into the tree: %s", diff);
	strv_free(&before);
	strv_free(&after);
}
END_TEST

START_TEST(no_bus_is_a_failure_not_a_crash)
{
	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/capgate-test-bus", 1);
	ck_assert_int_lt(live_action("disable-unit", "avahi-daemon.service"), 0);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		disable_mask_stop_over_the_bus,
		no_bus_is_a_failure_not_a_crash,
	};

	if (system("dbus-daemon --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "dbus-daemon not installed\n");
		return 77;
	}
	return fx_run("remediate_bus", setup, teardown, tests, ELEMENTSOF(tests));
}
