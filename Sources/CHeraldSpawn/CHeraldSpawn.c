#define _GNU_SOURCE
#include <spawn.h>
#include "CHeraldSpawn.h"

int herald_spawn_file_actions_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
