/* Audit log verification: an intact log passes; an edited, deleted,
 * reordered, truncated or resealed record, a wrong key and garbage are
 * each caught at the right line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_int.h"
#include "digest.h"
#include "tap.h"

#include "audit_util.h"

#define NREC 10

static unsigned char k0[32];
static char *lines[NREC + 1]; /* each with its newline */

/* Write NREC sealed records (4 per epoch) and split them into lines. */
static int make_log(const char *dir)
{
	char logp[128], seal[128], *buf, *p;
	struct audit_seal s = { .since = fake_time.tv_sec };
	struct fim_audit_opts o = { .level = FIM_AUDIT_ALL, .now = fake_now,
		.epoch_records = 4, .no_timer = true,
		.syslog_fn = quiet_syslog };
	struct fim_audit *a;
	size_t len = 0;
	int i;

	snprintf(logp, sizeof(logp), "%s/audit.log", dir);
	snprintf(seal, sizeof(seal), "%s/seal", dir);
	memcpy(s.key, k0, 32);
	if (audit_seal_save(seal, &s))
		return -1;
	o.path = logp;
	o.seal_key = seal;
	if (fim_audit_open(&o, &a))
		return -1;
	for (i = 0; i < NREC; i++) {
		struct fim_audit_event ev = sample_event((unsigned)i);

		fake_time.tv_nsec += 1000;
		fim_audit_record(a, &ev);
	}
	fim_audit_close(a);
	buf = slurp(logp, &len);
	for (i = 0, p = buf; buf && i < NREC && *p; i++) {
		char *nl = strchr(p, '\n');

		lines[i] = strndup(p, (size_t)(nl - p + 1));
		p = nl + 1;
	}
	free(buf);
	return i == NREC ? 0 : -1;
}

/* Join lines[order[i]] (or other text) into one buffer. */
static char *join(const char *const *parts, size_t n, size_t *len)
{
	char *out;

	*len = 0;
	for (size_t i = 0; i < n; i++)
		*len += strlen(parts[i]);
	out = malloc(*len + 1);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		strcat(out, parts[i]);
	return out;
}

/* Verify parts as one file; the result, the line and the message. */
static int check(const unsigned char *key, const char *const *parts,
		 size_t n, uint64_t *line, char *msg, size_t msgsz)
{
	struct fim_audit_verifier *v;
	const char *m;
	size_t len;
	char *buf = join(parts, n, &len);
	int ret;

	if (!buf || fim_audit_verifier_new(key, &v)) {
		free(buf);
		return -1;
	}
	ret = fim_audit_verify_buf(v, buf, len);
	m = fim_audit_verify_error(v, line);
	snprintf(msg, msgsz, "%s", m ? m : "");
	fim_audit_verifier_free(v);
	free(buf);
	return ret;
}

static void expect(const char *what, const unsigned char *key,
		   const char *const *parts, size_t n, uint64_t want_line,
		   const char *want_word)
{
	char msg[256];
	uint64_t line = 0;
	int ret = check(key, parts, n, &line, msg, sizeof(msg));

	if (!want_line) {
		is_int(ret, 0, what);
		return;
	}
	is_int(ret, 1, what);
	is_int(line, want_line, "  at the right line");
	if (!ok(strstr(msg, want_word) != NULL, "  says what is wrong"))
		printf("#   message: %s (want '%s')\n", msg, want_word);
}

/* Rebuild line i with an edited body, recomputing the chain of it and of
 * every later line (what an attacker without the key can do) and keeping
 * the old MACs. */
static void reseal_from(char **l, int from)
{
	struct audit_crypto c;
	struct audit_line pl, prev;
	unsigned char chain[32];
	char hex[65], mac[65], *nl;
	const char *why;

	audit_crypto_init(&c);
	audit_parse_line(l[from - 1], strlen(l[from - 1]) - 1, &prev, &why);
	memcpy(chain, prev.chain, 32);
	for (int i = from; i < NREC; i++) {
		audit_parse_line(l[i], strlen(l[i]) - 1, &pl, &why);
		audit_chain(&c, chain, l[i], pl.body_len, chain);
		fim_hex(chain, 32, hex);
		fim_hex(pl.mac, 32, mac);
		nl = malloc(pl.body_len + 160);
		snprintf(nl, pl.body_len + 160, "%.*s,\"chain\":\"%s\",\"mac\":"
			 "\"%s\"}\n", (int)pl.body_len, l[i], hex, mac);
		free(l[i]);
		l[i] = nl;
	}
	audit_crypto_free(&c);
}

static void test_tampering(void)
{
	const char *p[NREC + 2];
	unsigned char wrong[32];
	char *edited, *cut, *ed[NREC];
	size_t i;

	for (i = 0; i < NREC; i++)
		p[i] = lines[i];
	expect("intact log, with key", k0, p, NREC, 0, NULL);
	expect("intact log, no key", NULL, p, NREC, 0, NULL);

	edited = strdup(lines[4]);
	edited[strlen(edited) / 3] ^= 0x01;
	p[4] = edited;
	expect("edited record", k0, p, NREC, 5, "edited");
	expect("edited record, no key", NULL, p, NREC, 5, "edited");
	p[4] = lines[4];

	for (i = 4; i < NREC - 1; i++)
		p[i] = lines[i + 1];
	expect("deleted record", k0, p, NREC - 1, 5, "missing");
	for (i = 0; i < NREC; i++)
		p[i] = lines[i];

	p[5] = lines[6];
	p[6] = lines[5];
	expect("reordered records", k0, p, NREC, 6, "reordered");
	p[5] = lines[5];
	p[6] = lines[6];

	p[NREC] = lines[3];
	expect("duplicated record", NULL, p, NREC + 1, NREC + 1, "duplicated");

	cut = strndup(lines[NREC - 1], 40);
	p[NREC - 1] = cut;
	expect("cut mid-record at the end", k0, p, NREC, NREC, "truncated");
	free(cut);
	cut = strndup(lines[NREC - 1], strlen(lines[NREC - 1]) - 1);
	p[NREC - 1] = cut;
	expect("last newline missing", k0, p, NREC, NREC, "truncated");
	free(cut);
	cut = calloc(1, 62);
	memcpy(cut, lines[2], 60);
	cut[60] = '\n';
	p[NREC - 1] = lines[NREC - 1];
	p[2] = cut;
	expect("cut record inside", NULL, p, NREC, 3, "malformed");
	free(cut);
	p[2] = lines[2];

	memcpy(wrong, k0, 32);
	wrong[31] ^= 0x80;
	expect("wrong key", wrong, p, NREC, 1, "wrong key");

	for (i = 0; i < NREC; i++)
		ed[i] = strdup(lines[i]);
	memcpy(strstr(ed[6], "\"uid\":"), "\"uid\":2", 7);
	reseal_from(ed, 6);
	for (i = 0; i < NREC; i++)
		p[i] = ed[i];
	expect("edit with chain recomputed, no key: not seen", NULL, p, NREC,
	       0, NULL);
	expect("edit with chain recomputed: MAC catches it", k0, p, NREC, 7,
	       "forged");
	for (i = 0; i < NREC; i++)
		free(ed[i]);

	free(edited);
}

static void test_streams(void)
{
	struct fim_audit_verifier *v;
	struct fim_audit_verify_stats st;
	size_t len, i;
	char *buf = join((const char *const *)lines, NREC, &len);
	int ret = 0;

	fim_audit_verifier_new(k0, &v);
	for (i = 0; i < len && !ret; i++)
		ret = fim_audit_verify_feed(v, buf + i, 1);
	ret = ret ? ret : fim_audit_verify_end_file(v);
	is_int(ret, 0, "fed one byte at a time");
	fim_audit_verify_stats(v, &st);
	ok(st.records == NREC && st.first_seq == 1 && st.last_seq == NREC &&
	   st.last_epoch == 3 && st.macs_checked, "stats");
	fim_audit_verifier_free(v);

	/* two files split after line 6 */
	fim_audit_verifier_new(k0, &v);
	ret = fim_audit_verify_buf(v, buf, (size_t)(strstr(buf, lines[6]) -
						     buf));
	ret = ret ? ret : fim_audit_verify_buf(v, strstr(buf, lines[6]),
					       strlen(strstr(buf, lines[6])));
	is_int(ret, 0, "two files in order");
	fim_audit_verifier_free(v);
	free(buf);

	/* garbage never crashes and is never intact */
	srand(7);
	for (i = 0; i < 200; i++) {
		char junk[300];
		size_t n = (size_t)rand() % sizeof(junk) + 1;

		for (size_t j = 0; j < n; j++)
			junk[j] = (char)(j % 7 == 6 ? '\n' : rand());
		junk[n - 1] = '\n';
		fim_audit_verifier_new(i % 2 ? k0 : NULL, &v);
		ret = fim_audit_verify_buf(v, junk, n);
		fim_audit_verifier_free(v);
		if (ret != 1)
			break;
	}
	is_int(ret, 1, "random garbage is rejected");
}

/* Restarts over a damaged log: a cut last record stays as evidence and is
 * reported; records removed from the end while the daemon was down show
 * as missing once it writes again (the state file remembers the seq). */
static void test_restart_damage(const char *dir)
{
	struct fim_audit_opts o = { .level = FIM_AUDIT_ALL, .now = fake_now,
		.no_timer = true, .syslog_fn = quiet_syslog };
	struct fim_audit_event ev = sample_event(0);
	struct fim_audit *a;
	char logp[128], *buf, *p;
	size_t len = 0;
	uint64_t line = 0;
	char msg[256];
	const char *parts[1];

	snprintf(logp, sizeof(logp), "%s/r/audit.log", dir);
	o.path = logp;
	fim_audit_open(&o, &a);
	for (int i = 0; i < 4; i++)
		fim_audit_record(a, &ev);
	fim_audit_close(a);
	buf = slurp(logp, &len);
	p = buf ? strstr(buf, "{\"time\"") : NULL;
	for (int i = 0; p && i < 3; i++) /* cut the 4th record after 20 bytes */
		p = strchr(p, '\n') + 1;
	ok(p && spit(logp, buf, (size_t)(p - buf) + 20) == 0, "cut record 4");
	is_int(fim_audit_open(&o, &a), 0, "open over a cut record");
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	free(buf);
	buf = slurp(logp, &len);
	parts[0] = buf ? buf : "";
	is_int(check(NULL, parts, 1, &line, msg, sizeof(msg)), 1,
	       "the cut record is reported");
	is_int(line, 4, "  at its line");
	ok(buf && strstr(buf, "\"seq\":5,"), "writing went on at seq 5");

	/* remove the last two records while "down" */
	p = buf ? strstr(buf, "\"seq\":3,") : NULL;
	while (p && p > buf && p[-1] != '\n')
		p--;
	ok(p && spit(logp, buf, (size_t)(p - buf)) == 0, "tail removed");
	fim_audit_open(&o, &a);
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	free(buf);
	buf = slurp(logp, &len);
	parts[0] = buf ? buf : "";
	is_int(check(NULL, parts, 1, &line, msg, sizeof(msg)), 1,
	       "removed tail is seen after a restart");
	is_int(line, 3, "  at the next record written");
	ok(strstr(msg, "missing") != NULL, "  as missing records");
	free(buf);
}

int main(void)
{
	char dir[] = "/tmp/fimfs-test-auditv-XXXXXX";

	for (int i = 0; i < 32; i++)
		k0[i] = (unsigned char)(0xa0 + i);
	if (!mkdtemp(dir))
		return 1;
	ok(make_log(dir) == 0, "a log of 10 sealed records");
	test_restart_damage(dir);
	rm_rf(dir);
	if (lines[NREC - 1]) {
		test_tampering();
		test_streams();
	}
	for (int i = 0; i < NREC; i++)
		free(lines[i]);
	return tap_done();
}
