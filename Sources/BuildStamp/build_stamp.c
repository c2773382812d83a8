#include "BuildStamp.h"

// A fixed-size area that scripts/build-release overwrites in the linked binary (after the marker
// and its NUL) with "VERSION COMMIT". Stamping after the link keeps the version and commit out of
// the compiler's inputs, so changing them never rebuilds anything. Not const, so the compiler
// cannot fold the empty text into its reader.
#define IDCSYNC_STAMP_MARKER "@@IDCSYNC-BUILD-STAMP@@"

__attribute__((used)) char idcsync_build_stamp_area[sizeof(IDCSYNC_STAMP_MARKER) + 128] = IDCSYNC_STAMP_MARKER;

const char *idcsync_build_stamp(void) {
    return idcsync_build_stamp_area + sizeof(IDCSYNC_STAMP_MARKER);
}
