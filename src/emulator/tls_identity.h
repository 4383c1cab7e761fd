// TLS for the emulator's SWF port and the caller identity taken from the client certificate.
//
// The server asks every client for a certificate but lets the handshake finish even when the
// certificate is missing or fails verification; the first verification error is recorded on
// the connection so that a handler can answer 401 problem+json that says why (no certificate,
// expired, unknown CA, wrong key usage). Stateless; safe to call from any thread.
#ifndef SWFVAULT_EMULATOR_TLS_IDENTITY_H_
#define SWFVAULT_EMULATOR_TLS_IDENTITY_H_

#include <openssl/ssl.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "swfvault/status.h"

namespace swfvault {

// Configures `ctx` from `tls_dir` (ca.crt, server.crt with its chain, server.key): TLS >= 1.2,
// client certificates requested and verified against ca.crt for purpose "SSL client".
// Returns kInvalidArgument naming the file that could not be loaded.
Status ConfigureServerTls(SSL_CTX& ctx, const std::filesystem::path& tls_dir);

// Returns the OIN (subject serialNumber) of the verified client certificate on `ssl`, or
// kUnauthenticated with a message naming why it is refused.
Result<std::string> ClientCertificateOin(const SSL* ssl);

// True when `s` is exactly 20 ASCII digits.
bool IsOin(std::string_view s);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_TLS_IDENTITY_H_
