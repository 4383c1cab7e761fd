// A minimal XML 1.0 well-formedness check, enough to catch damaged or hand-edited MDTO
// sidecars without a libxml2 dependency: valid UTF-8; one root element; tags balance;
// names well-formed; attributes quoted and not repeated; only the five predefined entities
// and character references; comments, processing instructions and CDATA skipped; DOCTYPE
// refused. It does not validate against a schema. Pure, thread-safe.
#ifndef SWFVAULT_EXPORT_XML_CHECK_H_
#define SWFVAULT_EXPORT_XML_CHECK_H_

#include <string_view>

#include "swfvault/status.h"

namespace swfvault {

// Ok, or kCorruption naming the byte offset and the problem.
Status CheckXmlWellFormed(std::string_view xml);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_XML_CHECK_H_
