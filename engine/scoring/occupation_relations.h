// How close one ROME occupation is to another, precomputed for every ordered pair (1,584^2 bytes, about
// 2.5 MB) so that the occupation criterion is a table look-up in the kernels.
//
// Thread-safety: immutable after construction.
#ifndef PASSERELLE_ENGINE_SCORING_OCCUPATION_RELATIONS_H_
#define PASSERELLE_ENGINE_SCORING_OCCUPATION_RELATIONS_H_

#include <array>
#include <cstdint>
#include <vector>

#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// Strongest first relation wins: the same code, a ROME mobility link, the same domaine professionnel,
// the same grand domaine.
enum class OccupationRelation : uint8_t {
  kNone = 0,
  kSameGrandDomaine = 1,
  kSameDomaine = 2,
  kMobilityLink = 3,
  kExact = 4,
};

class OccupationRelations {
 public:
  explicit OccupationRelations(const ReferenceData& data);

  // Relation from an occupation the candidate holds or wishes (`from`) to the opening's (`to`).
  OccupationRelation Relation(int32_t from, int32_t to) const {
    return static_cast<OccupationRelation>(table_[static_cast<size_t>(from) * count_ + to]);
  }
  float Score(int32_t from, int32_t to) const { return kScoreByRelation[table_[static_cast<size_t>(from) * count_ + to]]; }
  static float RelationScore(OccupationRelation relation);
  // RelationScore indexed by the enum's value, for the hot paths.
  static const std::array<float, 5> kScoreByRelation;
  int32_t count() const { return count_; }

 private:
  int32_t count_ = 0;
  std::vector<uint8_t> table_;  // row-major [from * count_ + to]
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SCORING_OCCUPATION_RELATIONS_H_
