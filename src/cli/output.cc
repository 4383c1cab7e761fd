#include "cli/output.h"

#include "swfvault/exit_codes.h"

namespace swfvault {

std::string Counted(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const auto third = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
    if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // C1 controls (U+0080..U+009F)
      out += '?';
      i += 1;
    } else if (c == 0xE2 && ((next == 0x80 && third >= 0xAA && third <= 0xAE) ||
                             (next == 0x81 && third >= 0xA6 && third <= 0xA9))) {  // bidi
      out += '?';
      i += 2;
    } else {
      out += text[i];
    }
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
