#ifndef CAPSIM_CPREFETCH_H
#define CAPSIM_CPREFETCH_H

/// Asks the processor to bring the cache line holding `address` closer, for a read soon. A hint
/// only: it never faults, and has no effect other than on timing. (Swift has no prefetch of its
/// own; a static inline function is compiled into its caller.)
static inline void capsim_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
