#include "swfvault/model.h"

namespace swfvault {

Confidentiality ParseConfidentiality(std::string_view label) {
  if (label.empty() || label == "RV") return Confidentiality::kRV;
  if (label == "SV") return Confidentiality::kSV;
  return Confidentiality::kUnknown;
}

std::string_view ConfidentialityName(Confidentiality level) {
  switch (level) {
    case Confidentiality::kRV: return "RV";
    case Confidentiality::kSV: return "SV";
    case Confidentiality::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

}  // namespace swfvault
