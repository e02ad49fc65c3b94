#include "engine/scoring/occupation_relations.h"

#include <algorithm>

#include "engine/scoring/constants.h"

namespace passerelle::engine {

OccupationRelations::OccupationRelations(const ReferenceData& data)
    : count_(static_cast<int32_t>(data.occupations().size())),
      table_(static_cast<size_t>(count_) * count_, static_cast<uint8_t>(OccupationRelation::kNone)) {
  absl::Span<const RomeOccupation> occ = data.occupations();
  for (int32_t from = 0; from < count_; ++from) {
    uint8_t* row = &table_[static_cast<size_t>(from) * count_];
    for (int32_t to = 0; to < count_; ++to) {
      if (occ[from].domaine_index == occ[to].domaine_index) {
        row[to] = static_cast<uint8_t>(OccupationRelation::kSameDomaine);
      } else if (occ[from].grand_domaine_index == occ[to].grand_domaine_index) {
        row[to] = static_cast<uint8_t>(OccupationRelation::kSameGrandDomaine);
      }
    }
    for (int32_t to : data.MobilityTargets(from)) row[to] = static_cast<uint8_t>(OccupationRelation::kMobilityLink);
    row[from] = static_cast<uint8_t>(OccupationRelation::kExact);
  }
}

const std::array<float, 5> OccupationRelations::kScoreByRelation = {
    0.0f, scoring::kOccupationSameGrandDomaine, scoring::kOccupationSameDomaine, scoring::kOccupationMobility,
    scoring::kOccupationExact};

float OccupationRelations::RelationScore(OccupationRelation relation) {
  switch (relation) {
    case OccupationRelation::kExact: return scoring::kOccupationExact;
    case OccupationRelation::kMobilityLink: return scoring::kOccupationMobility;
    case OccupationRelation::kSameDomaine: return scoring::kOccupationSameDomaine;
    case OccupationRelation::kSameGrandDomaine: return scoring::kOccupationSameGrandDomaine;
    case OccupationRelation::kNone: return 0.0f;
  }
  return 0.0f;
}

}  // namespace passerelle::engine
