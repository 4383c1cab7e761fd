// Local checks of the client certificate and key before any connection is made, so that a
// certificate the server is bound to refuse fails fast with a clear message instead of as an
// ambiguous connection reset after the TLS 1.3 handshake. Pure function over two files;
// thread-safe.
#ifndef SWFVAULT_SRC_API_CLIENT_CERTIFICATE_H_
#define SWFVAULT_SRC_API_CLIENT_CERTIFICATE_H_

#include <ctime>
#include <string>

#include "swfvault/status.h"

namespace swfvault {

// Checks the first certificate in `cert_file` (PEM) and the key in `key_file` (PEM,
// unencrypted). Returns kInvalidArgument when a file cannot be parsed (named), and
// kUnauthenticated naming the certificate when it is expired or not yet valid at `now`, when
// its extended key usage excludes client authentication, or when the key does not belong to it.
Status CheckClientCertificate(const std::string& cert_file, const std::string& key_file, time_t now);
// The end of the validity of the first certificate in `cert_file` (Unix seconds).
Result<int64_t> CertificateNotAfter(const std::string& cert_file);

}  // namespace swfvault

#endif  // SWFVAULT_SRC_API_CLIENT_CERTIFICATE_H_
