/* The answer to "what are the digests of this file": the digests and the
 * file's attributes when it was hashed, or why there are none. The view
 * delivers it (fim_view_digests, fim_view_verdict); the hashing service
 * makes it.
 */
#ifndef FIM_HASHRES_H
#define FIM_HASHRES_H

#include "digest.h"
#include "fimstat.h"

struct fim_hash_result {
	int err;                 /* 0, or a negative errno; -EAGAIN when the
				    file changed while it was hashed */
	struct fim_stat st;      /* the file's attributes when hashed */
	struct fim_digest_set digests;
	struct fim_digest_set prefix; /* mask 0 unless asked and long enough */
	int from_cache;
};

/* Called once per request, now or from a hashing thread; res is valid
 * during the call only. */
typedef void (*fim_hash_cb)(void *arg, const struct fim_hash_result *res);

#endif
