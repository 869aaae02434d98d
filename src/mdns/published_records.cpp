#include "mdns/published_records.hpp"

namespace lanspread::mdns {

const DnsName& service_type_name() {
  static const DnsName name = name_from_dotted("_lanspread._udp.local");
  return name;
}

const DnsName& service_enumeration_name() {
  static const DnsName name = name_from_dotted("_services._dns-sd._udp.local");
  return name;
}

std::string instance_label(const std::string& peer_id, int conflict_count) {
  std::string label = "lanspread-" + peer_id.substr(0, 16);
  if (conflict_count > 0)
    label += "-" + std::to_string(conflict_count + 1);
  return label;
}

std::vector<ResourceRecord> PublishedRecords::announced() const {
  return {service_ptr, enumeration_ptr, srv, txt, address};
}

PublishedRecords make_published_records(const Advertisement& self, const std::string& label,
                                        const LinkInterface& link, std::uint32_t ttl) {
  PublishedRecords records;
  records.instance = prepend_label(label, service_type_name());
  records.host = prepend_label(label, name_from_dotted("local"));
  const auto record = [ttl](const DnsName& name, std::uint16_t type, bool unique, RecordData data) {
    return ResourceRecord{
        .name = name, .type = type, .cache_flush = unique, .ttl = ttl, .data = std::move(data)};
  };
  records.service_ptr =
      record(service_type_name(), record_type::ptr, false, PtrData{records.instance});
  records.enumeration_ptr =
      record(service_enumeration_name(), record_type::ptr, false, PtrData{service_type_name()});
  records.srv = record(records.instance, record_type::srv, true,
                       SrvData{.port = self.port, .target = records.host});
  records.txt =
      record(records.instance, record_type::txt, true,
             TxtData{{"id=" + self.peer_id, "v=" + std::to_string(self.protocol_version)}});
  records.address = record(records.host, record_type::a, true, AData{link.address});
  records.instance_nsec = record(records.instance, record_type::nsec, true,
                                 NsecData{records.instance, {record_type::txt, record_type::srv}});
  records.host_nsec =
      record(records.host, record_type::nsec, true, NsecData{records.host, {record_type::a}});
  return records;
}

}  // namespace lanspread::mdns
