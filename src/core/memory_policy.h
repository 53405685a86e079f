// How the process asks glibc's allocator to behave, so resident memory does not
// grow with the number of cores or with the size of hostile response bodies.
#pragma once

namespace streamprobe {

// Call first thing in main(), before any thread starts. Caps malloc arenas at
// two (probe rounds run on short-lived threads, and each thread would otherwise
// pin its own arena of freed-but-kept memory), and fixes the mmap and trim
// thresholds so buffers of 256 KiB and more (response bodies) are mapped and
// returned to the kernel when freed. An allocator setting given in the
// environment (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_)
// wins over ours.
void ApplyMemoryPolicy();

}  // namespace streamprobe
