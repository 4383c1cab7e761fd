// The actieverzoek status machine of swf-api.md section 4: which party may move an
// actieverzoek from one status to another, and the HAL link that advertises each move.
// Pure; thread-safe.
#ifndef SWFVAULT_EMULATOR_ACTIEVERZOEK_MACHINE_H_
#define SWFVAULT_EMULATOR_ACTIEVERZOEK_MACHINE_H_

#include <string>
#include <vector>

namespace swfvault {

enum class ActieverzoekParty { kZender, kOntvanger };

struct ActieverzoekTransition {
  std::string from;
  std::string to;
  ActieverzoekParty party;
  std::string link;  // behandelen, weigeren, gereedmelden, accepteren, intrekken
};

// Every legal transition.
const std::vector<ActieverzoekTransition>& ActieverzoekTransitions();
// True when `to` is a known status.
bool IsActieverzoekStatus(const std::string& status);
// True when no transition leaves `status` (GEWEIGERD, INGETROKKEN, GEREED).
bool IsFinalActieverzoekStatus(const std::string& status);
// True when `party` may move an actieverzoek from `from` to `to`.
bool MayTransition(const std::string& from, const std::string& to, ActieverzoekParty party);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_ACTIEVERZOEK_MACHINE_H_
