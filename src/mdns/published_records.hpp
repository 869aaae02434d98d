#pragma once

#include <string>
#include <vector>

#include "mdns/dns_message.hpp"
#include "mdns/types.hpp"

namespace lanspread::mdns {

// "_lanspread._udp.local"
const DnsName& service_type_name();
// "_services._dns-sd._udp.local" (RFC 6763 §9 service type enumeration)
const DnsName& service_enumeration_name();

// The label our instance and host names start from: "lanspread-" and the
// first 16 hex digits of the peer id (the full id does not fit a label);
// conflicts append "-2", "-3", ...
std::string instance_label(const std::string& peer_id, int conflict_count);

// The records we own on one interface, built from the advertisement, the
// chosen label and the interface's address.
struct PublishedRecords {
  DnsName instance;  // <label>._lanspread._udp.local
  DnsName host;      // <label>.local
  ResourceRecord service_ptr;
  ResourceRecord enumeration_ptr;
  ResourceRecord srv;
  ResourceRecord txt;
  ResourceRecord address;
  ResourceRecord instance_nsec;
  ResourceRecord host_nsec;

  // Shared records first; the set every announcement and goodbye carries.
  std::vector<ResourceRecord> announced() const;
  std::vector<ResourceRecord> unique() const { return {srv, txt, address}; }
  bool owns_name(const DnsName& name) const { return name == instance || name == host; }
};

PublishedRecords make_published_records(const Advertisement& self, const std::string& label,
                                        const LinkInterface& link, std::uint32_t ttl);

}  // namespace lanspread::mdns
