#ifndef IDCSYNC_BUILD_STAMP_H
#define IDCSYNC_BUILD_STAMP_H

/// What scripts/build-release wrote into the binary after linking ("VERSION COMMIT"), or "" in a
/// build it did not stamp.
const char *idcsync_build_stamp(void);

#endif
