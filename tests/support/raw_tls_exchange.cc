#include "support/raw_tls_exchange.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "support/emulator_process.h"

namespace swfvault::testing {
namespace {

// Reads until the peer closes (true) or a read times out or fails otherwise (false).
bool ReadUntilClosed(SSL* ssl, std::string* out) {
  char buf[4096];
  for (;;) {
    errno = 0;
    int n = SSL_read(ssl, buf, sizeof(buf));
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      continue;
    }
    int err = SSL_get_error(ssl, n);
    // A peer that closes without close_notify shows as SSL_ERROR_SYSCALL with errno 0 (or an
    // unexpected-EOF SSL error in OpenSSL 3); a timeout as SSL_ERROR_SYSCALL with EAGAIN.
    if (err == SSL_ERROR_ZERO_RETURN) return true;
    if (err == SSL_ERROR_SYSCALL) return errno == 0;
    return err == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
  }
}

}  // namespace

RawTlsReply RawTlsExchange(int port, const std::string& org, const std::string& bytes, int idle_ms) {
  RawTlsReply reply;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (SSL_CTX_load_verify_locations(ctx.get(), (PkiDir() + "/ca.crt").c_str(), nullptr) != 1 ||
      SSL_CTX_use_certificate_chain_file(ctx.get(), (PkiDir() + "/" + org + ".crt").c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx.get(), (PkiDir() + "/" + org + ".key").c_str(), SSL_FILETYPE_PEM) != 1) {
    reply.error = "cannot load the test PKI for " + org;
    return reply;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{idle_ms / 1000, (idle_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    reply.error = "cannot connect to port " + std::to_string(port);
  } else if (SSL_set_fd(ssl.get(), fd) != 1 || SSL_connect(ssl.get()) != 1) {
    reply.error = "TLS handshake failed";
  } else if (SSL_write(ssl.get(), bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size())) {
    reply.error = "cannot write the request bytes";
  } else {
    reply.closed_by_server = ReadUntilClosed(ssl.get(), &reply.received);
  }
  ssl.reset();
  close(fd);
  return reply;
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace swfvault::testing
