#pragma once
// What this process uses: CPU time and resident memory, for didit-bench and its scenarios.

#include <cstdint>
#include <fstream>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

namespace didit_bench {

/// User and system CPU time of this process so far.
inline double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Resident memory now, in KiB, after handing free heap pages back to the system (so that
/// what is left is what the process holds, such as idle pooled connections).
inline std::int64_t current_rss_kib() {
    malloc_trim(0);
    std::ifstream statm{"/proc/self/statm"};
    std::int64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE) / 1024;
}

/// The most resident memory this process has had, in KiB.
inline std::int64_t peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace didit_bench
