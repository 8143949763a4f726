// Fixed-arity wrappers over libspeexdsp's request-style *_ctl calls, which take a void pointer.
#ifndef PARLEY_CSPEEXDSP_SHIM_H
#define PARLEY_CSPEEXDSP_SHIM_H
#include <speex/speex_preprocess.h>
#include <speex/speex_resampler.h>

static inline int parley_speex_preprocess_set_denoise(SpeexPreprocessState *state, int enabled) {
    spx_int32_t value = enabled;
    return speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_DENOISE, &value);
}
static inline int parley_speex_preprocess_set_noise_suppress(SpeexPreprocessState *state, int decibels) {
    spx_int32_t value = decibels;
    return speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &value);
}
static inline int parley_speex_preprocess_set_agc(SpeexPreprocessState *state, int enabled) {
    spx_int32_t value = enabled;
    return speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_AGC, &value);
}
#endif
