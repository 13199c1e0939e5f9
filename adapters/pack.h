/* pack: the objects of one pack file, found through its .idx (v2) */
#ifndef ADAPTERS_PACK_H
#define ADAPTERS_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "../common/err.h"

#define PACK_ID_LEN 20

/* Object types as a pack stores them. */
enum pack_type {
	PACK_COMMIT = 1,
	PACK_TREE = 2,
	PACK_BLOB = 3,
	PACK_TAG = 4,
	PACK_OFS_DELTA = 6,
	PACK_REF_DELTA = 7,
};

/* One object's entry: its header, decoded, and where its data starts. */
struct pack_entry {
	enum pack_type type;
	uint64_t size;			/* inflated; of the delta for deltas */
	uint64_t data;			/* offset of the zlib stream */
	uint64_t base;			/* PACK_OFS_DELTA: the base's offset */
	unsigned char base_id[PACK_ID_LEN];	/* PACK_REF_DELTA */
};

struct pack;

/*
 * Map pack-<hash>.idx and the .pack beside it, and check that they are a
 * pair that can be trusted to bound every read: index version 2, a
 * monotonic fan-out, sizes that add up, the pack's object count and
 * trailing checksum equal to the index's.  Returns 0, or -1 with err set.
 * Free with pack_free().
 */
int pack_open(struct pack **out, const char *idx_path, struct err *err);
void pack_free(struct pack *pack);

/* The .pack's path, for messages. */
const char *pack_path(const struct pack *pack);

/* Whether the pack holds that object; if so, *offset is its entry's. */
bool pack_find(const struct pack *pack, const unsigned char *id,
	       uint64_t *offset);

/* Decode the entry header at offset; -1 with err set when malformed. */
int pack_entry_at(struct pack_entry *out, const struct pack *pack,
		  uint64_t offset, struct err *err);

/*
 * Inflate the entry's data into out, which has room for entry->size + 1
 * bytes: exactly entry->size must come out and the stream must end.  z is
 * a stream made by inflateInit() that is reset and reused (a fresh one
 * per object is a tenth of the time of reading a large push).
 */
int pack_inflate(z_stream *z, const struct pack *pack,
		 const struct pack_entry *entry, unsigned char *out,
		 struct err *err);

/*
 * The size a delta says its result has, after checking that the base it
 * names is base_len bytes long.
 */
int pack_delta_size(uint64_t *out, const unsigned char *delta,
		    size_t delta_len, size_t base_len, struct err *err);

/*
 * Apply delta to base, writing exactly result_len bytes (the size
 * pack_delta_size() gave) into result.  Every copy is bounded by the base
 * and every insert by the delta; anything else is an error.
 */
int pack_delta_apply(unsigned char *result, size_t result_len,
		     const unsigned char *base, size_t base_len,
		     const unsigned char *delta, size_t delta_len,
		     struct err *err);

#endif
