#include "emulator/actieverzoek_machine.h"

namespace swfvault {

const std::vector<ActieverzoekTransition>& ActieverzoekTransitions() {
  using P = ActieverzoekParty;
  static const std::vector<ActieverzoekTransition> kTable = {
      {"OPEN", "IN_BEHANDELING", P::kOntvanger, "behandelen"},
      {"OPEN", "GEWEIGERD", P::kOntvanger, "weigeren"},
      {"IN_BEHANDELING", "GEWEIGERD", P::kOntvanger, "weigeren"},
      {"OPEN", "GEREEDGEMELD", P::kOntvanger, "gereedmelden"},
      {"IN_BEHANDELING", "GEREEDGEMELD", P::kOntvanger, "gereedmelden"},
      {"GEREEDGEMELD", "GEREED", P::kZender, "accepteren"},
      {"OPEN", "INGETROKKEN", P::kZender, "intrekken"},
      {"IN_BEHANDELING", "INGETROKKEN", P::kZender, "intrekken"},
      {"GEREEDGEMELD", "INGETROKKEN", P::kZender, "intrekken"},
  };
  return kTable;
}

bool IsActieverzoekStatus(const std::string& s) {
  for (const char* known : {"OPEN", "IN_BEHANDELING", "GEWEIGERD", "GEREEDGEMELD", "GEREED", "INGETROKKEN"}) {
    if (s == known) return true;
  }
  return false;
}

bool IsFinalActieverzoekStatus(const std::string& s) {
  return s == "GEWEIGERD" || s == "INGETROKKEN" || s == "GEREED";
}

bool MayTransition(const std::string& from, const std::string& to, ActieverzoekParty party) {
  for (const auto& t : ActieverzoekTransitions()) {
    if (t.from == from && t.to == to && t.party == party) return true;
  }
  return false;
}

}  // namespace swfvault
