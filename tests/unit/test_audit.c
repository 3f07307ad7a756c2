/* Audit log writer: record format (known answer), key evolution,
 * levels, syslog copies, epochs, rotation and restarts, write failures. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "audit_int.h"
#include "digest.h"
#include "tap.h"

#include "audit_util.h"

static char dir[64], logp[128], seal[128], vkey[128];

static const char K1[] =
	"698047f2b9804fb6408d3c2cc6c586ac9a1b2ad2ca453a25b86002b946e45960";
static const char K2[] =
	"a7715f10ace4b3551a9a93511496d3faffa37d78a5fefb19e2eefd306f37d724";

/* The same line computed by an independent implementation (Python
 * hashlib/hmac) from the format in audit.h. */
static const char KAT_LINE[] =
	"{\"time\":\"2024-05-01T12:00:00.123456789Z\",\"seq\":1,\"epoch\":1,"
	"\"uid\":1000,\"gid\":100,\"pid\":4242,\"comm\":\"cat\",\"op\":\"open\","
	"\"path\":\"etc/pa\\\"ss\\\\xe9\xc3\xa9\\n\",\"target\":\"x\\\\\\\\y\","
	"\"result\":\"OK\","
	"\"chain\":\"68425fc38e54072060df65f585b5ace748447e8e82ad20b827a8b7c17"
	"95e3675\",\"mac\":\"90c4548e79d7e4e8dfc3be0b400787738ead0b6ac52a9bfec"
	"6eff2df0e527b42\"}\n";

/* A record with every field, unsealed, as the log has always written it
 * (its chain checked with Python hashlib): the bytes of existing logs. */
static const char KAT_EVERY_FIELD[] =
	"{\"time\":\"2024-05-01T12:00:00.123456789Z\",\"seq\":1,"
	"\"epoch\":0,\"uid\":0,\"gid\":4294967294,\"pid\":0,"
	"\"comm\":\"a\\nb\",\"op\":\"rename\","
	"\"path\":\"d/\\t\\u0001\\u007f\\\\xe2\\\\x82\","
	"\"target\":\"d/new \\\"n\\\"\",\"times\":\"changed\","
	"\"result\":\"EROFS\",\"bytes\":18446744073709551615,"
	"\"status\":\"MISMATCH\","
	"\"detail\":\"\xf0\x9f\x98\x80 \\\\\\\\ /\","
	"\"chain\":\"e8957f3d4558fe20d76d74b759ad157ed4083d4c828b9db5d20e"
	"3594bf469141\"}\n";

static int syslog_prios[16], n_syslog;

static void fake_syslog(int prio, const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
	if (n_syslog < 16)
		syslog_prios[n_syslog++] = prio;
}

static struct fim_audit_opts opts(const char *seal_key)
{
	struct fim_audit_opts o = {
		.path = logp,
		.level = FIM_AUDIT_ALL,
		.seal_key = seal_key,
		.syslog = true,
		.now = fake_now,
		.syslog_fn = fake_syslog,
		.no_timer = true,
	};
	return o;
}

static void reset(void)
{
	rm_rf(dir);
	mkdir(dir, 0700);
	n_syslog = 0;
}

/* Write a sealing key file with K0 = 00 01 .. 1f at epoch 0. */
static void write_seal_k0(void)
{
	struct audit_seal s = { .epoch = 0, .since = fake_time.tv_sec };

	for (int i = 0; i < 32; i++)
		s.key[i] = (unsigned char)i;
	unlink(seal);
	ok(audit_seal_save(seal, &s) == 0, "seal file with a known key");
}

static int verify_files(const unsigned char *key, const char *const *files,
			struct fim_audit_verify_stats *st, uint64_t *line)
{
	struct fim_audit_verifier *v;
	int ret = -1;

	if (fim_audit_verifier_new(key, &v))
		return -1;
	for (; *files; files++) {
		size_t len = 0;
		char *buf = slurp(*files, &len);

		ret = buf ? fim_audit_verify_buf(v, buf, len) : -1;
		free(buf);
		if (ret)
			break;
	}
	fim_audit_verify_error(v, line);
	fim_audit_verify_stats(v, st);
	fim_audit_verifier_free(v);
	return ret;
}

static void test_evolve(void)
{
	struct audit_crypto c;
	unsigned char k[32];
	char hex[65];

	for (int i = 0; i < 32; i++)
		k[i] = (unsigned char)i;
	if (!ok(audit_crypto_init(&c) == 0, "hashing state"))
		return;
	ok(audit_evolve(&c, k, k) == 0, "evolve");
	fim_hex(k, 32, hex);
	is_str(hex, K1, "K1 known answer");
	audit_evolve(&c, k, k);
	fim_hex(k, 32, hex);
	is_str(hex, K2, "K2 known answer");
	audit_crypto_free(&c);
}

static void test_format(void)
{
	struct fim_audit_opts o;
	struct fim_audit *a = NULL;
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_ACCESS, .op = "open",
		.path = "etc/pa\"ss\xe9\xc3\xa9\n", .target = "x\\y",
		.uid = 1000, .gid = 100,
		.pid = 4242, .comm = "cat",
	};
	struct audit_seal s;
	char hex[65], *buf;
	size_t len = 0;

	reset();
	write_seal_k0();
	o = opts(seal);
	ok(fim_audit_open(&o, &a) == 0 && a, "open sealed");
	ok(audit_seal_load(seal, &s) == 0 && s.epoch == 1,
	   "open starts epoch 1 on disk");
	fim_hex(s.key, 32, hex);
	is_str(hex, K1, "the seal file holds K1, K0 is gone");
	ok(fim_audit_record(a, &ev) == 0, "record");
	fim_audit_close(a);
	buf = slurp(logp, &len);
	is_str(buf, KAT_LINE, "record line known answer");
	free(buf);
}

static void test_format_every_field(void)
{
	struct fim_audit_opts o = opts(NULL);
	struct fim_audit *a = NULL;
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_REFUSAL, .op = "rename",
		.path = "d/\t\x01\x7f\xe2\x82", .target = "d/new \"n\"",
		.times = "changed", .uid = 0, .gid = 4294967294u, .pid = -1,
		.comm = "a\nb", .err = EROFS, .has_bytes = true,
		.bytes = 18446744073709551615u, .status = "MISMATCH",
		.detail = "\xf0\x9f\x98\x80 \\ /",
	};
	char *buf;
	size_t len = 0;

	reset();
	ok(fim_audit_open(&o, &a) == 0 && a, "open unsealed");
	ok(fim_audit_record(a, &ev) == 0, "record with every field");
	fim_audit_close(a);
	buf = slurp(logp, &len);
	is_str(buf, KAT_EVERY_FIELD, "every field: known answer");
	free(buf);
}

static void test_chain_and_restart(void)
{
	struct fim_audit_opts o;
	struct fim_audit_verify_stats st;
	struct fim_audit *a = NULL;
	struct fim_audit_event ev;
	const char *files[] = { logp, NULL };
	struct stat sb;
	uint64_t line;
	char *buf;
	size_t len = 0;

	reset();
	o = opts(NULL);
	ok(fim_audit_open(&o, &a) == 0, "open unsealed");
	ok(stat(logp, &sb) == 0 && (sb.st_mode & 0777) == 0600, "log 0600");
	for (unsigned i = 0; i < 5; i++) {
		ev = sample_event(i);
		fim_audit_record(a, &ev);
	}
	fim_audit_close(a);
	ok(fim_audit_open(&o, &a) == 0, "reopen after restart");
	ev = sample_event(5);
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	buf = slurp(logp, &len);
	ok(buf && !strstr(buf, "\"mac\""), "no mac without a seal key");
	ok(buf && strstr(buf, "\"seq\":6,\"epoch\":0,"), "seq continues");
	free(buf);
	is_int(verify_files(NULL, files, &st, &line), 0, "chain intact");
	is_int(st.records, 6, "6 records");
	is_int(st.first_seq, 1, "from seq 1");
	ok(!st.macs_checked, "no MACs checked");
}

static void test_levels_and_syslog(void)
{
	struct fim_audit_opts o;
	struct fim_audit *a = NULL;
	struct fim_audit_event ev;
	struct fim_audit_verify_stats st;
	const char *files[] = { logp, NULL };
	uint64_t line;

	reset();
	o = opts(NULL);
	o.level = FIM_AUDIT_REFUSALS;
	fim_audit_open(&o, &a);
	for (unsigned i = 0; i < 5; i++) {
		ev = sample_event(i);
		is_int(fim_audit_record(a, &ev), 0, "record at REFUSALS");
	}
	ev = sample_event(3);
	ev.status = "OK";
	fim_audit_record(a, &ev);
	ev = sample_event(4);
	ev.kind = FIM_AUDIT_EV_BASELINE;
	ev.op = "baseline-reject";
	ev.err = EBADMSG;
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	verify_files(NULL, files, &st, &line);
	/* 0 open, 1 release dropped; 2 refusal, 3 verdict, 4 open dropped,
	 * OK verdict, baseline reject kept */
	is_int(st.records, 4, "open/release dropped, the rest kept");
	is_int(n_syslog, 3, "refusal, MISMATCH, reject to syslog");
	is_int(syslog_prios[0], LOG_AUTHPRIV | LOG_WARNING, "refusal prio");
	is_int(syslog_prios[1], LOG_AUTHPRIV | LOG_ALERT, "MISMATCH alert");
	is_int(syslog_prios[2], LOG_AUTHPRIV | LOG_ERR, "reject prio");

	o.level = FIM_AUDIT_OFF;
	ok(fim_audit_open(&o, &a) == 0 && !a, "level off: no log");
	is_int(fim_audit_record(a, &ev), 0, "record on NULL log");
	o.level = FIM_AUDIT_ALL;
	o.syslog = false;
	n_syslog = 0;
	fim_audit_open(&o, &a);
	ev = sample_event(3);
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	is_int(n_syslog, 0, "syslog off: no copies");
}

static void test_epochs(void)
{
	struct fim_audit_opts o;
	struct fim_audit *a = NULL;
	struct fim_audit_event ev = sample_event(0);
	struct fim_audit_verify_stats st;
	const char *files[] = { logp, NULL };
	unsigned char k0[32];
	struct audit_seal s;
	uint64_t line;
	char *buf;
	size_t len = 0;

	for (int i = 0; i < 32; i++)
		k0[i] = (unsigned char)i;
	reset();
	write_seal_k0();
	o = opts(seal);
	o.epoch_records = 3;
	o.epoch_seconds = 60;
	fim_audit_open(&o, &a);
	for (int i = 0; i < 7; i++)
		fim_audit_record(a, &ev);
	audit_seal_load(seal, &s);
	is_int(s.epoch, 3, "7 records at 3 per epoch: epoch 3");
	is_int(fim_audit_tick(a), 0, "tick before the time: nothing");
	fake_time.tv_sec += 61;
	is_int(fim_audit_tick(a), 1, "tick after 61 s: evolved");
	audit_seal_load(seal, &s);
	is_int(s.epoch, 4, "epoch 4 on disk");
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	buf = slurp(logp, &len);
	ok(buf && strstr(buf, "\"seq\":3,\"epoch\":1,") &&
	   strstr(buf, "\"seq\":4,\"epoch\":2,") &&
	   strstr(buf, "\"seq\":7,\"epoch\":3,") &&
	   strstr(buf, "\"seq\":8,\"epoch\":4,"), "epochs in the records");
	free(buf);
	is_int(verify_files(k0, files, &st, &line), 0, "MACs verify over "
	       "4 epochs from K0");
	ok(st.macs_checked && st.last_epoch == 4, "stats");
	k0[0] ^= 1;
	is_int(verify_files(k0, files, &st, &line), 1, "wrong key fails");
	is_int(line, 1, "at line 1");
}

static void test_rotation(void)
{
	struct fim_audit_opts o;
	struct fim_audit *a = NULL;
	struct fim_audit_event ev = sample_event(2);
	struct fim_audit_verify_stats st;
	char old1[160], old2[160];
	const char *all[] = { old2, old1, logp, NULL };
	const char *last[] = { logp, NULL };
	unsigned char k0[32];
	uint64_t line;

	for (int i = 0; i < 32; i++)
		k0[i] = (unsigned char)i;
	snprintf(old1, sizeof(old1), "%s.1", logp);
	snprintf(old2, sizeof(old2), "%s.2", logp);
	reset();
	write_seal_k0();
	o = opts(seal);
	fim_audit_open(&o, &a);
	for (int i = 0; i < 3; i++)
		fim_audit_record(a, &ev);
	rename(logp, old2);
	is_int(fim_audit_reopen(a), 0, "reopen after rotation");
	for (int i = 0; i < 2; i++)
		fim_audit_record(a, &ev);
	rename(logp, old1);
	fim_audit_reopen(a);
	fim_audit_close(a);
	/* restarted with an empty new log: the state file carries on */
	ok(fim_audit_open(&o, &a) == 0, "open empty log after rotation");
	fim_audit_record(a, &ev);
	fim_audit_close(a);
	is_int(verify_files(k0, all, &st, &line), 0, "rotated files verify "
	       "in order");
	is_int(st.records, 6, "6 records");
	is_int(st.last_seq, 6, "seq 1-6");
	is_int(verify_files(k0, last, &st, &line), 0, "newest file alone");
	is_int(st.first_seq, 6, "anchored at seq 6");
	all[0] = old1;
	all[1] = old2;
	is_int(verify_files(k0, all, &st, &line), 1, "files out of order");
	is_int(line, 1, "detected at the second file's line 1");
}

/* A write that fails half-way (file size limit) is taken back, reported,
 * and explained by "audit-recovered" once writing works again. */
static void test_failure(void)
{
	struct fim_audit_opts o;
	struct fim_audit *a = NULL;
	struct fim_audit_event ev = sample_event(0);
	struct fim_audit_verify_stats st;
	const char *files[] = { logp, NULL };
	struct rlimit old, lim;
	struct stat sb, sa;
	uint64_t line;
	char *buf;
	size_t len = 0;

	reset();
	o = opts(NULL);
	o.on_failure = FIM_AUDIT_DENY;
	signal(SIGXFSZ, SIG_IGN);
	fim_audit_open(&o, &a);
	for (int i = 0; i < 3; i++)
		fim_audit_record(a, &ev);
	stat(logp, &sb);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)sb.st_size + 50; /* mid-record */
	setrlimit(RLIMIT_FSIZE, &lim);
	n_syslog = 0;
	is_int(fim_audit_record(a, &ev), -EFBIG, "failed write reported");
	is_int(a->failed, EFBIG, "the log knows it failed");
	ok(n_syslog == 1 && syslog_prios[0] == (LOG_AUTHPRIV | LOG_CRIT),
	   "LOG_CRIT alert");
	stat(logp, &sa);
	is_int(sa.st_size, sb.st_size, "partial record taken back");
	is_int(fim_audit_record(a, &ev), -EFBIG, "still failing");
	setrlimit(RLIMIT_FSIZE, &old);
	is_int(fim_audit_record(a, &ev), 0, "writes again");
	ok(!a->failed, "failure cleared");
	fim_audit_close(a);
	buf = slurp(logp, &len);
	ok(buf && strstr(buf, "\"seq\":6,\"epoch\":0,") &&
	   strstr(buf, "\"op\":\"audit-recovered\",\"result\":\"EFBIG\","
		  "\"detail\":\"lost 4-5\""), "audit-recovered names seq 4-5");
	ok(buf && strstr(buf, "\"seq\":7,"), "then the record as seq 7");
	free(buf);
	is_int(verify_files(NULL, files, &st, &line), 0, "explained gap "
	       "verifies");
	is_int(st.lost, 2, "2 seqs lost");
}

static void test_keys_and_comm(void)
{
	unsigned char k[32];
	char err[256], comm[FIM_AUDIT_COMM_LEN], own[17] = "";
	struct stat s1, s2;

	reset();
	is_int(fim_audit_keygen(seal, vkey, err, sizeof(err)), 0, "keygen");
	ok(!stat(seal, &s1) && !stat(vkey, &s2) &&
	   (s1.st_mode & 0777) == 0600 && (s2.st_mode & 0777) == 0600,
	   "key files 0600");
	is_int(fim_audit_keygen(seal, vkey, err, sizeof(err)), -EEXIST,
	       "keygen refuses to overwrite");
	is_int(fim_audit_load_verify_key(vkey, k, err, sizeof(err)), 0,
	       "load verification key");
	is_int(fim_audit_load_verify_key(seal, k, err, sizeof(err)), -EINVAL,
	       "sealing key is not a verification key");
	ok(strstr(err, "sealing key") != NULL, "says so");
	is_int(fim_audit_comm(getpid(), comm, sizeof(comm)), 0, "comm");
	prctl(PR_GET_NAME, own);
	is_str(comm, own, "own process name (as prctl says)");
	ok(fim_audit_comm(-1, comm, sizeof(comm)) < 0 && !strcmp(comm, "?"),
	   "unknown pid: ?");
}

/* The cache of comm descriptors never shows a stale name: a rename shows
 * at once, a process gone is unknown, a new process with another name
 * under a pid of the same slot gets its own. */
static void test_comm_cache(void)
{
	char comm[FIM_AUDIT_COMM_LEN], own[17] = "";
	int fds[2], st;
	pid_t child;

	prctl(PR_GET_NAME, own);
	fim_audit_comm(getpid(), comm, sizeof(comm)); /* now cached */
	prctl(PR_SET_NAME, "renamed-self");
	is_int(fim_audit_comm(getpid(), comm, sizeof(comm)), 0, "comm again");
	is_str(comm, "renamed-self", "a rename shows at once");
	prctl(PR_SET_NAME, own);
	if (pipe(fds))
		return (void)ok(0, "pipe");
	child = fork();
	if (!child) {
		char c;

		prctl(PR_SET_NAME, "fim-child");
		close(fds[1]);
		_exit(read(fds[0], &c, 1) < 0);
	}
	close(fds[0]);
	is_int(fim_audit_comm(child, comm, sizeof(comm)), 0, "child's comm");
	/* The child may not have renamed itself yet: wait until it has. */
	for (int i = 0; i < 1000 && strcmp(comm, "fim-child"); i++) {
		usleep(1000);
		fim_audit_comm(child, comm, sizeof(comm));
	}
	is_str(comm, "fim-child", "child's own name");
	close(fds[1]);
	waitpid(child, &st, 0);
	ok(fim_audit_comm(child, comm, sizeof(comm)) < 0 && !strcmp(comm, "?"),
	   "a process gone: ?, not its old name");
}

static void *writer_thread(void *arg)
{
	struct fim_audit *a = arg;

	for (unsigned i = 0; i < 250; i++) {
		struct fim_audit_event ev = sample_event(i);

		if (fim_audit_record(a, &ev))
			return arg;
	}
	return NULL;
}

/* Four threads at once, with the real clock and the epoch timer thread:
 * one intact chain, every seq once. */
static void test_threads(void)
{
	struct fim_audit_opts o;
	struct fim_audit *a = NULL;
	struct fim_audit_verify_stats st;
	const char *files[] = { logp, NULL };
	unsigned char k0[32];
	pthread_t t[4];
	void *res;
	int bad = 0;
	uint64_t line;

	for (int i = 0; i < 32; i++)
		k0[i] = (unsigned char)i;
	reset();
	write_seal_k0();
	o = opts(seal);
	o.now = NULL;
	o.no_timer = false;
	o.epoch_seconds = 1;
	o.epoch_records = 97;
	o.syslog = false;
	ok(fim_audit_open(&o, &a) == 0, "open with the timer thread");
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, writer_thread, a);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &res);
		bad += res != NULL;
	}
	fim_audit_close(a);
	is_int(bad, 0, "every record written");
	is_int(verify_files(k0, files, &st, &line), 0, "one intact chain");
	is_int(st.records, 1000, "1000 records");
	ok(st.first_seq == 1 && st.last_seq == 1000, "seq 1-1000");
	ok(st.last_epoch >= 11, "epochs by record count");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/fimfs-test-audit-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(logp, sizeof(logp), "%s/log/audit.log", dir);
	snprintf(seal, sizeof(seal), "%s/seal.key", dir);
	snprintf(vkey, sizeof(vkey), "%s/verify.key", dir);
	test_evolve();
	test_format();
	test_format_every_field();
	test_chain_and_restart();
	test_levels_and_syslog();
	test_epochs();
	test_rotation();
	test_failure();
	test_threads();
	test_keys_and_comm();
	test_comm_cache();
	rm_rf(dir);
	return tap_done();
}
