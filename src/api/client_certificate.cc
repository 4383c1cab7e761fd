#include "api/client_certificate.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

namespace swfvault {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using CertificatePtr = std::unique_ptr<X509, X509Free>;
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// Never prompts on a terminal for a passphrase: encrypted keys are simply unreadable.
int NoPassword(char*, int, int, void*) { return 0; }

// The first certificate in `cert_file` (PEM).
Result<CertificatePtr> ReadCertificate(const std::string& cert_file) {
  std::unique_ptr<FILE, FileCloser> cf(std::fopen(cert_file.c_str(), "r"));
  if (!cf) return InvalidArgument("client certificate file " + cert_file + " cannot be opened");
  CertificatePtr cert(PEM_read_X509(cf.get(), nullptr, &NoPassword, nullptr));
  if (!cert) return InvalidArgument("client certificate file " + cert_file + " holds no PEM certificate");
  return cert;
}

}  // namespace

Status CheckClientCertificate(const std::string& cert_file, const std::string& key_file,
                              time_t now) {
  SWF_ASSIGN_OR_RETURN(CertificatePtr cert, ReadCertificate(cert_file));
  std::unique_ptr<FILE, FileCloser> kf(std::fopen(key_file.c_str(), "r"));
  if (!kf) return InvalidArgument("client private key file " + key_file + " cannot be opened");
  std::unique_ptr<EVP_PKEY, KeyFree> key(PEM_read_PrivateKey(kf.get(), nullptr, &NoPassword, nullptr));
  if (!key) {
    return InvalidArgument("client private key file " + key_file +
                           " holds no unencrypted PEM private key");
  }
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &now) < 0) {
    return Unauthenticated("client certificate " + cert_file + " has expired");
  }
  if (X509_cmp_time(X509_get0_notBefore(cert.get()), &now) > 0) {
    return Unauthenticated("client certificate " + cert_file + " is not valid yet");
  }
  bool has_eku = (X509_get_extension_flags(cert.get()) & EXFLAG_XKUSAGE) != 0;
  if (has_eku && (X509_get_extended_key_usage(cert.get()) & XKU_SSL_CLIENT) == 0) {
    return Unauthenticated("client certificate " + cert_file +
                           " is not valid for TLS client authentication (extended key usage)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Unauthenticated("client private key " + key_file + " does not belong to certificate " + cert_file);
  }
  return Status::Ok();
}

Result<int64_t> CertificateNotAfter(const std::string& cert_file) {
  SWF_ASSIGN_OR_RETURN(CertificatePtr cert, ReadCertificate(cert_file));
  struct tm tm {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    return InvalidArgument("client certificate " + cert_file + " has an unreadable end date");
  }
  return static_cast<int64_t>(::timegm(&tm));
}

}  // namespace swfvault
