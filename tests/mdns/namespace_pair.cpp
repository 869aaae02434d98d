#include "namespace_pair.hpp"

#include <atomic>
#include <stdexcept>

#include "platform/unique_fd.hpp"
#include "support/child_process.hpp"

namespace lanspread::mdns::test {

void run_checked(const std::vector<std::string>& argv) {
  const auto finished = lanspread::test::run(argv);
  if (finished.exit_code != 0) {
    std::string command;
    for (const auto& arg : argv)
      command += arg + " ";
    throw std::runtime_error(command + "failed: " + finished.err + finished.out);
  }
}

std::optional<std::string> namespace_tests_unavailable() {
  if (geteuid() != 0)
    return "network namespace tests need root";
  if (access("/usr/sbin/ip", X_OK) != 0)
    return "network namespace tests need iproute2 (/usr/sbin/ip)";
  return std::nullopt;
}

NamespacePair::NamespacePair() {
  static std::atomic<int> counter{0};
  const auto base = "lsmdns-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  first_ = base + "-a";
  second_ = base + "-b";
  try {
    run_checked({"/usr/sbin/ip", "netns", "add", first_});
    run_checked({"/usr/sbin/ip", "netns", "add", second_});
    run_checked({"/usr/sbin/ip", "-n", first_, "link", "add", "eth0", "type", "veth", "peer",
                 "name", "eth0", "netns", second_});
    for (const auto& [ns, address] :
         {std::pair{first_, kFirstAddress}, std::pair{second_, kSecondAddress}}) {
      run_checked(
          {"/usr/sbin/ip", "-n", ns, "addr", "add", std::string(address) + "/24", "dev", "eth0"});
      run_checked({"/usr/sbin/ip", "-n", ns, "link", "set", "eth0", "up"});
      run_checked({"/usr/sbin/ip", "-n", ns, "link", "set", "lo", "up"});
    }
    wait_for_carrier();
  } catch (...) {
    remove();
    throw;
  }
}

NamespacePair::~NamespacePair() {
  remove();
}

void NamespacePair::wait_for_carrier() {
  for (const auto& ns : {first_, second_}) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (lanspread::test::run({"/usr/sbin/ip", "-n", ns, "-o", "link", "show", "eth0"})
               .out.find("LOWER_UP") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("veth in " + ns + " has no carrier");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the kernel
    }
  }
}

void NamespacePair::remove() {
  for (const auto& ns : {first_, second_})
    lanspread::test::run({"/usr/sbin/ip", "netns", "del", ns});
}

std::vector<std::string> NamespacePair::exec_in(const std::string& ns,
                                                std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"/usr/sbin/ip", "netns", "exec", ns});
  return argv;
}

void NamespacePair::enter(const std::string& ns) {
  const platform::UniqueFd fd(open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    throw std::runtime_error("cannot open namespace " + ns);
  if (setns(fd.get(), CLONE_NEWNET) != 0)
    throw std::runtime_error("cannot enter namespace " + ns);
}

}  // namespace lanspread::mdns::test
