/* SPDX-License-Identifier: MIT */
/*
 * arena.h - a bump allocator for everything a rule file turns into.
 *
 * A parsed and compiled rule set lives in one arena and is freed at once,
 * which makes a reload (build the new set, swap, free the old) atomic and
 * leak-free.  Allocation failure returns NULL and is sticky (arena->oom),
 * so a caller may allocate many nodes and test once.
 */
#ifndef RIPOSTE_LANG_ARENA_H
#define RIPOSTE_LANG_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total; /* bytes handed out, for limits and reports */
	size_t limit; /* 0: none; past it allocations fail */
	bool oom;
};

void arena_init(struct arena *a, size_t limit);

/* Frees every chunk; the arena may be reused after arena_init(). */
void arena_cleanup(struct arena *a);

/* size bytes, zeroed, aligned for any type; NULL on failure. */
void *arena_alloc(struct arena *a, size_t size);

/* n elements of size bytes, zeroed, with an overflow check. */
void *arena_calloc(struct arena *a, size_t n, size_t size);

/* Copies len bytes and a terminating NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/*
 * Grows an array held in the arena: *items (of *n elements of size bytes)
 * gets room for one more, returned zeroed.  Capacity doubles; the old
 * copy is abandoned to the arena.  NULL on failure.
 */
void *arena_push(struct arena *a, void **items, size_t *n, size_t *cap,
		 size_t size);

#endif
