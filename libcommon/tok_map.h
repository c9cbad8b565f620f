/*
 * tok_map.h - the two hash maps the tokenizer needs: text -> int32 (the
 * vocabulary, added tokens) and uint64 -> uint64 (BPE merge ranks, trie
 * edges).  Open addressing with linear probing; no deletion, because a
 * loaded tokenizer never forgets a token.  Not a general-purpose container.
 */
#ifndef GK_TOK_MAP_H
#define GK_TOK_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct gk_tok_strmap_slot {
	uint32_t hash;
	uint32_t len;
	uint32_t off; /* into arena */
	int32_t val;  /* -1: empty slot */
} gk_tok_strmap_slot;

/* Keys are copied into the arena, each followed by a NUL, so a key can be
 * handed out as a C string (gk_tok_strmap_key). */
typedef struct gk_tok_strmap {
	gk_tok_strmap_slot *slots; /* (cap), cap a power of two */
	size_t cap, n;
	char *arena;
	size_t arena_len, arena_cap;
} gk_tok_strmap;

/* Insert key -> val (val >= 0).  Returns 0, 1 when the key was already
 * present (value left unchanged; *off set to its arena offset either way),
 * or GK_ENOMEM. */
int gk_tok_strmap_put(gk_tok_strmap *m, const char *key, size_t len, int32_t val, uint32_t *off);
/* The value of key, or -1. */
int32_t gk_tok_strmap_get(const gk_tok_strmap *m, const char *key, size_t len);
void gk_tok_strmap_free(gk_tok_strmap *m);

typedef struct gk_tok_u64map {
	uint64_t *keys; /* (cap); UINT64_MAX marks an empty slot */
	uint64_t *vals; /* (cap) */
	size_t cap, n;
} gk_tok_u64map;

/* Insert or replace; key must not be UINT64_MAX.  0 or GK_ENOMEM. */
int gk_tok_u64map_put(gk_tok_u64map *m, uint64_t key, uint64_t val);
/* 1 and *val when present, else 0. */
int gk_tok_u64map_get(const gk_tok_u64map *m, uint64_t key, uint64_t *val);
void gk_tok_u64map_free(gk_tok_u64map *m);

uint32_t gk_tok_hash(const char *s, size_t len);

#endif
