#ifndef HERALD_STAGE_COUNTERS_H
#define HERALD_STAGE_COUNTERS_H

/// Whether this process runs under valgrind (callgrind counts instructions).
int stage_counters_under_valgrind(void);

/// Toggles callgrind's instruction collection (nothing outside valgrind);
/// run under `--collect-atstart=no`, a first call starts it and a second stops it.
void stage_counters_collect(void);

#endif
