#ifndef CHERALD_SPAWN_H
#define CHERALD_SPAWN_H

#include <spawn.h>

/// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), which Swift's
/// Glibc module does not show because it is declared only under _GNU_SOURCE:
/// the child closes every descriptor from `from` up, so it inherits none of
/// the parent's sockets.
int herald_spawn_file_actions_close_from(posix_spawn_file_actions_t *actions, int from);

#endif
