/* pack: the objects of one pack file, found through its .idx (v2) */
#include "pack.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PACK_IDX_MAGIC "\377tOc"
#define PACK_IDX_HEADER (4 + 4 + 256 * 4)
#define PACK_HEADER 12
#define PACK_TRAILER PACK_ID_LEN
/* Bytes of an index per object: its id, CRC-32 and 32-bit offset. */
#define PACK_IDX_PER_OBJECT (PACK_ID_LEN + 4 + 4)

struct pack {
	char *path;			/* of the .pack */
	const unsigned char *idx;
	size_t idx_len;
	const unsigned char *data;
	size_t data_len;
	uint32_t fanout[256];
	uint32_t count;
	const unsigned char *ids;	/* count sorted ids */
	const unsigned char *offsets;	/* count big-endian 32-bit */
	const unsigned char *large;	/* nlarge big-endian 64-bit */
	size_t nlarge;
};

static uint32_t pack_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t pack_be64(const unsigned char *p)
{
	return (uint64_t)pack_be32(p) << 32 | pack_be32(p + 4);
}

static int pack_map(const unsigned char **out, size_t *len, const char *path,
		    struct err *err)
{
	struct stat st;
	void *map;
	int fd;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(err, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > SIZE_MAX) {
		close(fd);
		return err_set(err, "'%s' is not a pack file", path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return err_set(err, "cannot map '%s'", path);
	*out = map;
	*len = (size_t)st.st_size;
	return 0;
}

void pack_free(struct pack *pack)
{
	if (pack == NULL)
		return;
	if (pack->idx != NULL)
		munmap((void *)pack->idx, pack->idx_len);
	if (pack->data != NULL)
		munmap((void *)pack->data, pack->data_len);
	free(pack->path);
	free(pack);
}

const char *pack_path(const struct pack *pack)
{
	return pack->path;
}

/* The index's tables, once its header and sizes are known to be sound. */
static int pack_check_idx(struct pack *pack, struct err *err)
{
	const unsigned char *p = pack->idx;
	size_t fixed, i;

	if (pack->idx_len < PACK_IDX_HEADER + 2 * PACK_ID_LEN ||
	    memcmp(p, PACK_IDX_MAGIC, 4) != 0 || pack_be32(p + 4) != 2)
		return err_set(err, "'%s': index is not version 2", pack->path);
	for (i = 0; i < 256; i++) {
		pack->fanout[i] = pack_be32(p + 8 + 4 * i);
		if (i > 0 && pack->fanout[i] < pack->fanout[i - 1])
			return err_set(err, "'%s': index fan-out is not sorted",
				       pack->path);
	}
	pack->count = pack->fanout[255];
	fixed = PACK_IDX_HEADER + (size_t)pack->count * PACK_IDX_PER_OBJECT +
		2 * PACK_ID_LEN;
	if (pack->idx_len < fixed || (pack->idx_len - fixed) % 8 != 0)
		return err_set(err, "'%s': index has the wrong size",
			       pack->path);
	pack->ids = p + PACK_IDX_HEADER;
	pack->offsets = pack->ids + (size_t)pack->count * (PACK_ID_LEN + 4);
	pack->large = pack->offsets + (size_t)pack->count * 4;
	pack->nlarge = (pack->idx_len - fixed) / 8;
	return 0;
}

static int pack_check_data(struct pack *pack, struct err *err)
{
	const unsigned char *p = pack->data;
	uint32_t version;

	if (pack->data_len < PACK_HEADER + PACK_TRAILER ||
	    memcmp(p, "PACK", 4) != 0)
		return err_set(err, "'%s' is not a pack file", pack->path);
	version = pack_be32(p + 4);
	if (version != 2 && version != 3)
		return err_set(err, "'%s': pack version %u", pack->path,
			       (unsigned)version);
	/* The pair must be one: the index names the pack by its checksum. */
	if (pack_be32(p + 8) != pack->count ||
	    memcmp(pack->data + pack->data_len - PACK_TRAILER,
		   pack->idx + pack->idx_len - 2 * PACK_ID_LEN,
		   PACK_ID_LEN) != 0)
		return err_set(err, "'%s' does not match its index",
			       pack->path);
	return 0;
}

int pack_open(struct pack **out, const char *idx_path, struct err *err)
{
	struct pack *pack;
	size_t len = strlen(idx_path);
	int error = -1;

	*out = NULL;
	if (len < 4 || strcmp(idx_path + len - 4, ".idx") != 0)
		return err_set(err, "'%s' is not a pack index", idx_path);
	if ((pack = calloc(1, sizeof(*pack))) == NULL ||
	    (pack->path = malloc(len + 2)) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	memcpy(pack->path, idx_path, len - 4);
	memcpy(pack->path + len - 4, ".pack", 6);
	if (pack_map(&pack->idx, &pack->idx_len, idx_path, err) < 0 ||
	    pack_check_idx(pack, err) < 0 ||
	    pack_map(&pack->data, &pack->data_len, pack->path, err) < 0 ||
	    pack_check_data(pack, err) < 0)
		goto done;
	*out = pack;
	pack = NULL;
	error = 0;
done:
	pack_free(pack);
	return error;
}

/* The id's bytes 1-2, where its fan-out bucket leaves it. */
static unsigned pack_key16(const unsigned char *id)
{
	return (unsigned)id[1] << 8 | id[2];
}

static int pack_cmp_at(const struct pack *pack, const unsigned char *id,
		       size_t i)
{
	return memcmp(id, pack->ids + i * PACK_ID_LEN, PACK_ID_LEN);
}

/*
 * Narrow [*lo, *hi) around where id is or would be.  Ids are uniformly
 * spread, so the first probe goes where the id's next bytes put it, and
 * the probes after it gallop outwards from there: a large pack's lookup
 * then touches a few cache lines of its index rather than the dozen of a
 * bisection from the middle.  *lo <= the id's place < *hi throughout.
 */
static bool pack_narrow(const struct pack *pack, const unsigned char *id,
			size_t *lo, size_t *hi, size_t *found)
{
	size_t guess, probe, step = 8;
	int cmp;

	if (*hi - *lo <= 64)
		return false;
	guess = *lo + (size_t)(((uint64_t)(*hi - *lo) * pack_key16(id)) >> 16);
	if ((cmp = pack_cmp_at(pack, id, guess)) == 0) {
		*found = guess;
		return true;
	}
	if (cmp < 0) {
		*hi = guess;
		while (*hi - *lo > step) {
			probe = *hi - step;
			if ((cmp = pack_cmp_at(pack, id, probe)) == 0) {
				*found = probe;
				return true;
			}
			if (cmp > 0) {
				*lo = probe + 1;
				break;
			}
			*hi = probe;
			step *= 2;
		}
	} else {
		*lo = guess + 1;
		while (*hi - *lo > step) {
			probe = *lo + step - 1;
			if ((cmp = pack_cmp_at(pack, id, probe)) == 0) {
				*found = probe;
				return true;
			}
			if (cmp < 0) {
				*hi = probe;
				break;
			}
			*lo = probe + 1;
			step *= 2;
		}
	}
	return false;
}

/* The offset of the index's object i, if it lies inside the pack. */
static bool pack_offset_of(const struct pack *pack, size_t i,
			   uint64_t *offset)
{
	uint32_t small = pack_be32(pack->offsets + i * 4);

	if (!(small & 0x80000000u)) {
		*offset = small;
	} else {
		small &= 0x7fffffffu;
		if (small >= pack->nlarge)
			return false;
		*offset = pack_be64(pack->large + (size_t)small * 8);
	}
	return *offset >= PACK_HEADER &&
	       *offset < pack->data_len - PACK_TRAILER;
}

bool pack_find(const struct pack *pack, const unsigned char *id,
	       uint64_t *offset)
{
	size_t lo = id[0] ? pack->fanout[id[0] - 1] : 0;
	size_t hi = pack->fanout[id[0]];
	size_t found;

	if (pack_narrow(pack, id, &lo, &hi, &found))
		return pack_offset_of(pack, found, offset);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = pack_cmp_at(pack, id, mid);

		if (cmp == 0)
			return pack_offset_of(pack, mid, offset);
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

int pack_entry_at(struct pack_entry *out, const struct pack *pack,
		  uint64_t offset, struct err *err)
{
	const uint64_t end = pack->data_len - PACK_TRAILER;
	const unsigned char *p = pack->data;
	uint64_t at = offset, ofs;
	unsigned shift = 4;
	unsigned char c;

	memset(out, 0, sizeof(*out));
	if (offset < PACK_HEADER || offset >= end)
		goto bad;
	c = p[at++];
	out->type = (enum pack_type)((c >> 4) & 7);
	out->size = c & 15;
	while (c & 0x80) {
		if (at >= end || shift > 57)
			goto bad;
		c = p[at++];
		out->size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	switch (out->type) {
	case PACK_COMMIT:
	case PACK_TREE:
	case PACK_BLOB:
	case PACK_TAG:
		break;
	case PACK_OFS_DELTA:
		/* big-endian groups of 7 bits, each but the last biased by 1 */
		if (at >= end)
			goto bad;
		c = p[at++];
		ofs = c & 0x7f;
		while (c & 0x80) {
			if (at >= end || ofs >= (UINT64_MAX >> 7) - 1)
				goto bad;
			c = p[at++];
			ofs = ((ofs + 1) << 7) | (c & 0x7f);
		}
		if (ofs == 0 || ofs > offset - PACK_HEADER)
			goto bad;
		out->base = offset - ofs;
		break;
	case PACK_REF_DELTA:
		if (end - at < PACK_ID_LEN)
			goto bad;
		memcpy(out->base_id, p + at, PACK_ID_LEN);
		at += PACK_ID_LEN;
		break;
	default:
		goto bad;
	}
	if (at >= end)
		goto bad;
	out->data = at;
	return 0;
bad:
	return err_set(err, "'%s': bad object entry at offset %llu",
		       pack->path, (unsigned long long)offset);
}

int pack_inflate(z_stream *z, const struct pack *pack,
		 const struct pack_entry *entry, unsigned char *out,
		 struct err *err)
{
	const uint64_t end = pack->data_len - PACK_TRAILER;
	uint64_t avail = end - entry->data;
	int rc;

	if (entry->size >= UINT_MAX)
		return err_set(err, "'%s': object at %llu is too large",
			       pack->path, (unsigned long long)entry->data);
	if (inflateReset(z) != Z_OK)
		return err_set(err, "zlib: cannot reset the stream");
	z->next_in = (Bytef *)(pack->data + entry->data);
	z->avail_in = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
	z->next_out = out;
	/* one byte more than promised, so that a longer stream shows */
	z->avail_out = (uInt)entry->size + 1;
	rc = inflate(z, Z_FINISH);
	if (rc != Z_STREAM_END || z->total_out != entry->size)
		return err_set(err, "'%s': corrupt object data at %llu",
			       pack->path, (unsigned long long)entry->data);
	out[entry->size] = '\0';
	return 0;
}

/* A delta's little-endian base-128 size; 63 bits at most. */
static int pack_delta_varint(uint64_t *out, const unsigned char **p,
			     const unsigned char *end)
{
	unsigned shift = 0;
	unsigned char c;

	*out = 0;
	do {
		if (*p == end || shift > 56)
			return -1;
		c = *(*p)++;
		*out |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	return 0;
}

static int pack_delta_header(uint64_t *result_len, const unsigned char **p,
			     const unsigned char *end, size_t base_len,
			     struct err *err)
{
	uint64_t base_size;

	if (pack_delta_varint(&base_size, p, end) < 0 ||
	    pack_delta_varint(result_len, p, end) < 0)
		return err_set(err, "delta header is malformed");
	if (base_size != base_len)
		return err_set(err, "delta is for a base of %llu bytes, not %zu",
			       (unsigned long long)base_size, base_len);
	return 0;
}

int pack_delta_size(uint64_t *out, const unsigned char *delta,
		    size_t delta_len, size_t base_len, struct err *err)
{
	const unsigned char *p = delta;

	return pack_delta_header(out, &p, delta + delta_len, base_len, err);
}

int pack_delta_apply(unsigned char *result, size_t result_len,
		     const unsigned char *base, size_t base_len,
		     const unsigned char *delta, size_t delta_len,
		     struct err *err)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	uint64_t want;
	size_t written = 0;
	unsigned i;

	if (pack_delta_header(&want, &p, end, base_len, err) < 0)
		return -1;
	if (want != result_len)
		return err_set(err, "delta result is %llu bytes, not %zu",
			       (unsigned long long)want, result_len);
	while (p < end) {
		unsigned op = *p++;

		if (op & 0x80) {
			/* copy: bits 0-3 say which offset bytes follow, 4-6 size */
			size_t off = 0, len = 0;

			for (i = 0; i < 4; i++)
				if (op & (1u << i)) {
					if (p == end)
						goto bad;
					off |= (size_t)*p++ << (8 * i);
				}
			for (i = 0; i < 3; i++)
				if (op & (0x10u << i)) {
					if (p == end)
						goto bad;
					len |= (size_t)*p++ << (8 * i);
				}
			if (len == 0)
				len = 0x10000;
			if (off > base_len || len > base_len - off ||
			    len > result_len - written)
				goto bad;
			memcpy(result + written, base + off, len);
			written += len;
		} else if (op != 0) {
			/* insert the next op bytes */
			if (op > (size_t)(end - p) || op > result_len - written)
				goto bad;
			memcpy(result + written, p, op);
			p += op;
			written += op;
		} else {
			goto bad;
		}
	}
	if (written != result_len)
		goto bad;
	return 0;
bad:
	return err_set(err, "delta instructions are malformed");
}
