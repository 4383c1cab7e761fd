#include "export/utf8_locale.h"

namespace swfvault {

ScopedUtf8Locale::ScopedUtf8Locale() {
  for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
    utf8_ = newlocale(LC_ALL_MASK, name, static_cast<locale_t>(0));
    if (utf8_ != static_cast<locale_t>(0)) break;
  }
  if (utf8_ != static_cast<locale_t>(0)) previous_ = uselocale(utf8_);
}

ScopedUtf8Locale::~ScopedUtf8Locale() {
  if (utf8_ == static_cast<locale_t>(0)) return;
  uselocale(previous_);
  freelocale(utf8_);
}

Status ScopedUtf8Locale::status() const {
  return utf8_ != static_cast<locale_t>(0) ? Status::Ok()
                                           : Internal("no UTF-8 locale (C.UTF-8) is installed");
}

}  // namespace swfvault
