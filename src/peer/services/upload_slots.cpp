#include "peer/services/upload_slots.hpp"

#include "async/wakeup.hpp"

namespace lanspread::peer {

UploadSlots::UploadSlots(asio::any_io_executor executor, std::size_t per_peer)
    : executor_(std::move(executor)), per_peer_(per_peer) {}

UploadSlots::~UploadSlots() = default;

asio::awaitable<UploadSlots::Slot> UploadSlots::take(const std::string& peer) {
  auto& uploads = peers_[peer];
  if (uploads.running < per_peer_ && uploads.waiting.empty()) {
    ++uploads.running;
    co_return Slot(this, peer);
  }
  auto wakeup = std::make_shared<async::Wakeup>(executor_);
  uploads.waiting.push_back(wakeup);
  co_await wakeup->wait();
  // release() handed its slot over: `running` already counts this upload.
  co_return Slot(this, peer);
}

std::size_t UploadSlots::running(const std::string& peer) const {
  const auto found = peers_.find(peer);
  return found == peers_.end() ? 0 : found->second.running;
}

void UploadSlots::release(const std::string& peer) {
  const auto found = peers_.find(peer);
  if (found == peers_.end())
    return;
  auto& uploads = found->second;
  if (!uploads.waiting.empty()) {
    uploads.waiting.front()->notify();
    uploads.waiting.pop_front();
    return;
  }
  if (--uploads.running == 0)
    peers_.erase(found);
}

}  // namespace lanspread::peer
