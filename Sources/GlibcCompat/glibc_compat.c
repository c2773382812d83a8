// The shipped binary must start on glibc 2.34 with GCC 11's libstdc++ (Amazon Linux 2023, RHEL 9),
// though it is built on a newer system. Linked against the build system's libraries, three symbols
// would bind to versions those systems lack:
//   hypot, hypotf                 GLIBC_2.35 (glibc 2.35 added new versions; the GLIBC_2.2.5 ones remain)
//   std::condition_variable::wait GLIBCXX_3.4.30 (GCC 12; the GLIBCXX_3.4.11 one remains)
// Each is defined here, in the executable, as a call to the older version, so the executable's
// references bind to these definitions and only the older versions are asked of the loader.
// Tests/Release/test_release.py reads the binary's version needs and fails on anything newer.
// The definitions are hidden: exported, they would be found by the loader for the versioned calls
// below (an executable without version definitions matches any version) and call themselves. The
// test build exports every symbol, so ICU's condition_variable::wait under contention recursed until
// the stack ran out (signal 11 in `swift test`); the release build exports only main.
#include <features.h>  // defines __GLIBC__

#if defined(__linux__) && defined(__x86_64__) && defined(__GLIBC__)

__asm__(".symver idcsync_hypot_glibc_2_2_5, hypot@GLIBC_2.2.5");
__asm__(".symver idcsync_hypotf_glibc_2_2_5, hypotf@GLIBC_2.2.5");
__asm__(".symver idcsync_cv_wait_glibcxx_3_4_11, _ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE@GLIBCXX_3.4.11");

extern double idcsync_hypot_glibc_2_2_5(double, double);
extern float idcsync_hypotf_glibc_2_2_5(float, float);
extern void idcsync_cv_wait_glibcxx_3_4_11(void *condition, void *lock);

__attribute__((visibility("hidden"))) double hypot(double x, double y) { return idcsync_hypot_glibc_2_2_5(x, y); }
__attribute__((visibility("hidden"))) float hypotf(float x, float y) { return idcsync_hypotf_glibc_2_2_5(x, y); }

__attribute__((visibility("hidden"))) void idcsync_cv_wait(void *condition, void *lock) __asm__("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE");
void idcsync_cv_wait(void *condition, void *lock) { idcsync_cv_wait_glibcxx_3_4_11(condition, lock); }

#endif
