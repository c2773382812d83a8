#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the command line and the target. SwiftPM gives every executable a main of
/// its own (it calls this), so libFuzzer's main is not used.
int idcsync_fuzz_main(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));
