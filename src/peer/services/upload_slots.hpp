#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace lanspread::async {
class Wakeup;
}

namespace lanspread::peer {

// A cap on the file uploads one peer may have running at once, so a greedy
// downloader cannot occupy every disk read and buffer: requests beyond it wait
// their turn instead of being refused. Lives on one executor.
class UploadSlots {
 public:
  // Held while an upload runs; gives the slot to the next waiter when dropped.
  class Slot {
   public:
    Slot() = default;
    Slot(UploadSlots* owner, std::string peer) : owner_(owner), peer_(std::move(peer)) {}
    Slot(Slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), peer_(std::move(other.peer_)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        peer_ = std::move(other.peer_);
      }
      return *this;
    }
    ~Slot() { release(); }

   private:
    void release() {
      if (owner_ != nullptr)
        std::exchange(owner_, nullptr)->release(peer_);
    }

    UploadSlots* owner_ = nullptr;
    std::string peer_;
  };

  UploadSlots(asio::any_io_executor executor, std::size_t per_peer);
  ~UploadSlots();
  UploadSlots(const UploadSlots&) = delete;
  UploadSlots& operator=(const UploadSlots&) = delete;

  asio::awaitable<Slot> take(const std::string& peer);
  std::size_t running(const std::string& peer) const;

 private:
  struct PeerUploads {
    std::size_t running = 0;
    std::deque<std::shared_ptr<async::Wakeup>> waiting;
  };
  void release(const std::string& peer);

  asio::any_io_executor executor_;
  std::size_t per_peer_;
  std::map<std::string, PeerUploads> peers_;
};

}  // namespace lanspread::peer
