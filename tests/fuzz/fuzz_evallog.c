/* libFuzzer target: a log document (lighteval, lm-eval or inspect-ai JSON) through lib/evallog. */
#include <stddef.h>
#include <stdint.h>

#include "lib/evallog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct evallog_opts o = { EVALLOG_AUTO, size & 1 };
    struct evallog log = EVALLOG_INIT;
    struct ep_err err;

    if (evallog_parse((const char *)data, size, "fuzz", &o, &log, &err) == 0) {
        for (size_t i = 0; i < log.nr; i++)
            if (!log.scores[i].task || !log.scores[i].metric ||
                log.scores[i].value != log.scores[i].value)
                __builtin_trap();
    }
    evallog_release(&log);
    return 0;
}
