#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare OpenSCAP XCCDF results with a capgate JSON report, rule by rule, for the rules both
cover. usage: compare.py OSCAP_RESULTS.xml CAPGATE_REPORT.json REASONS.tsv
Every difference needs a reason in REASONS.tsv (rule<TAB>reason); exit 1 when one has none."""
import json
import re
import sys

S = "sysctl"
# SSG rule -> (capgate check, finding rules that mean "fails" or None for the check's status)
MAP = {
    "sysctl_kernel_randomize_va_space": ("kernel.aslr", ["kernel.randomize_va_space"]),
    "sysctl_fs_suid_dumpable": ("kernel.core-dumps", ["fs.suid_dumpable"]),
    "disable_users_coredumps": ("kernel.core-limits", ["limits"]),
    "sysctl_net_ipv4_ip_forward": ("net.ip-forwarding", ["net.ipv4.ip_forward"]),
    "sysctl_net_ipv6_conf_all_forwarding": ("net.ip-forwarding", ["net.ipv6.conf.all.forwarding"]),
    "service_autofs_disabled": ("svc.removable-media", ["autofs"]),
    "kernel_module_usb-storage_disabled": ("svc.removable-media", ["usb-storage"]),
    "service_avahi-daemon_disabled": ("svc.unneeded-daemons", ["avahi-daemon.service", "avahi-daemon.socket"]),
    "service_cups_disabled": ("svc.unneeded-daemons", ["cups.service", "cups.socket"]),
    "package_dhcp_removed": ("svc.unneeded-daemons", ["isc-dhcp-server.service", "isc-dhcp-server6.service"]),
    "package_bind_removed": ("svc.unneeded-daemons", ["named.service", "bind9.service"]),
    "package_vsftpd_removed": ("svc.unneeded-daemons", ["vsftpd.service"]),
    "package_httpd_removed": ("svc.unneeded-daemons", ["apache2.service"]),
    "package_dovecot_removed": ("svc.unneeded-daemons", ["dovecot.service", "dovecot.socket"]),
    "package_openldap-servers_removed": ("svc.unneeded-daemons", ["slapd.service"]),
    "package_squid_removed": ("svc.unneeded-daemons", ["squid.service"]),
    "package_samba_removed": ("svc.unneeded-daemons", ["smbd.service", "nmbd.service"]),
    "package_net-snmp_removed": ("svc.unneeded-daemons", ["snmpd.service"]),
    "package_nis_removed": ("svc.legacy-remote-access", ["nis", "ypserv"]),
    "package_xinetd_removed": ("svc.legacy-remote-access", ["xinetd"]),
    "package_rsh_removed": ("svc.legacy-remote-access", ["rsh-client", "rsh-server", "rsh-redone-client", "rsh-redone-server"]),
    "package_talk_removed": ("svc.legacy-remote-access", ["talk", "talkd", "inetutils-talk", "inetutils-talkd"]),
    "package_telnet_removed": ("svc.legacy-remote-access", ["telnet", "inetutils-telnet"]),
    "package_rsyslog_installed": ("log.syslog", None),
    "service_rsyslog_enabled": ("log.syslog", None),
    "package_iptables_installed": ("fw.present-enabled", None),
    "service_iptables_enabled": ("fw.present-enabled", None),
    "set_iptables_default_rule": ("fw.default-deny", None),
    "package_chrony_installed": ("svc.time-sync", None),
    "package_ntp_installed": ("svc.time-sync", None),
    "service_chronyd_or_ntpd_enabled": ("svc.time-sync", None),
    "service_ntp_enabled": ("svc.time-sync", None),
    # other families of the catalog (judged when the binary has them)
    "sshd_disable_root_login": ("ssh.permit-root-login", None),
    "sshd_disable_empty_passwords": ("ssh.permit-empty-passwords", None),
    "disable_host_auth": ("ssh.hostbased-auth", None),
    "sshd_disable_rhosts": ("ssh.ignore-rhosts", None),
    "sshd_do_not_permit_user_env": ("ssh.permit-user-environment", None),
    "sshd_set_loglevel_info": ("ssh.log-level", None),
    "sshd_set_max_auth_tries": ("ssh.max-auth-tries", None),
    "sshd_use_approved_ciphers": ("ssh.weak-crypto", None),
    "sshd_use_approved_macs": ("ssh.weak-crypto", None),
    "sshd_set_idle_timeout": ("ssh.idle-timeouts", None),
    "sshd_set_keepalive": ("ssh.idle-timeouts", None),
    "file_permissions_sshd_config": ("ssh.config-perms", None),
    "no_empty_passwords": ("acct.empty-password", None),
    "accounts_no_uid_except_zero": ("acct.uid0-only-root", None),
    "file_permissions_etc_shadow": ("perm.shadow-files", None),
    "file_permissions_etc_passwd": ("perm.passwd-group", None),
}
for m in ["cramfs", "freevxfs", "hfs", "hfsplus", "jffs2", "udf"]:
    MAP["kernel_module_%s_disabled" % m] = ("kernel.unused-modules", [m])
for rule, key in {
    "net_ipv4_conf_all_accept_redirects": "net.ipv4.conf.all.accept_redirects",
    "net_ipv4_conf_default_accept_redirects": "net.ipv4.conf.default.accept_redirects",
    "net_ipv4_conf_all_secure_redirects": "net.ipv4.conf.all.secure_redirects",
    "net_ipv4_conf_default_secure_redirects": "net.ipv4.conf.default.secure_redirects",
    "net_ipv4_conf_all_send_redirects": "net.ipv4.conf.all.send_redirects",
    "net_ipv4_conf_default_send_redirects": "net.ipv4.conf.default.send_redirects",
    "net_ipv6_conf_all_accept_redirects": "net.ipv6.conf.all.accept_redirects",
    "net_ipv6_conf_default_accept_redirects": "net.ipv6.conf.default.accept_redirects",
}.items():
    MAP["sysctl_" + rule] = ("net.redirects", [key])
for rule, key in {
    "net_ipv4_conf_all_accept_source_route": "net.ipv4.conf.all.accept_source_route",
    "net_ipv4_conf_default_accept_source_route": "net.ipv4.conf.default.accept_source_route",
    "net_ipv6_conf_all_accept_source_route": "net.ipv6.conf.all.accept_source_route",
    "net_ipv6_conf_default_accept_source_route": "net.ipv6.conf.default.accept_source_route",
}.items():
    MAP["sysctl_" + rule] = ("net.source-route", [key])
for rule, key in {
    "net_ipv4_conf_all_rp_filter": "net.ipv4.conf.all.rp_filter",
    "net_ipv4_conf_default_rp_filter": "net.ipv4.conf.default.rp_filter",
    "net_ipv4_conf_all_log_martians": "net.ipv4.conf.all.log_martians",
    "net_ipv4_conf_default_log_martians": "net.ipv4.conf.default.log_martians",
    "net_ipv4_tcp_syncookies": "net.ipv4.tcp_syncookies",
    "net_ipv4_icmp_echo_ignore_broadcasts": "net.ipv4.icmp_echo_ignore_broadcasts",
    "net_ipv4_icmp_ignore_bogus_error_responses": "net.ipv4.icmp_ignore_bogus_error_responses",
}.items():
    MAP["sysctl_" + rule] = ("net.ipv4-hygiene", [key])
NEVER = {"kernel_module_udf_disabled"}  # capgate never requires it: Azure provisioning mounts UDF


def capgate_verdict(checks, rule):
    cid, keys = MAP[rule]
    if rule in NEVER:
        return "never"
    c = checks.get(cid)
    if c is None:
        return None
    if c["status"] in ("skip", "error"):
        return c["status"]
    if keys is None:
        return c["status"]
    return "fail" if any(f.get("rule") in keys for f in c["findings"]) else "pass"


def main():
    xml = open(sys.argv[1]).read()
    checks = {c["id"]: c for c in json.load(open(sys.argv[2]))["checks"]}
    reasons = {}
    for line in open(sys.argv[3]):
        if line.strip() and not line.startswith("#"):
            rule, _, why = line.rstrip("\n").partition("\t")
            reasons[rule] = why
    rows, agree, differ, unexplained = [], 0, 0, 0
    for m in re.finditer(r'<rule-result idref="xccdf_org\.ssgproject\.content_rule_([^"]+)"[^>]*>.*?<result>([a-z]+)</result>',
                         xml, re.S):
        rule, oscap = m.group(1), m.group(2)
        if rule not in MAP or oscap == "notselected":
            continue
        cg = capgate_verdict(checks, rule)
        if cg is None:
            continue  # capgate's binary has no such check yet
        if oscap not in ("pass", "fail"):
            rows.append((rule, oscap, cg, "n/a", "OpenSCAP could not judge it offline"))
            continue
        if oscap == cg:
            agree += 1
            rows.append((rule, oscap, cg, "agree", ""))
            continue
        differ += 1
        why = reasons.get(rule)
        if why is None:
            unexplained += 1
            why = "UNEXPLAINED"
        rows.append((rule, oscap, cg, "DIFFER", why))
    w = max(len(r[0]) for r in rows) if rows else 10
    for r in rows:
        print("%-*s  oscap %-13s capgate %-6s %-6s %s" % (w, r[0], r[1], r[2], r[3], r[4]))
    print("\nrules both cover: %d; agree %d, differ %d (%d without a committed reason)" % (agree + differ, agree, differ, unexplained))
    return 1 if unexplained else 0


sys.exit(main())
