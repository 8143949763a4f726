// Counts allocations for Benchmarks/scripts/parser-quick/run.sh by interposing the C allocator.
#include <stddef.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static long counter;
void *malloc(size_t n) { counter++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { counter++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { counter++; return __libc_realloc(p, n); }
long harness_mallocs(void) { return counter; }
