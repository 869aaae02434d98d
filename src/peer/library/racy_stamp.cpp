#include "peer/library/racy_stamp.hpp"

namespace lanspread::peer {

bool is_racy_stamp(std::int64_t stamp_ns, std::chrono::nanoseconds window,
                   std::chrono::system_clock::time_point now) {
  const auto now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  return stamp_ns >= now_ns - window.count() && stamp_ns <= now_ns + window.count();
}

}  // namespace lanspread::peer
