#include "CStageCounters.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif

int stage_counters_under_valgrind(void) {
#ifdef HAVE_CALLGRIND
    return RUNNING_ON_VALGRIND ? 1 : 0;
#else
    return 0;
#endif
}

void stage_counters_collect(void) {
#ifdef HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT;
#endif
}
