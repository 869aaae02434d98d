#include <algorithm>

#include "mdns/dns_message.hpp"

namespace lanspread::mdns {
namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool labels_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

}  // namespace

std::string DnsName::to_string() const {
  std::string text;
  for (const auto& label : labels) {
    for (char c : label) {
      if (c == '.' || c == '\\')
        text += '\\';
      text += c;
    }
    text += '.';
  }
  return text.empty() ? "." : text;
}

std::string DnsName::lower_case_key() const {
  auto key = to_string();
  std::transform(key.begin(), key.end(), key.begin(), ascii_lower);
  return key;
}

std::size_t DnsName::wire_length() const {
  std::size_t length = 1;
  for (const auto& label : labels)
    length += 1 + label.size();
  return length;
}

bool DnsName::ends_with(const DnsName& suffix) const {
  if (suffix.labels.size() > labels.size())
    return false;
  const auto offset = labels.size() - suffix.labels.size();
  for (std::size_t i = 0; i < suffix.labels.size(); ++i) {
    if (!labels_equal(labels[offset + i], suffix.labels[i]))
      return false;
  }
  return true;
}

bool operator==(const DnsName& a, const DnsName& b) {
  return a.labels.size() == b.labels.size() && a.ends_with(b);
}

DnsName name_from_dotted(std::string_view dotted) {
  DnsName name;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    name.labels.emplace_back(dotted.substr(0, dot));
    if (dot == std::string_view::npos)
      break;
    dotted.remove_prefix(dot + 1);
  }
  return name;
}

DnsName prepend_label(std::string first, const DnsName& rest) {
  DnsName name;
  name.labels.reserve(rest.labels.size() + 1);
  name.labels.push_back(std::move(first));
  name.labels.insert(name.labels.end(), rest.labels.begin(), rest.labels.end());
  return name;
}

}  // namespace lanspread::mdns
