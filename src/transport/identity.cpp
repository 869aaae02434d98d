#include "transport/identity.hpp"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <spdlog/spdlog.h>

#include <array>
#include <ctime>
#include <fstream>
#include <span>
#include <sstream>

#include "base/utf8_path.hpp"
#include "platform/atomic_file.hpp"
#include "platform/owner_only.hpp"
#include "proto/hex.hpp"

namespace lanspread::transport {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kCertificateFile = "certificate.pem";
constexpr std::string_view kPrivateKeyFile = "private_key.pem";

// Loading or making an identity is a long run of GnuTLS calls, any of which
// ends it: they throw this, and the functions below the anonymous namespace
// catch it (load_or_create_identity turns it into its Error). It never
// leaves this file.
struct IdentityFailure {
  std::string message;
};

void check(int rv, const char* what) {
  if (rv < 0)
    throw IdentityFailure{std::string(what) + ": " + gnutls_strerror(rv)};
}

std::string export_pem(gnutls_datum_t datum) {
  std::string pem(reinterpret_cast<const char*>(datum.data), datum.size);
  gnutls_free(datum.data);
  return pem;
}

// Owns one GnuTLS object and frees it with the matching deinit.
template <class T, void (*Deinit)(T)>
class Owned {
 public:
  Owned() = default;
  ~Owned() {
    if (value_ != nullptr)
      Deinit(value_);
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  T* out() { return &value_; }
  T get() const { return value_; }

 private:
  T value_ = nullptr;
};
using PrivateKey = Owned<gnutls_x509_privkey_t, gnutls_x509_privkey_deinit>;
using Certificate = Owned<gnutls_x509_crt_t, gnutls_x509_crt_deinit>;
using PublicKey = Owned<gnutls_pubkey_t, gnutls_pubkey_deinit>;

std::string fingerprint_of(gnutls_x509_crt_t certificate) {
  PublicKey key;
  check(gnutls_pubkey_init(key.out()), "gnutls_pubkey_init");
  check(gnutls_pubkey_import_x509(key.get(), certificate, 0), "reading the public key");
  std::array<unsigned char, 32> id{};
  std::size_t size = id.size();
  check(gnutls_pubkey_get_key_id(key.get(), GNUTLS_KEYID_USE_SHA256, id.data(), &size),
        "hashing the public key");
  return proto::to_hex(std::span(id.data(), size));
}

Identity generate() {
  PrivateKey key;
  check(gnutls_x509_privkey_init(key.out()), "gnutls_x509_privkey_init");
  check(gnutls_x509_privkey_generate2(key.get(), GNUTLS_PK_ECDSA,
                                      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0, nullptr,
                                      0),
        "generating the private key");

  Certificate certificate;
  check(gnutls_x509_crt_init(certificate.out()), "gnutls_x509_crt_init");
  check(gnutls_x509_crt_set_version(certificate.get(), 3), "certificate version");
  std::array<unsigned char, 16> serial{};
  check(gnutls_rnd(GNUTLS_RND_NONCE, serial.data(), serial.size()), "certificate serial");
  serial[0] &= 0x7F;  // a positive serial number
  check(gnutls_x509_crt_set_serial(certificate.get(), serial.data(), serial.size()),
        "certificate serial");
  const std::time_t now = std::time(nullptr);
  check(gnutls_x509_crt_set_activation_time(certificate.get(), now - 24 * 3600),
        "certificate validity");
  // Trust comes from pinning the key, not from expiry; a long life means a
  // peer id never changes under a user's feet.
  check(gnutls_x509_crt_set_expiration_time(certificate.get(), now + 100LL * 365 * 24 * 3600),
        "certificate validity");
  static constexpr char kCommonName[] = "lanspread peer";
  check(gnutls_x509_crt_set_dn_by_oid(certificate.get(), GNUTLS_OID_X520_COMMON_NAME, 0,
                                      kCommonName, sizeof(kCommonName) - 1),
        "certificate name");
  check(gnutls_x509_crt_set_issuer_dn_by_oid(certificate.get(), GNUTLS_OID_X520_COMMON_NAME, 0,
                                             kCommonName, sizeof(kCommonName) - 1),
        "certificate issuer");
  check(gnutls_x509_crt_set_key(certificate.get(), key.get()), "certificate key");
  check(
      gnutls_x509_crt_sign2(certificate.get(), certificate.get(), key.get(), GNUTLS_DIG_SHA256, 0),
      "signing the certificate");

  Identity identity;
  gnutls_datum_t pem{};
  check(gnutls_x509_crt_export2(certificate.get(), GNUTLS_X509_FMT_PEM, &pem),
        "exporting the certificate");
  identity.certificate_pem = export_pem(pem);
  check(gnutls_x509_privkey_export2(key.get(), GNUTLS_X509_FMT_PEM, &pem),
        "exporting the private key");
  identity.private_key_pem = export_pem(pem);
  identity.fingerprint = fingerprint_of(certificate.get());
  return identity;
}

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw IdentityFailure{"cannot read " + utf8_of(file)};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses the stored identity and checks the key belongs to the certificate.
Identity parse(const fs::path& dir) {
  Identity identity{.certificate_pem = read_whole(dir / kCertificateFile),
                    .private_key_pem = read_whole(dir / kPrivateKeyFile)};
  Certificate certificate;
  check(gnutls_x509_crt_init(certificate.out()), "gnutls_x509_crt_init");
  const gnutls_datum_t cert_pem{reinterpret_cast<unsigned char*>(identity.certificate_pem.data()),
                                static_cast<unsigned>(identity.certificate_pem.size())};
  check(gnutls_x509_crt_import(certificate.get(), &cert_pem, GNUTLS_X509_FMT_PEM),
        ("reading " + utf8_of(dir / kCertificateFile)).c_str());
  PrivateKey key;
  check(gnutls_x509_privkey_init(key.out()), "gnutls_x509_privkey_init");
  const gnutls_datum_t key_pem{reinterpret_cast<unsigned char*>(identity.private_key_pem.data()),
                               static_cast<unsigned>(identity.private_key_pem.size())};
  check(gnutls_x509_privkey_import(key.get(), &key_pem, GNUTLS_X509_FMT_PEM),
        ("reading " + utf8_of(dir / kPrivateKeyFile)).c_str());

  std::array<unsigned char, 32> cert_id{};
  std::array<unsigned char, 32> key_id{};
  std::size_t cert_size = cert_id.size();
  std::size_t key_size = key_id.size();
  check(gnutls_x509_crt_get_key_id(certificate.get(), GNUTLS_KEYID_USE_SHA256, cert_id.data(),
                                   &cert_size),
        "hashing the certificate key");
  check(
      gnutls_x509_privkey_get_key_id(key.get(), GNUTLS_KEYID_USE_SHA256, key_id.data(), &key_size),
      "hashing the private key");
  if (cert_size != key_size || cert_id != key_id) {
    throw IdentityFailure{"the private key in " + utf8_of(dir) +
                          " does not belong to its certificate"};
  }
  identity.fingerprint = fingerprint_of(certificate.get());
  return identity;
}

// Both files appear at once through a directory rename, so a crash can
// never leave half an identity; a leftover staging folder was never used.
Result<Identity> create(const fs::path& state_dir, const fs::path& dir) {
  const auto staging = state_dir / "identity.new";
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec)
    return Error{"cannot create " + utf8_of(staging) + ": " + ec.message()};
  // Best effort, as ever: a file system without permissions (FAT) cannot
  // keep the key private, and refusing to start would not help.
  if (auto restricted = platform::restrict_to_owner(staging); !restricted)
    spdlog::warn("{}; the private key may be readable by other users", restricted.error().message);
  auto identity = generate();
  // Atomic files are created with mode 0600 (on Windows they inherit the
  // folder's owner-only access list).
  if (auto written =
          platform::write_file_atomically(staging / kPrivateKeyFile, identity.private_key_pem);
      !written)
    return written.error();
  if (auto written =
          platform::write_file_atomically(staging / kCertificateFile, identity.certificate_pem);
      !written)
    return written.error();
  fs::rename(staging, dir, ec);
  if (ec)
    return Error{"cannot create " + utf8_of(dir) + ": " + ec.message()};
  return identity;
}

}  // namespace

Result<Identity> load_or_create_identity(const fs::path& state_dir) {
  const auto dir = state_dir / "identity";
  std::error_code ec;
  try {
    if (fs::exists(dir, ec))
      return parse(dir);
    return create(state_dir, dir);
  } catch (const IdentityFailure& failure) {
    return Error{failure.message};
  }
}

std::string certificate_fingerprint(std::string_view der) {
  Certificate certificate;
  if (gnutls_x509_crt_init(certificate.out()) < 0)
    return {};
  const gnutls_datum_t datum{reinterpret_cast<unsigned char*>(const_cast<char*>(der.data())),
                             static_cast<unsigned>(der.size())};
  if (gnutls_x509_crt_import(certificate.get(), &datum, GNUTLS_X509_FMT_DER) < 0)
    return {};
  try {
    return fingerprint_of(certificate.get());
  } catch (const IdentityFailure&) {
    return {};
  }
}

}  // namespace lanspread::transport
