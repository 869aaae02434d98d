#include "peer/services/party_auth.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "peer/services/game_client.hpp"
#include "support/loopback_server.hpp"
#include "support/run_coroutine.hpp"
#include "support/temp_dir.hpp"

// The party check over real QUIC on loopback: a game server with a
// passphrase serves nothing to a connection before a valid proof, proofs
// are bound to their connection, and the client checks the server's proof.
namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using asio::awaitable;

const PartyKey& party_key() {
  static const PartyKey key = PartyKey::derive("lan party 2026").value();
  return key;
}
const PartyKey& other_key() {
  static const PartyKey key = PartyKey::derive("another party").value();
  return key;
}

bool is_wrong_passphrase(const proto::Response& response) {
  const auto* error = std::get_if<proto::ErrorResponse>(&response);
  return error != nullptr && error->code == proto::ErrorCode::WrongPassphrase &&
         error->message.starts_with("wrong or missing passphrase");
}

class PartyAuthTest : public test::LoopbackServerTest {
 protected:
  PartyAuthTest() {
    test::write_file(dir_.path() / "games/cs16/version.ini", "1");
    test::write_file(dir_.path() / "games/cs16/cs16.zip", "payload");
    serve_games_in(dir_.path() / "games");
  }

  void serve_with(std::optional<PartyKey> key) {
    server_auth_.emplace(
        server_identity_.fingerprint, "server-box", std::move(key),
        PartyAuth::Reports{.admitted = [this](const std::string& id,
                                              const std::string&) { admitted_.push_back(id); },
                           .refused = [this](const std::string& id,
                                             const std::string&) { refused_.push_back(id); }});
    start_server(nullptr, &*server_auth_);
  }

  proto::Response ask(transport::Connection& connection, proto::RequestBody body) {
    return test::run_coroutine(io_, [&]() -> awaitable<proto::Response> {
      const proto::Request request{.body = std::move(body)};
      auto reply = co_await send_request(connection, request);
      co_return reply.response;
    }());
  }

  std::vector<std::string> admitted_;
  std::vector<std::string> refused_;
  std::optional<PartyAuth> server_auth_;
};

TEST_F(PartyAuthTest, BothEndsExportTheSameBytesAndEachConnectionOthers) {
  serve_with(std::nullopt);
  auto first = connect();
  auto second = connect();
  const auto a = first.export_keying_material(kPartyExporterLabel, "context", 32);
  const auto b = second.export_keying_material(kPartyExporterLabel, "context", 32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_NE(a, first.export_keying_material(kPartyExporterLabel, "other context", 32));
  // The server's side of the first connection derives the same bytes: its
  // answer to our proof checks only if so.
  serve_with(party_key());
  auto connection = connect();
  PartyAuth client_auth(client_identity_.fingerprint, "client-box", party_key());
  const auto answer = ask(connection, client_auth.request_for(connection));
  EXPECT_TRUE(client_auth.check_answer(connection, answer));
}

TEST_F(PartyAuthTest, WithoutAProofNothingIsListedOrServed) {
  serve_with(party_key());
  auto connection = connect();
  EXPECT_TRUE(is_wrong_passphrase(ask(connection, proto::ListGamesRequest{})));
  EXPECT_TRUE(is_wrong_passphrase(ask(connection, proto::PingRequest{})));
  EXPECT_TRUE(is_wrong_passphrase(ask(connection, proto::GetGameRequest{"cs16"})));
  EXPECT_TRUE(is_wrong_passphrase(
      ask(connection, proto::GetGameFileChunkRequest{"cs16", "cs16.zip", 0, 7})));
  EXPECT_TRUE(
      is_wrong_passphrase(ask(connection, proto::GetGameFileDataRequest{"cs16", "cs16.zip"})));
}

TEST_F(PartyAuthTest, TheRightProofOpensThatConnectionOnly) {
  serve_with(party_key());
  PartyAuth client_auth(client_identity_.fingerprint, "client-box", party_key());
  auto connection = connect();
  const auto answer = ask(connection, client_auth.request_for(connection));
  ASSERT_TRUE(std::holds_alternative<proto::AuthenticatedResponse>(answer));
  EXPECT_EQ(std::get<proto::AuthenticatedResponse>(answer).peer_name, "server-box");
  EXPECT_TRUE(client_auth.check_answer(connection, answer));
  const auto games = ask(connection, proto::ListGamesRequest{});
  ASSERT_TRUE(std::holds_alternative<proto::GamesResponse>(games));
  EXPECT_EQ(std::get<proto::GamesResponse>(games).games.size(), 1u);
  EXPECT_EQ(admitted_, std::vector<std::string>{client_identity_.fingerprint});

  auto another = connect();
  EXPECT_TRUE(is_wrong_passphrase(ask(another, proto::ListGamesRequest{})));
}

TEST_F(PartyAuthTest, AProofFromAnotherConnectionIsRefused) {
  serve_with(party_key());
  PartyAuth client_auth(client_identity_.fingerprint, "client-box", party_key());
  auto first = connect();
  auto second = connect();
  const auto replayed = client_auth.request_for(first);
  EXPECT_TRUE(is_wrong_passphrase(ask(second, replayed)));
  EXPECT_TRUE(is_wrong_passphrase(ask(second, proto::ListGamesRequest{})));
  EXPECT_EQ(refused_, std::vector<std::string>{client_identity_.fingerprint});
}

TEST_F(PartyAuthTest, AWrongOrMissingPassphraseIsRefusedWithAClearError) {
  serve_with(party_key());
  for (const auto& key : {std::optional<PartyKey>(other_key()), std::optional<PartyKey>()}) {
    PartyAuth client_auth(client_identity_.fingerprint, "client-box", key);
    auto connection = connect();
    const auto answer = ask(connection, client_auth.request_for(connection));
    EXPECT_TRUE(is_wrong_passphrase(answer));
    const auto checked = client_auth.check_answer(connection, answer);
    ASSERT_FALSE(checked);
    EXPECT_TRUE(checked.error().message.starts_with("wrong or missing passphrase"))
        << checked.error();
    EXPECT_TRUE(is_wrong_passphrase(ask(connection, proto::ListGamesRequest{})));
  }
}

TEST_F(PartyAuthTest, APeerWithoutAPassphraseRefusesOneWithAndServesOneWithout) {
  serve_with(std::nullopt);
  PartyAuth with(client_identity_.fingerprint, "client-box", party_key());
  auto connection = connect();
  const auto answer = ask(connection, with.request_for(connection));
  EXPECT_TRUE(is_wrong_passphrase(answer));
  EXPECT_FALSE(with.check_answer(connection, answer));

  PartyAuth without(client_identity_.fingerprint, "client-box", std::nullopt);
  auto plain = connect();
  const auto accepted = ask(plain, without.request_for(plain));
  EXPECT_TRUE(without.check_answer(plain, accepted));
  EXPECT_TRUE(std::holds_alternative<proto::GamesResponse>(ask(plain, proto::ListGamesRequest{})));
}

TEST_F(PartyAuthTest, TheClientRefusesAServerWhoseProofDoesNotCheck) {
  serve_with(party_key());
  PartyAuth client_auth(client_identity_.fingerprint, "client-box", party_key());
  auto connection = connect();
  // A server that echoes our own proof back, or sends none, is refused.
  const auto request = client_auth.request_for(connection);
  const proto::Response echoed =
      proto::AuthenticatedResponse{.peer_name = "impostor", .proof = request.proof};
  EXPECT_FALSE(client_auth.check_answer(connection, echoed));
  const proto::Response none = proto::AuthenticatedResponse{.peer_name = "impostor"};
  EXPECT_FALSE(client_auth.check_answer(connection, none));
}

TEST_F(PartyAuthTest, ChangingThePassphraseClosesConnectionsAdmittedUnderTheOldOne) {
  serve_with(party_key());
  PartyAuth client_auth(client_identity_.fingerprint, "client-box", party_key());
  auto connection = connect();
  const auto answer = ask(connection, client_auth.request_for(connection));
  ASSERT_TRUE(client_auth.check_answer(connection, answer));
  server_auth_->set_key(other_key());
  EXPECT_TRUE(is_wrong_passphrase(ask(connection, proto::ListGamesRequest{})));
}

TEST(PeerName, NamesAreShortAndPrintable) {
  EXPECT_EQ(sanitized_peer_name("lan-box"), "lan-box");
  EXPECT_EQ(sanitized_peer_name("evil\x1b[2Jname\n"), "evil?[2Jname?");
  EXPECT_EQ(sanitized_peer_name(std::string(100, 'x')).size(), 64u);
}

}  // namespace
}  // namespace lanspread::peer
