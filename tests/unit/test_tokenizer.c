/* Unit tests for lib/eval/tokenizer (filled in below). */
#include "lib/eval/tokenizer.h"

#include "tests/unit/check.h"

int
main(void)
{
    return DONE();
}
