#include "emulator/tls_identity.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>

namespace swfvault {
namespace {

int VerifyErrorIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Accepts every chain so the handshake completes, but remembers the first error: refusing
// in the handshake would leave the client with an opaque TLS alert instead of a 401 body.
int RecordFirstError(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok) return 1;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl != nullptr && SSL_get_ex_data(ssl, VerifyErrorIndex()) == nullptr) {
    intptr_t err = X509_STORE_CTX_get_error(store);
    SSL_set_ex_data(ssl, VerifyErrorIndex(), reinterpret_cast<void*>(err + 1));
  }
  return 1;
}

std::string ReasonFor(long err) {
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "client certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "client certificate is not yet valid";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "client certificate is not issued by a trusted CA";
    case X509_V_ERR_INVALID_PURPOSE:
      return "client certificate is not valid for client authentication (key usage)";
    default:
      return std::string("client certificate rejected: ") + X509_verify_cert_error_string(err);
  }
}

}  // namespace

bool IsOin(std::string_view s) {
  if (s.size() != 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status ConfigureServerTls(SSL_CTX& ctx, const std::filesystem::path& tls_dir) {
  const std::string ca = (tls_dir / "ca.crt").string();
  const std::string cert = (tls_dir / "server.crt").string();
  const std::string key = (tls_dir / "server.key").string();
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1) {
    return InvalidArgument("cannot load server certificate chain " + cert);
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return InvalidArgument("cannot load server key " + key);
  }
  if (SSL_CTX_load_verify_locations(&ctx, ca.c_str(), nullptr) != 1) {
    return InvalidArgument("cannot load client CA " + ca);
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.c_str());
  if (names == nullptr) return InvalidArgument("cannot read CA names from " + ca);
  SSL_CTX_set_client_CA_list(&ctx, names);
  SSL_CTX_set_purpose(&ctx, X509_PURPOSE_SSL_CLIENT);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, RecordFirstError);
  SSL_CTX_set_verify_depth(&ctx, 5);
  // No resumption: every connection runs the verify callback, so the 401 reason is always
  // known. The context id is still set, as OpenSSL aborts with an internal-error alert when a
  // client offers a session to a verifying server without one.
  static const unsigned char kSessionContext[] = "swfvault-emulator";
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof(kSessionContext) - 1);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(&ctx, 0);
  return Status::Ok();
}

Result<std::string> ClientCertificateOin(const SSL* ssl) {
  if (ssl == nullptr) return Unauthenticated("no TLS connection");
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), X509_free);
  if (!cert) return Unauthenticated("no client certificate presented");
  auto recorded = reinterpret_cast<intptr_t>(SSL_get_ex_data(ssl, VerifyErrorIndex()));
  long err = recorded != 0 ? static_cast<long>(recorded - 1) : SSL_get_verify_result(ssl);
  if (err != X509_V_OK) return Unauthenticated(ReasonFor(err));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  int pos = X509_NAME_get_index_by_NID(subject, NID_serialNumber, -1);
  if (pos < 0) return Unauthenticated("client certificate has no serialNumber (OIN) in its subject");
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, pos));
  std::string oin(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                  static_cast<size_t>(ASN1_STRING_length(data)));
  if (!IsOin(oin)) return Unauthenticated("client certificate serialNumber is not a 20-digit OIN");
  return oin;
}

}  // namespace swfvault
