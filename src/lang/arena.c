/* SPDX-License-Identifier: MIT */
/* arena.c - bump allocator; see arena.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_CHUNK (64u * 1024u)
#define ARENA_ALIGN 16u

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	_Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->total = 0;
	a->limit = limit;
	a->oom = false;
}

void arena_cleanup(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
	a->oom = false;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (a->oom || size > SIZE_MAX / 2)
		goto fail;
	if (!need)
		need = ARENA_ALIGN;
	if (a->limit && (need > a->limit || a->total > a->limit - need))
		goto fail;
	if (!c || c->size - c->used < need) {
		size_t sz = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + sz);
		if (!c)
			goto fail;
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	a->total += need;
	memset(p, 0, size);
	return p;
fail:
	a->oom = true;
	return NULL;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / 2 / size) {
		a->oom = true;
		return NULL;
	}
	return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (p && len)
		memcpy(p, s, len);
	return p;
}

void *arena_push(struct arena *a, void **items, size_t *n, size_t *cap,
		 size_t size)
{
	unsigned char *p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		void *grown = arena_calloc(a, ncap, size);

		if (!grown)
			return NULL;
		if (*n)
			memcpy(grown, *items, *n * size);
		*items = grown;
		*cap = ncap;
	}
	p = (unsigned char *)*items + *n * size;
	(*n)++;
	memset(p, 0, size);
	return p;
}
