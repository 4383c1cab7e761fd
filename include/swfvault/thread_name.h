// Thread names: what `top -H`, `perf` and a debugger show for swfvault's worker threads.
#ifndef SWFVAULT_THREAD_NAME_H_
#define SWFVAULT_THREAD_NAME_H_

#include <string>
#include <string_view>

namespace swfvault {

// Names the calling thread. Linux keeps 15 bytes; a longer name is cut, never refused.
void NameThisThread(std::string_view name);

// The calling thread's name as the kernel holds it (empty if it cannot be read).
std::string ThisThreadName();

}  // namespace swfvault

#endif  // SWFVAULT_THREAD_NAME_H_
