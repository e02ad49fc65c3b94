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
  IndexRelated();
}

void OccupationRelations::IndexRelated() {
  from_offsets_.assign(static_cast<size_t>(count_) + 1, 0);
  to_offsets_.assign(static_cast<size_t>(count_) + 1, 0);
  for (int32_t from = 0; from < count_; ++from) {
    for (int32_t to = 0; to < count_; ++to) {
      if (table_[static_cast<size_t>(from) * count_ + to] == 0) continue;
      ++from_offsets_[from + 1];
      ++to_offsets_[to + 1];
    }
  }
  for (int32_t code = 0; code < count_; ++code) {
    from_offsets_[code + 1] += from_offsets_[code];
    to_offsets_[code + 1] += to_offsets_[code];
  }
  from_.resize(from_offsets_.back());
  to_.resize(to_offsets_.back());
  std::vector<uint32_t> to_fill(to_offsets_.begin(), to_offsets_.end() - 1);
  size_t next = 0;
  // Rows in order fill both lists ascending: `to` within a row, `from` within a column.
  for (int32_t from = 0; from < count_; ++from) {
    for (int32_t to = 0; to < count_; ++to) {
      const auto relation = static_cast<OccupationRelation>(table_[static_cast<size_t>(from) * count_ + to]);
      if (relation == OccupationRelation::kNone) continue;
      from_[next++] = {to, relation};
      to_[to_fill[to]++] = {from, relation};
    }
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
