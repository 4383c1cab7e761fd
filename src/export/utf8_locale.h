// ScopedUtf8Locale: switches the calling thread to a UTF-8 C locale (uselocale) for its
// lifetime. libarchive converts entry names through the current locale, and 3.6 crashes on
// non-ASCII names under the plain C locale; pinning C.UTF-8 also makes the bytes it writes
// independent of LC_ALL. Affects only the calling thread. Not copyable.
#ifndef SWFVAULT_EXPORT_UTF8_LOCALE_H_
#define SWFVAULT_EXPORT_UTF8_LOCALE_H_

#include <locale.h>

#include "swfvault/status.h"

namespace swfvault {

class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale();
  ~ScopedUtf8Locale();
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;

  // Ok, or kInternal when no UTF-8 locale is installed (nothing was switched).
  Status status() const;

 private:
  locale_t utf8_ = static_cast<locale_t>(0);
  locale_t previous_ = static_cast<locale_t>(0);
};

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_UTF8_LOCALE_H_
