// Output: how a command reports. Human mode writes lines for people (stdout) and errors to
// stderr; JSON mode (--json) writes one JSON object per line on stdout, every object with a
// "type", so scripts can follow a run. Not thread-safe; one per command run.
#ifndef SWFVAULT_CLI_OUTPUT_H_
#define SWFVAULT_CLI_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "swfvault/status.h"

namespace swfvault {

// "1 finding", "3 findings": a count with the word in the right number.
std::string Counted(int64_t n, const std::string& one, const std::string& many);

// Text as a terminal may show it in a human line: text from the server, a partner or a file
// name on a share could hold escape sequences that retitle or clear the terminal, a newline
// that forges a line, or a bidi override or mark that reorders it. Those become '?', and so
// does every byte that is not UTF-8.
std::string Printable(const std::string& text);

class Output {
 public:
  Output(std::ostream& out, std::ostream& err, bool json, bool interactive)
      : out_(out), err_(err), json_(json), interactive_(interactive) {}

  bool json() const { return json_; }
  bool interactive() const { return interactive_ && !json_; }

  // JSON mode: writes `event` as one line. Human mode: nothing.
  void Event(const nlohmann::json& event);
  // Human mode: writes `text` and a newline to stdout. JSON mode: nothing.
  void Line(const std::string& text);
  // Human mode: a note on stderr ("swfvault: ...", through Printable). JSON mode:
  // {"type":"warning"} event.
  void Warn(const std::string& text);
  // Reports a failure: JSON {"type":"error","code":...,"message":...}; human to stderr.
  void Error(const Status& status);
  // A usage error: "swfvault: usage error: <message>" and where --help explains it, or under
  // --json an error event whose message says the same.
  void UsageError(const std::string& message, const std::string& command);
  // JSON mode: a run that ends without a summary line (a command that failed before it got to
  // its own) gets {"type":"summary","command":...,"exitCode":...}, so that every --json run
  // ends with one. Human mode: nothing.
  void SummaryIfMissing(int exit_code, const std::string& command);
  // A transient progress line on stderr, redrawn in place (interactive only).
  void Progress(const std::string& text);
  void EndProgress();

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
  bool interactive_;
  bool progress_shown_ = false;
  bool ended_with_summary_ = false;  // the last event written was a summary
};

}  // namespace swfvault

#endif  // SWFVAULT_CLI_OUTPUT_H_
