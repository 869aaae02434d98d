#include "peer/services/party_auth.hpp"

namespace lanspread::peer {
namespace {

constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kExporterBytes = 32;

proto::ErrorResponse wrong_passphrase(std::string why) {
  return {proto::ErrorCode::WrongPassphrase, "wrong or missing passphrase: " + std::move(why)};
}

}  // namespace

std::string sanitized_peer_name(std::string_view name) {
  std::string out;
  for (const char c : name.substr(0, kMaxNameBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? '?' : c;
  }
  return out;
}

PartyAuth::PartyAuth(std::string own_fingerprint, const std::string& own_name,
                     const std::optional<PartyKey>& key, Reports reports)
    : own_fingerprint_(std::move(own_fingerprint)),
      own_name_(sanitized_peer_name(own_name)),
      key_(key),
      reports_(std::move(reports)) {}

void PartyAuth::set_key(const std::optional<PartyKey>& key) {
  key_ = key;
  ++generation_;
}

std::optional<proto::Sha256Digest> PartyAuth::proof(const transport::Connection& connection,
                                                    ProofRole role) const {
  if (!key_)
    return std::nullopt;
  const auto context = party_exporter_context(own_fingerprint_, connection.peer_fingerprint());
  const auto exported =
      connection.export_keying_material(kPartyExporterLabel, context, kExporterBytes);
  return party_proof(*key_, role, exported);
}

void PartyAuth::report_refused(const std::string& peer_id, const std::string& reason) const {
  if (reports_.refused)
    reports_.refused(peer_id, reason);
}

proto::AuthenticateRequest PartyAuth::request_for(const transport::Connection& connection) const {
  return {.peer_name = own_name_, .proof = proof(connection, ProofRole::Client)};
}

Result<void> PartyAuth::check_answer(const transport::Connection& connection,
                                     const proto::Response& answer) {
  const auto& peer_id = connection.peer_fingerprint();
  std::optional<std::string> problem;
  if (const auto* refusal = std::get_if<proto::ErrorResponse>(&answer)) {
    problem =
        refusal->code == proto::ErrorCode::WrongPassphrase
            ? refusal->message
            : "wrong or missing passphrase: the peer did not take part (" + refusal->message + ")";
  } else if (const auto* accepted = std::get_if<proto::AuthenticatedResponse>(&answer)) {
    const auto expected = proof(connection, ProofRole::Server);
    if (expected && !accepted->proof) {
      problem = "wrong or missing passphrase: the peer has no passphrase set";
    } else if (!expected && accepted->proof) {
      problem = "wrong or missing passphrase: the peer has one and this peer has none";
    } else if (expected && !proofs_match(*expected, *accepted->proof)) {
      problem = "wrong or missing passphrase: the peer's proof does not match ours";
    } else if (reports_.admitted) {
      reports_.admitted(peer_id, sanitized_peer_name(accepted->peer_name));
    }
  } else {
    problem = "wrong or missing passphrase: the peer answered something else";
  }
  if (!problem)
    return {};
  report_refused(peer_id, *problem);
  return Error{std::move(*problem)};
}

proto::Response PartyAuth::answer(transport::Connection& connection,
                                  const proto::AuthenticateRequest& request) {
  const auto& peer_id = connection.peer_fingerprint();
  const auto expected = proof(connection, ProofRole::Client);
  std::optional<proto::ErrorResponse> refusal;
  if (expected && !request.proof) {
    refusal = wrong_passphrase("this peer's party has a passphrase and you sent none");
  } else if (!expected && request.proof) {
    refusal = wrong_passphrase("this peer has no passphrase set");
  } else if (expected && !proofs_match(*expected, *request.proof)) {
    refusal = wrong_passphrase("your proof does not match this peer's passphrase");
  }
  if (refusal) {
    report_refused(peer_id, refusal->message);
    return *refusal;
  }
  connection.set_application_mark(generation_);
  if (reports_.admitted)
    reports_.admitted(peer_id, sanitized_peer_name(request.peer_name));
  return proto::AuthenticatedResponse{.peer_name = own_name_,
                                      .proof = proof(connection, ProofRole::Server)};
}

bool PartyAuth::admits(const transport::Connection& connection) const {
  return !key_ || connection.application_mark() == generation_;
}

}  // namespace lanspread::peer
