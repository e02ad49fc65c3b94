// Table mode for the fair-exposure part of `passerelle rerank` (docs/batch.md, "Fair exposure of
// re-ranks"): how the openings' top slots fall across the watched groups, and with a minimum share
// what the re-rank changed and the score it cost. Labels in English or French (--lang).
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_CLIENTS_EXPOSURE_VIEW_H_
#define PASSERELLE_CLIENTS_EXPOSURE_VIEW_H_

#include <string>
#include <vector>

#include "clients/session.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::clients {

// "french_band" -> "French level" / "niveau de français"; a group ("emergency") -> "emergency" /
// "urgence". Unknown names (département codes) are returned as they are.
std::string AttributeLabel(const std::string& attribute, Language language);
std::string GroupLabel(const std::string& group, Language language);

// The report, then up to `shortlists.size()` re-ranked shortlists (the caller picks which).
std::string RenderRerankExposure(const v1::RerankExposure& exposure,
                                 const std::vector<v1::OpeningShortlist>& shortlists, Language language);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_EXPOSURE_VIEW_H_
