#ifndef CAPSIM_CGSL_SHIM_H
#define CAPSIM_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_lambert.h>
#include <stdint.h>

/// State of capsim's Philox4x32-10 stream as GSL sees it (`gsl_rng.state`).
/// Swift fills and advances it; the layout is shared so both sides agree.
/// `counter[0..3]` is the 128-bit counter of the *next* block; `buffer` holds the
/// outputs of the current block and `used` how many of them were consumed (4 = empty).
typedef struct {
    uint32_t key[2];
    uint32_t counter[4];
    uint32_t buffer[4];
    uint32_t used;
} capsim_philox_state;

#endif
