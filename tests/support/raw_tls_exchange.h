// RawTlsExchange: bytes written exactly as given over one mutual-TLS connection to 127.0.0.1,
// and everything the server sends back. For connection handling that a well-behaved HTTP
// client hides: pipelined requests, a body the server never read. Thread-safe (nothing shared).
#ifndef SWFVAULT_TESTS_SUPPORT_RAW_TLS_EXCHANGE_H_
#define SWFVAULT_TESTS_SUPPORT_RAW_TLS_EXCHANGE_H_

#include <string>

namespace swfvault::testing {

struct RawTlsReply {
  std::string received;         // every byte read, responses back to back
  bool closed_by_server = false;  // false: still open after `idle_ms` without data, or no TLS
  std::string error;            // set when no connection or handshake came about
};

// Connects to 127.0.0.1:`port` with <PkiDir()>/<org>.crt (chain) and .key, writes `bytes` in
// one go and reads until the server closes the connection or `idle_ms` pass without data.
RawTlsReply RawTlsExchange(int port, const std::string& org, const std::string& bytes,
                           int idle_ms = 3000);

// How many times `needle` occurs in `text` (e.g. "HTTP/1.1 " = responses received).
int CountOccurrences(const std::string& text, const std::string& needle);

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_RAW_TLS_EXCHANGE_H_
