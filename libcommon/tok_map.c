/*
 * tok_map.c - hash maps for the tokenizer (see tok_map.h).  Load factor is
 * kept at or below 1/2 so probes stay short on the hot encode path.
 */
#include "tok_map.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

uint32_t gk_tok_hash(const char *s, size_t len)
{
	/* FNV-1a then a final mix: tokens are short, this is cheap enough
	 * and spreads well over power-of-two tables. */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static int strmap_grow(gk_tok_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	gk_tok_strmap_slot *s = malloc(cap * sizeof *s);
	if (!s)
		return GK_ENOMEM;
	for (size_t i = 0; i < cap; i++)
		s[i].val = -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].val < 0)
			continue;
		size_t j = m->slots[i].hash & (cap - 1);
		while (s[j].val >= 0)
			j = (j + 1) & (cap - 1);
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->cap = cap;
	return 0;
}

int gk_tok_strmap_put(gk_tok_strmap *m, const char *key, size_t len, int32_t val, uint32_t *off)
{
	if (len >= UINT32_MAX / 2 || m->arena_len + len + 1 >= UINT32_MAX)
		return GK_ENOMEM;
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m))
		return GK_ENOMEM;
	uint32_t h = gk_tok_hash(key, len);
	size_t j = h & (m->cap - 1);
	for (; m->slots[j].val >= 0; j = (j + 1) & (m->cap - 1)) {
		gk_tok_strmap_slot *s = &m->slots[j];
		if (s->hash == h && s->len == len && memcmp(m->arena + s->off, key, len) == 0) {
			if (off)
				*off = s->off;
			return 1;
		}
	}
	if (m->arena_len + len + 1 > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap : 4096;
		while (cap < m->arena_len + len + 1)
			cap *= 2;
		char *a = realloc(m->arena, cap);
		if (!a)
			return GK_ENOMEM;
		m->arena = a;
		m->arena_cap = cap;
	}
	memcpy(m->arena + m->arena_len, key, len);
	m->arena[m->arena_len + len] = '\0';
	m->slots[j] = (gk_tok_strmap_slot){ h, (uint32_t)len, (uint32_t)m->arena_len, val };
	if (off)
		*off = (uint32_t)m->arena_len;
	m->arena_len += len + 1;
	m->n++;
	return 0;
}

int32_t gk_tok_strmap_get(const gk_tok_strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return -1;
	uint32_t h = gk_tok_hash(key, len);
	for (size_t j = h & (m->cap - 1); m->slots[j].val >= 0; j = (j + 1) & (m->cap - 1)) {
		const gk_tok_strmap_slot *s = &m->slots[j];
		if (s->hash == h && s->len == len && memcmp(m->arena + s->off, key, len) == 0)
			return s->val;
	}
	return -1;
}

void gk_tok_strmap_free(gk_tok_strmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->arena);
	memset(m, 0, sizeof *m);
}

static inline size_t u64_slot(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static int u64map_grow(gk_tok_u64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint64_t *k = malloc(cap * sizeof *k), *v = malloc(cap * sizeof *v);
	if (!k || !v) {
		free(k);
		free(v);
		return GK_ENOMEM;
	}
	memset(k, 0xff, cap * sizeof *k);
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == UINT64_MAX)
			continue;
		size_t j = u64_slot(m->keys[i], cap);
		while (k[j] != UINT64_MAX)
			j = (j + 1) & (cap - 1);
		k[j] = m->keys[i];
		v[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = k;
	m->vals = v;
	m->cap = cap;
	return 0;
}

int gk_tok_u64map_put(gk_tok_u64map *m, uint64_t key, uint64_t val)
{
	if ((m->n + 1) * 2 > m->cap && u64map_grow(m))
		return GK_ENOMEM;
	size_t j = u64_slot(key, m->cap);
	while (m->keys[j] != UINT64_MAX && m->keys[j] != key)
		j = (j + 1) & (m->cap - 1);
	if (m->keys[j] == UINT64_MAX)
		m->n++;
	m->keys[j] = key;
	m->vals[j] = val;
	return 0;
}

int gk_tok_u64map_get(const gk_tok_u64map *m, uint64_t key, uint64_t *val)
{
	if (!m->cap)
		return 0;
	for (size_t j = u64_slot(key, m->cap); m->keys[j] != UINT64_MAX; j = (j + 1) & (m->cap - 1)) {
		if (m->keys[j] == key) {
			*val = m->vals[j];
			return 1;
		}
	}
	return 0;
}

void gk_tok_u64map_free(gk_tok_u64map *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
