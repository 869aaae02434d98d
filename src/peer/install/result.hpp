#pragma once

#include <string>
#include <utility>

namespace lanspread::peer::install {

// The outcome of an unpack or a transaction. A cancelled operation is not a
// failure: the runtime reports the two differently.
class [[nodiscard]] Result {
 public:
  enum class Status { Ok, Failed, Cancelled };

  static Result success() { return Result(Status::Ok, {}); }
  static Result failure(std::string reason) { return Result(Status::Failed, std::move(reason)); }
  static Result cancelled() { return Result(Status::Cancelled, "cancelled"); }

  bool ok() const { return status_ == Status::Ok; }
  bool was_cancelled() const { return status_ == Status::Cancelled; }
  Status status() const { return status_; }
  // Human-readable; empty on success.
  const std::string& reason() const { return reason_; }

 private:
  Result(Status status, std::string reason) : status_(status), reason_(std::move(reason)) {}

  Status status_;
  std::string reason_;
};

}  // namespace lanspread::peer::install
