/* SPDX-License-Identifier: Apache-2.0 */
/* Callback POST with libcurl: signed body, TLS verified, bounded retries with exponential backoff. */
#include "callback.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include "journal.h"
#include "safefs.h"

#define CALLBACK_MAX_BACKOFF_MS 60000ULL

static int read_secret(const char *path, char **out)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	struct stat st;
	int r;

	/* the secret file is the host's configuration, not the image's */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	/* a key others can read is no key: 0600 (or stricter), ours or root's */
	if (st.st_mode & 077 || (st.st_uid != geteuid() && st.st_uid != 0))
		return -EPERM;
	r = safefs_read_fd(fd, 4096, &buf, &len);
	if (r < 0)
		return r;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (len == 0 || memchr(buf, '\0', len))
		return -EBADMSG;
	*out = xstrndup(buf, len);
	explicit_bzero(buf, len);
	return 0;
}

char *callback_url_for_log(const char *url)
{
	const char *h = strstr(url ? url : "", "://"), *end, *at;

	if (!h)
		return util_escape(url);
	h += 3;
	end = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(end - h));
	if (!at)
		return util_escape(url);
	/* the last '@' of the authority ends the user part */
	for (const char *p = at; p < end; p++)
		if (*p == '@')
			at = p;
	_cleanup_free_ char *joined = xasprintf("%.*s***%s", (int)(h - url), url, at);
	return util_escape(joined);
}

int callback_opts_from_config(const struct cg_config *cfg, const char *url, struct callback_opts *o, char **err)
{
	const char *env = getenv("CAPGATE_CALLBACK_SECRET");
	json_t *v;
	int r;

	*o = (struct callback_opts){.attempts = 5, .backoff_ms = 1000, .timeout_ms = 10000};
	o->url = url ? url : json_string_value(config_get(cfg, "callback.url"));
	if (!o->url || !*o->url) {
		o->url = NULL;
		return 0;
	}
	o->url_log = callback_url_for_log(o->url);
	if (!startswith(o->url, "http://") && !startswith(o->url, "https://")) {
		*err = xasprintf("callback URL '%s': only http:// and https:// are supported", o->url_log);
		callback_opts_free(o);
		return -EINVAL;
	}
	/* the report leaves this machine only encrypted and authenticated */
	if (startswith(o->url, "http://") && !util_url_is_local(o->url)) {
		*err = xasprintf("callback URL '%s': plain http:// is allowed only to loopback; use https://", o->url_log);
		callback_opts_free(o);
		return -EINVAL;
	}
	o->ca_file = json_string_value(config_get(cfg, "callback.ca_file"));
	if ((v = config_get(cfg, "callback.attempts")) && json_integer_value(v) > 0)
		o->attempts = (unsigned)json_integer_value(v);
	o->backoff_ms = config_duration_ms(cfg, "callback.backoff", o->backoff_ms);
	o->timeout_ms = config_duration_ms(cfg, "callback.timeout", o->timeout_ms);
	if (env && *env)
		o->secret = xstrdup(env);
	else if ((v = config_get(cfg, "callback.secret_file"))) {
		r = read_secret(json_string_value(v), &o->secret);
		if (r < 0) {
			*err = xasprintf("callback secret file '%s': %s", json_string_value(v),
					 r == -EBADMSG ? "empty or not text"
					 : r == -EPERM ? "readable by others, or not ours or root's: it must be mode 0600"
						       : strerror(-r));
			callback_opts_free(o);
			return r;
		}
	}
	if (!o->secret && !json_is_true(config_get(cfg, "callback.unsigned"))) {
		*err = xasprintf("callback URL '%s': no secret (callback.secret_file or $CAPGATE_CALLBACK_SECRET); "
				 "an unsigned report needs callback.unsigned: true", o->url_log);
		callback_opts_free(o);
		return -ENOKEY;
	}
	return 0;
}

void callback_opts_free(struct callback_opts *o)
{
	if (o->secret) {
		explicit_bzero(o->secret, strlen(o->secret));
		free(o->secret);
	}
	free(o->url_log);
	*o = (struct callback_opts){0};
}

int callback_sign(const char *secret, const char *run_id, long long timestamp, const char *body, size_t len,
		  char out[72])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	static const char hex[] = "0123456789abcdef";
	_cleanup_free_ char *msg = NULL;
	int n;

	n = asprintf(&msg, "%s.%lld.", run_id ? run_id : "", timestamp);
	if (n < 0)
		return -ENOMEM;
	msg = xrealloc(msg, (size_t)n + len + 1);
	memcpy(msg + n, body, len);
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, (size_t)n + len, mac, &maclen) ||
	    maclen != 32)
		return -EIO;
	memcpy(out, "sha256=", 7);
	for (unsigned i = 0; i < maclen; i++) {
		out[7 + 2 * i] = hex[mac[i] >> 4];
		out[7 + 2 * i + 1] = hex[mac[i] & 15];
	}
	out[7 + 64] = '\0';
	OPENSSL_cleanse(mac, sizeof mac);
	return 0;
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
	(void)p, (void)ud;
	return s * n;
}

/* Whether a failed attempt is worth repeating: the same classes curl --retry treats as transient. */
static bool transient(CURLcode cc, long status)
{
	if (cc != CURLE_OK)
		return cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_RESOLVE_HOST ||
		       cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
		       cc == CURLE_PARTIAL_FILE;
	return status == 408 || status == 429 || status >= 500;
}

int callback_post(const struct callback_opts *o, const char *body, size_t len)
{
	struct journal_fields jf = {.run = o->run_id};
	struct curl_slist *hdrs = NULL;
	char sig[72], errbuf[CURL_ERROR_SIZE];
	unsigned long long pause_ms = o->backoff_ms;
	CURL *c;
	int r = -EIO;
	_cleanup_free_ char *ulog = callback_url_for_log(o->url);

	c = curl_easy_init();
	if (!c)
		return -ENOMEM;
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "User-Agent: capgate/" CAPGATE_VERSION);
	if (o->secret) {
		char line[100];
		long long ts = (long long)time(NULL);
		if (callback_sign(o->secret, o->run_id, ts, body, len, sig) < 0) {
			curl_slist_free_all(hdrs);
			curl_easy_cleanup(c);
			return -EIO;
		}
		snprintf(line, sizeof line, "X-Capgate-Signature: %s", sig);
		hdrs = curl_slist_append(hdrs, line);
		snprintf(line, sizeof line, "X-Capgate-Timestamp: %lld", ts);
		hdrs = curl_slist_append(hdrs, line);
	} else
		journal_log(LOG_WARNING, JEV_CALLBACK_FAILED, &jf,
			    "callback '%s': callback.unsigned is set: the report is sent unsigned", ulog);
	{
		/* always sent (empty without a run id): it is part of what is signed */
		_cleanup_free_ char *line = xasprintf("X-Capgate-Run: %s", o->run_id ? o->run_id : "");
		hdrs = curl_slist_append(hdrs, line);
	}

	curl_easy_setopt(c, CURLOPT_URL, o->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect would re-send the report elsewhere */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->timeout_ms < 5000 ? o->timeout_ms : 5000));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

	for (unsigned attempt = 1; attempt <= (o->attempts ? o->attempts : 1); attempt++) {
		long status = 0;
		CURLcode cc;

		errbuf[0] = '\0';
		cc = curl_easy_perform(c);
		if (cc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (cc == CURLE_OK && status >= 200 && status < 300) {
			journal_log(LOG_INFO, JEV_CALLBACK_SENT, &jf, "callback '%s': report delivered (HTTP %ld, attempt %u)",
				    ulog, status, attempt);
			r = 0;
			break;
		}
		if (cc != CURLE_OK)
			journal_log(LOG_WARNING, JEV_CALLBACK_FAILED, &jf, "callback '%s': attempt %u/%u: %s", ulog, attempt,
				    o->attempts, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		else
			journal_log(LOG_WARNING, JEV_CALLBACK_FAILED, &jf, "callback '%s': attempt %u/%u: HTTP %ld", ulog,
				    attempt, o->attempts, status);
		if (!transient(cc, status)) {
			r = cc == CURLE_OK ? -EPROTO : -EIO;
			break;
		}
		if (attempt == o->attempts) {
			r = cc == CURLE_OK ? -EPROTO : -EIO;
			break;
		}
		/* pause in slices, so a shutdown does not wait out a long backoff */
		for (unsigned long long slept = 0; slept < pause_ms && !(o->cancel && *o->cancel); slept += 100)
			usleep((useconds_t)((pause_ms - slept < 100 ? pause_ms - slept : 100) * 1000ULL));
		if (o->cancel && *o->cancel) {
			r = -ECANCELED;
			break;
		}
		pause_ms = pause_ms * 2 > CALLBACK_MAX_BACKOFF_MS ? CALLBACK_MAX_BACKOFF_MS : pause_ms * 2;
	}
	if (r < 0)
		journal_log(LOG_ERR, JEV_CALLBACK_FAILED, &jf, "callback '%s': giving up; the report was not delivered", ulog);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return r;
}

int callback_send_report(const struct cg_config *cfg, const char *url, const char *run_id, json_t *report, char **err)
{
	struct callback_opts o;
	char *body;
	int r;

	r = callback_opts_from_config(cfg, url, &o, err);
	if (r < 0)
		return r;
	if (!o.url) {
		*err = xstrdup("no callback URL: set callback.url in the configuration or pass one");
		return -ENOENT;
	}
	o.run_id = run_id;
	body = json_dumps(report, JSON_COMPACT | JSON_ENSURE_ASCII);
	r = body ? callback_post(&o, body, strlen(body)) : -ENOMEM;
	free(body);
	callback_opts_free(&o);
	return r;
}
