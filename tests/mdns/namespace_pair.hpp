#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lanspread::mdns::test {

// Why namespace tests cannot run here, or nothing when they can.
std::optional<std::string> namespace_tests_unavailable();

// Two network namespaces joined by a veth pair, each end called eth0:
// first() has 10.77.0.1/24, second() 10.77.0.2/24. Names carry the process
// id and a counter, so parallel test runs do not collide; the destructor
// deletes both, even when the test failed.
class NamespacePair {
 public:
  static constexpr const char* kFirstAddress = "10.77.0.1";
  static constexpr const char* kSecondAddress = "10.77.0.2";

  NamespacePair();  // throws std::runtime_error when a step fails
  ~NamespacePair();
  NamespacePair(const NamespacePair&) = delete;
  NamespacePair& operator=(const NamespacePair&) = delete;

  const std::string& first() const { return first_; }
  const std::string& second() const { return second_; }

  // argv prefix that runs a program inside a namespace.
  static std::vector<std::string> exec_in(const std::string& ns, std::vector<std::string> argv);

  // Runs `work` on a thread that entered `ns`; threads it starts (a
  // Discovery's) inherit the namespace.
  template <class Work>
  static auto run_in(const std::string& ns, Work work) -> decltype(work()) {
    std::optional<decltype(work())> result;
    std::exception_ptr error;
    std::thread thread([&] {
      try {
        enter(ns);
        result.emplace(work());
      } catch (...) {
        error = std::current_exception();
      }
    });
    thread.join();
    if (error)
      std::rethrow_exception(error);
    return std::move(*result);
  }

 private:
  static void enter(const std::string& ns);
  void remove();
  void wait_for_carrier();

  std::string first_;
  std::string second_;
};

// Runs a command to completion; throws std::runtime_error with its output
// when it fails.
void run_checked(const std::vector<std::string>& argv);

}  // namespace lanspread::mdns::test
