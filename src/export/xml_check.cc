#include "export/xml_check.h"

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace swfvault {
namespace {

bool IsNameStart(unsigned char c) { return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80; }
bool IsNameChar(unsigned char c) {
  return IsNameStart(c) || std::isdigit(c) || c == '-' || c == '.';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (len == 1 && b < 0x20 && !IsSpace(static_cast<char>(b))) return false;
    i += len;
  }
  return true;
}

class XmlScanner {
 public:
  explicit XmlScanner(std::string_view xml) : x_(xml) {}

  Status Run() {
    if (!ValidUtf8(x_)) return Fail("not valid UTF-8 or contains a control character");
    while (pos_ < x_.size()) {
      if (x_[pos_] == '<') {
        SWF_RETURN_IF_ERROR(Markup());
      } else {
        SWF_RETURN_IF_ERROR(Text());
      }
    }
    if (!stack_.empty()) return Fail("element <" + stack_.back() + "> is not closed");
    if (roots_ != 1) return Fail("document must have exactly one root element");
    return Status::Ok();
  }

 private:
  Status Fail(const std::string& what) const {
    return Corruption("XML not well-formed at byte " + std::to_string(pos_) + ": " + what);
  }

  Status Text() {
    size_t end = x_.find('<', pos_);
    if (end == std::string_view::npos) end = x_.size();
    std::string_view text = x_.substr(pos_, end - pos_);
    if (stack_.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      return Fail("text outside the root element");
    }
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '>' && i >= 2 && text.substr(i - 2, 3) == "]]>") return Fail("']]>' in text");
      if (text[i] != '&') continue;
      pos_ += i;
      SWF_RETURN_IF_ERROR(Reference(text.substr(i)));
      pos_ -= i;
    }
    pos_ = end;
    return Status::Ok();
  }

  Status Reference(std::string_view at) {
    size_t semi = at.find(';');
    if (semi == std::string_view::npos) return Fail("'&' without ';'");
    std::string_view ref = at.substr(1, semi - 1);
    static const std::set<std::string_view> kNamed = {"amp", "lt", "gt", "quot", "apos"};
    if (kNamed.count(ref) > 0) return Status::Ok();
    const bool hex = ref.starts_with("#x");
    std::string_view digits = ref.substr(hex ? 2 : 1);
    if (!ref.starts_with("#") || digits.empty() ||
        digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string_view::npos) {
      return Fail("unknown entity '&" + std::string(ref) + ";'");
    }
    // XML 1.0's Char production: what a reference may name.
    if (digits.size() > 8) return Fail("character reference '&" + std::string(ref) + ";' out of range");
    const unsigned long c = std::stoul(std::string(digits), nullptr, hex ? 16 : 10);
    const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    if (!allowed) return Fail("character reference '&" + std::string(ref) + ";' names no XML character");
    return Status::Ok();
  }

  Status Skip(std::string_view close, std::string_view what) {
    size_t end = x_.find(close, pos_);
    if (end == std::string_view::npos) return Fail("unterminated " + std::string(what));
    pos_ = end + close.size();
    return Status::Ok();
  }

  Status Markup() {
    std::string_view rest = x_.substr(pos_);
    if (rest.starts_with("<!--")) return Skip("-->", "comment");
    if (rest.starts_with("<?")) {
      // "<?xml" is the declaration, allowed only as the very first thing in the document.
      const bool named_xml = rest.size() > 5 && (rest.substr(2, 3) == "xml" || rest.substr(2, 3) == "XML") &&
                             (rest[5] == ' ' || rest[5] == '?' || rest[5] == '\t' || rest[5] == '\n' || rest[5] == '\r');
      if (named_xml && pos_ != 0) return Fail("XML declaration not at the start");
      return Skip("?>", "processing instruction");
    }
    if (rest.starts_with("<![CDATA[")) {
      if (stack_.empty()) return Fail("CDATA outside the root element");
      return Skip("]]>", "CDATA section");
    }
    if (rest.starts_with("<!")) return Fail("DOCTYPE and declarations are not allowed");
    if (rest.starts_with("</")) return EndTag();
    return StartTag();
  }

  Result<std::string> Name() {
    size_t start = pos_;
    if (pos_ >= x_.size() || !IsNameStart(static_cast<unsigned char>(x_[pos_]))) {
      return Fail("expected a name");
    }
    while (pos_ < x_.size() && IsNameChar(static_cast<unsigned char>(x_[pos_]))) ++pos_;
    return std::string(x_.substr(start, pos_ - start));
  }

  void SkipSpace() {
    while (pos_ < x_.size() && IsSpace(x_[pos_])) ++pos_;
  }

  Status EndTag() {
    pos_ += 2;
    SWF_ASSIGN_OR_RETURN(std::string name, Name());
    SkipSpace();
    if (pos_ >= x_.size() || x_[pos_] != '>') return Fail("malformed end tag </" + name + ">");
    if (stack_.empty() || stack_.back() != name) return Fail("unexpected </" + name + ">");
    stack_.pop_back();
    ++pos_;
    return Status::Ok();
  }

  Status Attribute(std::set<std::string>* seen) {
    SWF_ASSIGN_OR_RETURN(std::string name, Name());
    if (!seen->insert(name).second) return Fail("attribute '" + name + "' repeated");
    SkipSpace();
    if (pos_ >= x_.size() || x_[pos_] != '=') return Fail("attribute '" + name + "' has no value");
    ++pos_;
    SkipSpace();
    if (pos_ >= x_.size() || (x_[pos_] != '"' && x_[pos_] != '\'')) return Fail("attribute value not quoted");
    const char quote = x_[pos_++];
    size_t end = x_.find(quote, pos_);
    if (end == std::string_view::npos) return Fail("unterminated attribute value");
    std::string_view value = x_.substr(pos_, end - pos_);
    if (value.find('<') != std::string_view::npos) return Fail("'<' in attribute value");
    for (size_t i = value.find('&'); i != std::string_view::npos; i = value.find('&', i + 1)) {
      SWF_RETURN_IF_ERROR(Reference(value.substr(i)));
    }
    pos_ = end + 1;
    return Status::Ok();
  }

  Status StartTag() {
    ++pos_;
    SWF_ASSIGN_OR_RETURN(std::string name, Name());
    if (stack_.empty() && ++roots_ > 1) return Fail("second root element <" + name + ">");
    std::set<std::string> seen;
    for (;;) {
      const size_t before = pos_;
      SkipSpace();
      if (pos_ >= x_.size()) return Fail("unterminated start tag <" + name + ">");
      if (x_.substr(pos_).starts_with("/>")) {
        pos_ += 2;
        return Status::Ok();
      }
      if (x_[pos_] == '>') {
        ++pos_;
        stack_.push_back(name);
        return Status::Ok();
      }
      if (pos_ == before) return Fail("attributes must be separated by space");
      SWF_RETURN_IF_ERROR(Attribute(&seen));
    }
  }

  std::string_view x_;
  size_t pos_ = 0;
  std::vector<std::string> stack_;
  int roots_ = 0;
};

}  // namespace

Status CheckXmlWellFormed(std::string_view xml) { return XmlScanner(xml).Run(); }

}  // namespace swfvault
