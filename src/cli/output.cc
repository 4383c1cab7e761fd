#include "cli/output.h"

#include "swfvault/exit_codes.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault {

std::string Counted(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

namespace {

// Code points a terminal acts on instead of showing: C0 and C1 controls and DEL, the bidi
// marks, embeddings, overrides and isolates that reorder a line, and the line and paragraph
// separators some terminals break a line at.
bool ActsOnTerminal(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string Printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t len = Utf8SequenceAt(text, i, &cp);
    // A byte that is no UTF-8 (a bare 0x9B is CSI to a terminal in 8-bit mode) shows as '?'.
    if (len == 0 || ActsOnTerminal(cp)) {
      out += '?';
    } else {
      out.append(text, i, len);
    }
    i += len == 0 ? 1 : len;
  }
  return out;
}

void Output::Event(const nlohmann::json& event) {
  if (!json_) return;
  ended_with_summary_ = event.value("type", "") == "summary";
  // Every summary holds its exit code; one that does not say is a success's (a failure's
  // summary names its code, see SummaryIfMissing).
  const bool add_code = ended_with_summary_ && !event.contains("exitCode");
  nlohmann::json with_code = add_code ? event : nlohmann::json();
  if (add_code) with_code["exitCode"] = 0;
  out_ << (add_code ? with_code : event)
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
       << '\n';
  out_.flush();
}

void Output::SummaryIfMissing(int exit_code, const std::string& command) {
  if (!json_ || ended_with_summary_) return;
  // "document add", as the summary of a success names it (docs/cli-operations.md).
  const std::string_view prefix = "swfvault ";
  const std::string name = command.rfind(prefix, 0) == 0 ? command.substr(prefix.size()) : command;
  Event({{"type", "summary"}, {"command", name}, {"exitCode", exit_code}});
}

void Output::Line(const std::string& text) {
  if (json_) return;
  EndProgress();
  out_ << text << '\n';
}

void Output::Warn(const std::string& text) {
  if (json_) {
    Event({{"type", "warning"}, {"message", text}});
    return;
  }
  EndProgress();
  err_ << "swfvault: " << Printable(text) << '\n';  // one line, whatever a name in it holds
}

void Output::Error(const Status& status) {
  if (json_) {
    Event({{"type", "error"},
           {"code", std::string(StatusCodeName(status.code()))},
           {"exitCode", static_cast<int>(ExitCodeFor(status))},
           {"httpStatus", status.http_status()},
           {"message", status.message()}});
    return;
  }
  EndProgress();
  // An error may quote a server's words or a name on a share: one line, as a warning is.
  err_ << "swfvault: error: " << Printable(status.message()) << " ["
       << StatusCodeName(status.code()) << "]\n";
}

void Output::UsageError(const std::string& message, const std::string& command) {
  if (json_) return Error(InvalidArgument(message + "; run '" + command + " --help' for usage"));
  EndProgress();
  err_ << "swfvault: usage error: " << Printable(message) << "\n"
       << "Run '" << command << " --help' for usage.\n";
}

void Output::Progress(const std::string& text) {
  if (!interactive()) return;
  err_ << "\r\033[K" << text;
  err_.flush();
  progress_shown_ = true;
}

void Output::EndProgress() {
  if (!progress_shown_) return;
  err_ << "\r\033[K";
  err_.flush();
  progress_shown_ = false;
}

}  // namespace swfvault
